"""The /observatoire/ page: who sees what, filters, CSV exports, queries."""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from maillage.territory.models import EPCI, Commune, Zone

URL = "/observatoire/"


def csv_lines(response) -> list[str]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return body[1:].splitlines()


def test_the_url_name_of_the_menu():
    assert reverse("observatory:index") == URL


def test_anonymous_visitors_are_sent_to_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/?next=")


@pytest.mark.parametrize("persona", ["partner_user", "youth_user"])
def test_partners_and_young_people_get_404(request, login, persona, persona_open_data):
    client = login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 404
    assert client.get(URL, {"export": "population"}).status_code == 404


@pytest.mark.parametrize("persona", ["director", "analyst", "admin_user"])
def test_the_direction_sees_the_whole_area(request, login, persona, persona_open_data):
    response = login(request.getfixturevalue(persona)).get(URL)
    assert response.status_code == 200
    content = html.unescape(response.content.decode())
    assert "Tout le territoire" in content
    assert "Montfort-sur-Meu" in content and "Liffré" in content
    assert "Insee, RP2022 (exploitation principale)" in content
    assert "Les indicateurs d'accompagnement ne sont pas encore calculés" in content


@pytest.mark.parametrize("persona", ["zone_manager_a", "counsellor_a", "employer_officer"])
def test_zone_staff_see_their_zone_only(
    request, login, persona, persona_open_data, zone_b, epci_b, commune_b
):
    client = login(request.getfixturevalue(persona))
    response = client.get(URL)
    assert response.status_code == 200
    content = html.unescape(response.content.decode())
    assert "Antenne A" in content
    assert "Montfort-sur-Meu" in content
    assert "Liffré" not in content
    assert client.get(URL, {"zone": zone_b.pk}).status_code == 404
    assert client.get(URL, {"epci": epci_b.pk}).status_code == 404
    assert client.get(URL, {"commune": commune_b.pk}).status_code == 404


def test_zone_staff_without_a_zone_get_404(login, persona_open_data):
    from maillage.accounts.roles import Role
    from tests.accounts.factories import UserFactory

    loner = UserFactory(email="sans.zone@example.test", role=Role.ZONE_MANAGER)
    assert login(loner).get(URL).status_code == 404


def test_the_elected_official_sees_their_epci(
    login, elected_official, persona_open_data, zone_a, epci_a, commune_a
):
    client = login(elected_official)
    response = client.get(URL)
    assert response.status_code == 200
    content = html.unescape(response.content.decode())
    assert '<h2 id="obs-territoire">Communauté A</h2>' in content
    assert "Montfort-sur-Meu" in content
    assert "Liffré" not in content
    assert client.get(URL, {"zone": zone_a.pk}).status_code == 200
    assert client.get(URL, {"epci": epci_a.pk}).status_code == 200
    assert client.get(URL, {"commune": commune_a.pk}).status_code == 200


def test_the_elected_official_gets_404_outside_their_epci(
    login, elected_official, persona_open_data, zone_b, epci_b, commune_b
):
    client = login(elected_official)
    for params in (
        {"epci": epci_b.pk},
        {"zone": zone_b.pk},
        {"commune": commune_b.pk},
        {"commune": commune_b.pk, "export": "population"},
        {"epci": 999999},
    ):
        assert client.get(URL, params).status_code == 404, params


def test_elected_official_reading_their_zone_sees_other_communes_only_in_totals(
    login, montfort_official, imported
):
    brocéliande = Zone.objects.get(name="Antenne du Pays de Brocéliande")
    response = login(montfort_official).get(URL, {"zone": brocéliande.pk})
    assert response.status_code == 200
    content = html.unescape(response.content.decode())
    assert "33 communes" in content
    assert "seules les communes de votre EPCI sont détaillées" in content
    assert "Montfort-sur-Meu" in content
    assert "Saint-Méen-le-Grand" not in content  # Saint-Méen Montauban: same zone, another EPCI
    liffre = EPCI.objects.get(siren="243500659")
    assert login(montfort_official).get(URL, {"epci": liffre.pk}).status_code == 404


def test_the_page_with_the_real_open_data(login, director, imported, django_assert_max_num_queries):
    client = login(director)
    client.get(URL)  # warm the session and caches
    with django_assert_max_num_queries(20):
        response = client.get(URL)
    assert response.status_code == 200
    content = html.unescape(response.content.decode())
    assert "147 communes" in content
    # Census figures of the whole area (SOURCES.md: 112,863 young people of 15-24, 15.7 %).
    assert "112\u00a0863" in content
    assert "15,7\u00a0%" in content
    # Job seekers: the default period ends with the last published month.
    assert "Période : janvier 2024 – décembre 2024" in content
    assert "Séries publiées pour 31 des 147 communes" in content
    # BMO: the Rennes bassin and its top occupation.
    assert "Bassin de Rennes" in content
    assert "35\u00a0276" in content
    assert "secret statistique" in content
    # Each chart is parseable SVG, with a title, beside a table.
    raw = response.content.decode()
    svgs = [part.split("</svg>")[0] + "</svg>" for part in raw.split("<svg")[1:]]
    charts = [ET.fromstring("<svg" + svg) for svg in svgs if 'class="chart-svg"' in svg]  # noqa: S314
    assert len(charts) >= 4
    assert all(chart.find("{http://www.w3.org/2000/svg}title").text for chart in charts)
    assert 'style="' not in raw.split("<main", 1)[1]


def test_a_commune_under_5000_inhabitants_has_no_job_seekers_series(login, director, imported):
    small = Commune.objects.get(insee_code="35003")  # Andouillé-Neuville
    content = html.unescape(login(director).get(URL, {"commune": small.pk}).content.decode())
    assert "Aucune commune de la sélection n'a 5\u00a0000 habitants ou plus" in content
    assert "Ille-et-Vilaine (département)" in content
    assert 'id="graphique-demandeurs' not in content


def test_a_commune_over_5000_inhabitants_has_its_series(login, director, imported):
    montfort = Commune.objects.get(insee_code="35188")
    response = login(director).get(URL, {"commune": montfort.pk, "debut": "2023-01", "fin": "2023-12"})
    content = html.unescape(response.content.decode())
    assert "Période : janvier 2023 – décembre 2023" in content
    assert 'aria-labelledby="graphique-demandeurs-title graphique-demandeurs-desc"' in content
    assert content.count('class="chart-point"') == 12


def test_csv_export_of_a_table(login, director, imported):
    montfort = Commune.objects.get(insee_code="35188")
    epci = montfort.epci
    response = login(director).get(URL, {"epci": epci.pk, "export": "population"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "observatoire-population-" in response["Content-Disposition"]
    lines = csv_lines(response)
    assert lines[0] == "Commune;Population;15-24 ans;Part des 15-24 ans;15-29 ans;Part des 15-29 ans"
    assert "Montfort-sur-Meu;6767;847;12,5;1104;16,3" in lines
    assert len([line for line in lines if line and not line.startswith(("Commune", "Total", "Source"))]) == 8
    assert any(line.startswith("Source : Insee, RP2022") for line in lines)


def test_csv_export_of_bmo_contains_every_occupation(login, director, imported):
    montfort = Commune.objects.get(insee_code="35188")
    response = login(director).get(URL, {"commune": montfort.pk, "export": "bmo-5314-35"})
    lines = csv_lines(response)
    assert lines[0] == "Métier;Famille de métiers;Projets de recrutement;dont difficiles;dont saisonniers"
    assert len([line for line in lines[1:] if line.count(";") == 4]) == 203
    assert any("secret statistique" in line for line in lines)


def test_csv_export_of_a_chart_table(login, director, imported):
    montfort = Commune.objects.get(insee_code="35188")
    response = login(director).get(
        URL, {"commune": montfort.pk, "debut": "2024-01", "fin": "2024-03", "export": "graphique-demandeurs"}
    )
    lines = csv_lines(response)
    assert lines[0] == "Mois;Montfort-sur-Meu"
    assert len(lines) == 4


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"debut": "janvier"}, "Indiquez un mois au format AAAA-MM"),
        (
            {"debut": "2024-12", "fin": "2024-01"},
            "Le mois de fin doit être le même que le mois de début ou le suivre",
        ),
        ({"debut": "1850-01"}, "Choisissez un mois entre 2000 et 2100"),
        ({"debut": "2000-01", "fin": "2024-01"}, "La période ne peut pas dépasser 10 ans"),
        ({"zone": "abc"}, "« abc » n'est pas une valeur possible"),
        ({"commune": "1e9"}, "n'est pas une valeur possible"),
        ({"zone": "99999999999999999999"}, "n'est pas une valeur possible"),
        ({"epci": "424242"}, "Cet EPCI n'existe pas"),
        ({"export": "inconnu", "zone": ""}, "Ce tableau n'existe pas pour cette sélection"),
    ],
)
def test_bad_query_strings_get_a_french_message(login, director, persona_open_data, params, message):
    response = login(director).get(URL, params)
    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())


def test_a_commune_outside_the_chosen_epci_is_explained(
    login, director, persona_open_data, commune_a, epci_b
):
    response = login(director).get(URL, {"commune": commune_a.pk, "epci": epci_b.pk})
    assert response.status_code == 400
    assert "Montfort-sur-Meu n'appartient pas à l'EPCI Communauté B." in html.unescape(
        response.content.decode()
    )


def test_the_page_without_open_data_says_so(login, director, commune_a):
    response = login(director).get(URL)
    assert response.status_code == 200
    assert "Ces données ouvertes ne sont pas encore chargées" in html.unescape(response.content.decode())


def test_export_with_the_elected_officials_scope(login, elected_official, persona_open_data):
    response = login(elected_official).get(URL, {"export": "population"})
    lines = csv_lines(response)
    assert any(line.startswith("Montfort-sur-Meu;") for line in lines)
    assert not any(line.startswith("Liffré;") for line in lines)


def test_the_elected_officials_page_has_a_bounded_query_count(
    login, montfort_official, imported, django_assert_max_num_queries
):
    client = login(montfort_official)
    client.get(URL)
    with django_assert_max_num_queries(22):
        response = client.get(URL)
    assert response.status_code == 200
    assert "CC Montfort Communauté" in html.unescape(response.content.decode())
