from __future__ import annotations

import re
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.text import slugify

from maillage.territory.enums import SiteKind
from maillage.territory.loader import load_territory_pack
from maillage.territory.models import Commune
from tests.conftest import NON_STAFF_PERSONAS, STAFF_PERSONAS

from .conftest import ZONE_NAMES
from .factories import CommuneFactory, SiteFactory, ZoneFactory

INDEX = reverse("territory:index")
SEARCH = reverse("territory:commune_search")
HTMX = {"HTTP_HX_REQUEST": "true"}
SVG_NS = "{http://www.w3.org/2000/svg}"


def page(client, **params):
    response = client.get(INDEX, params)
    assert response.status_code == 200
    return response.content.decode()


def map_svg(html: str) -> ElementTree.Element:
    match = re.search(r'<svg xmlns="http://www.w3.org/2000/svg"[^>]*class="commune-map".*?</svg>', html, re.S)
    assert match, "carte absente de la page"
    return ElementTree.fromstring(match.group(0))  # noqa: S314 - our own output


# --- Access -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", STAFF_PERSONAS)
def test_staff_see_the_territory(request, login, territory, persona):
    html = page(login(request.getfixturevalue(persona)))
    for name in ZONE_NAMES:
        assert f'<th scope="row"><a href="#zone-{slugify(name)}">{name}</a></th>' in html
    assert '<td class="num" id="population-totale">728\u00a0405</td>' in html
    assert "147 communes" in html
    assert html.count('<details id="zone-') == 5


@pytest.mark.parametrize("persona", NON_STAFF_PERSONAS)
@pytest.mark.parametrize("url", [INDEX, SEARCH])
def test_other_roles_get_404(request, login, territory, persona, url):
    client = login(request.getfixturevalue(persona))
    assert client.get(url, {"q": "rennes"}, **HTMX).status_code == 404


@pytest.mark.parametrize("url", [INDEX, SEARCH])
def test_anonymous_goes_to_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/")


# --- Content ----------------------------------------------------------------------------------------------


def test_page_lists_zones_epci_communes_quartiers_and_data_note(login, director, territory):
    html = page(login(director))
    assert "<caption>Zones d&#x27;intervention" in html or "<caption>Zones d'intervention" in html
    assert html.count('<th scope="row">CC ') + html.count('<th scope="row">Rennes Métropole</th>') >= 9
    assert "Montfort-sur-Meu" in html and "35188" in html
    assert "Thabor - Saint-Hélier - Alphonse Guérin" in html
    assert "Le Blosne (QN03505M)" in html
    assert "populations légales millésime 2023" in html
    assert "Code officiel géographique (COG) 2026" in html
    assert "Licence Ouverte" in html


def test_sites_show_kind_commune_zone_and_example_badge(login, director, territory):
    rennes = Commune.objects.get(insee_code="35238")
    montfort = Commune.objects.get(insee_code="35188")
    SiteFactory(
        name="Siège We Ker", kind=SiteKind.HEAD_OFFICE, address="7 rue de la Parcheminerie", commune=rennes
    )
    SiteFactory(name="PAE de Montfort", kind=SiteKind.PAE, commune=montfort, is_illustrative=True)
    html = page(login(director))
    section = html[html.index('id="lieux"') : html.index('id="sources"')]
    assert "Siège We Ker" in section and "7 rue de la Parcheminerie" in section and "Siège" in section
    assert "Point accueil emploi (PAE)" in section and "Antenne du Pays de Brocéliande" in section
    assert section.count(">exemple</span>") == 1


def test_map_has_a_path_and_title_per_commune_and_a_text_alternative(login, director, territory):
    html = page(login(director))
    svg = map_svg(html)
    assert svg.get("role") == "img"
    labelled_by = svg.get("aria-labelledby").split()
    assert all(f'id="{ident}"' in html for ident in labelled_by)
    paths = svg.findall(f".//{SVG_NS}path")
    assert len(paths) == 147
    titles = {path.find(f"{SVG_NS}title").text for path in paths}
    assert "Châteaugiron — Antenne territoriale du Nord-Est de Rennes" in titles
    assert len(titles) == 147
    assert '<a href="#zones">Les mêmes informations sous forme de tableaux</a>' in html
    assert html.count('<svg class="swatch"') == 5  # the legend


def test_page_obeys_the_content_security_policy(login, director, territory):
    html = page(login(director), q="rennes")
    assert " style=" not in html
    assert re.search(r"<script(?![^>]*\bsrc=)", html) is None
    assert " on" + "click=" not in html


def test_search_field_is_an_htmx_autocomplete(login, director, territory):
    html = page(login(director))
    assert f'hx-get="{SEARCH}"' in html
    assert 'hx-trigger="input changed delay:250ms, search"' in html
    assert 'hx-target="#resultats-communes"' in html
    assert '<label for="id_q">Commune ou code postal</label>' in html
    assert 'role="search"' in html


# --- Search -----------------------------------------------------------------------------------------------


def result_names(html: str) -> list[str]:
    return re.findall(r'<li role="option"[^>]*>\s*<a href="#zone-[^"]+">([^<]+?) <small>', html)


def test_search_without_javascript_renders_results_in_the_page(login, director, territory):
    html = page(login(director), q="chateaugiron")
    assert result_names(html) == ["Châteaugiron"]
    assert 'role="listbox"' in html
    assert 'value="chateaugiron"' in html


def test_autocomplete_fragment(login, director, territory):
    response = login(director).get(SEARCH, {"q": "35160"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert 'role="listbox"' in html
    assert result_names(html) == ["Breteil", "Le Verger", "Monterfil", "Montfort-sur-Meu", "Talensac"]
    assert "5 communes trouvées" in html


def test_fragment_url_without_htmx_falls_back_to_the_page(login, director, territory):
    response = login(director).get(SEARCH, {"q": "liffré"})
    assert response.status_code == 302
    assert response["Location"] == f"{INDEX}?q=liffr%C3%A9#recherche"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Châteaugiron", ["Châteaugiron"]),
        ("CHATEAUGIRON", ["Châteaugiron"]),
        ("chateaugiron", ["Châteaugiron"]),
        ("osse", ["Châteaugiron"]),  # a former commune
        ("meu", ["Montfort-sur-Meu"]),  # any word of the name
        ("st meen", ["Saint-Méen-le-Grand"]),
        ("35 160", ["Breteil", "Le Verger", "Monterfil", "Montfort-sur-Meu", "Talensac"]),
        ("35700", ["Rennes"]),  # the third postal code of Rennes
        ("rennes", ["Rennes"]),
    ],
)
def test_search_is_accent_and_case_insensitive(login, director, territory, query, expected):
    response = login(director).get(SEARCH, {"q": query}, **HTMX)
    assert result_names(response.content.decode()) == expected


def test_search_puts_prefix_matches_first_and_caps_the_list(login, director, territory):
    html = login(director).get(SEARCH, {"q": "saint"}, **HTMX).content.decode()
    names = result_names(html)
    assert len(names) == 20
    assert all(name.startswith("Saint") for name in names)
    assert "précisez la recherche" in html


@pytest.mark.parametrize(
    "query", ["zzzz", "99999", "%", "_", "' OR 1=1 --", "<script>alert(1)</script>", "3"]
)
def test_search_without_result(login, director, territory, query):
    response = login(director).get(SEARCH, {"q": query}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert result_names(html) == []
    assert "<script>" not in html


@pytest.mark.parametrize("query", ["a" * 500, "ren\x00nes"])
def test_junk_search_input_is_refused_politely(login, director, territory, query):
    for response in (
        login(director).get(SEARCH, {"q": query}, **HTMX),
        login(director).get(INDEX, {"q": query}),
    ):
        assert response.status_code == 200
        html = response.content.decode()
        assert result_names(html) == []
        assert 'class="field-error"' in html


def test_empty_search_shows_nothing(login, director, territory):
    html = login(director).get(SEARCH, {"q": "  "}, **HTMX).content.decode()
    assert html.strip() == ""


# --- Query count ------------------------------------------------------------------------------------------


def count_queries(client, url, params) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


def test_page_query_count_does_not_depend_on_the_data(login, director, db, django_assert_max_num_queries):
    client = login(director)
    zone = ZoneFactory(name="Zone seule")
    CommuneFactory(zone=zone, name="Commune seule")
    small = count_queries(client, INDEX, {"q": "commune"})
    load_territory_pack(settings.TERRITORY_PACK)
    SiteFactory.create_batch(3, commune=Commune.objects.get(insee_code="35238"))
    large = count_queries(client, INDEX, {"q": "saint"})
    assert large == small
    # Session, user and session-activity write (3 + 2 savepoints) + 5 for the page + 1 search + 2 for the map.
    assert large <= 13
    with django_assert_max_num_queries(12):  # the projected map now comes from the cache
        client.get(INDEX, {"q": "saint"})
    with django_assert_max_num_queries(6):  # 5 for the session and the user, 1 for the search
        client.get(SEARCH, {"q": "saint"}, **HTMX)
