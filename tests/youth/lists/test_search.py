"""/jeunes/?q= : search by name (accents and case ignored, word prefixes), birth date, phone, e-mail; the
filters; visibility strictly through Youth.objects.visible_to(); junk never gives a 500."""

from __future__ import annotations

from datetime import timedelta

import pytest

from maillage.core.models import AuditEntry
from tests.conftest import NON_STAFF_PERSONAS
from tests.youth.conftest import assert_no_invalid_vars
from tests.youth.factories import (
    BarrierFactory,
    EnrolmentFactory,
    SituationFactory,
    YouthFactory,
    years_ago,
)
from tests.youth.helpers import today


@pytest.fixture
def kevin(commune_a, counsellor_a):
    return YouthFactory(
        commune=commune_a,
        counsellor=counsellor_a,
        last_name="Le Gall",
        first_names="Kévin Éloi",
        birth_date=years_ago(19) - timedelta(days=40),
        phone="+33612345678",
        email="kevin.legall@example.test",
    )


@pytest.fixture
def others(commune_a, counsellor_a2):
    return [
        YouthFactory(commune=commune_a, counsellor=counsellor_a2, last_name="Gallois", first_names="Chloé"),
        YouthFactory(commune=commune_a, counsellor=counsellor_a2, last_name="Tallec", first_names="Gaëlle"),
    ]


def _names(response) -> str:
    assert response.status_code == 200, response.content.decode()[:2000]
    assert_no_invalid_vars(response)
    return response.content.decode().split('id="resultats"')[1]


@pytest.mark.parametrize(
    ("query", "finds_kevin", "finds_gallois"),
    [
        ("le gall", True, False),
        ("LE GALL KEVIN", True, False),
        ("gall", True, True),  # a word prefix: Le *Gall*, *Gall*ois
        ("kev", True, False),
        ("eloi", True, False),  # a second first name, accent typed or not
        ("Éloi", True, False),
        ("gal ke", True, False),
        ("all", False, False),  # not the start of a word
        ("chloe", False, False),  # Chloé Gallois is "gallois chloe": found below by prefix of both
        ("kevin gallois", False, False),
    ],
)
@pytest.mark.parametrize("persona", ["counsellor_a", "director"])  # within a zone / across every zone
def test_search_by_name(request, login, persona, kevin, others, query, finds_kevin, finds_gallois):
    page = _names(login(request.getfixturevalue(persona)).get("/jeunes/", {"q": query}))
    assert ("LE GALL" in page) is finds_kevin
    assert ("GALLOIS" in page) is finds_gallois if query != "chloe" else "GALLOIS" in page


def test_a_search_that_finds_nobody_says_so_and_offers_the_intake(login, counsellor_a, kevin, others):
    response = login(counsellor_a).get("/jeunes/", {"q": "zzzzzz"})
    page = _names(response)
    assert "Aucun jeune ne correspond" in page
    assert "Accueillir un nouveau jeune" in page
    assert "Corrigez les champs" not in page and "LE GALL" not in page


@pytest.mark.parametrize(
    "typed", ["{d:%d/%m/%Y}", "{d.day}/{d.month}/{d.year}", "{d:%Y-%m-%d}", "{d:%d-%m-%Y}"]
)
def test_search_by_birth_date(login, counsellor_a, kevin, others, typed):
    page = _names(login(counsellor_a).get("/jeunes/", {"q": typed.format(d=kevin.birth_date)}))
    assert "LE GALL" in page and "GALLOIS" not in page
    assert "recherche par date de naissance" in page


@pytest.mark.parametrize(
    "typed", ["06 12 34 56 78", "0612345678", "06.12.34.56.78", "+33 6 12 34 56 78", "0033612345678"]
)
def test_search_by_phone_in_any_format(login, counsellor_a, kevin, others, typed):
    page = _names(login(counsellor_a).get("/jeunes/", {"q": typed}))
    assert "LE GALL" in page and "GALLOIS" not in page


def test_search_by_email_ignores_case(login, counsellor_a, kevin, others):
    page = _names(login(counsellor_a).get("/jeunes/", {"q": " Kevin.LeGall@Example.test "}))
    assert "LE GALL" in page and "1 jeune" in page


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "31/02/2001"}, "n&#x27;est pas une date valide"),
        ({"q": "06 12 34"}, "Recherche par téléphone"),
        ({"q": "!!!"}, "Saisissez un nom, une date de naissance"),
        ({"q": "x" * 150}, "La recherche est trop longue"),
        ({"zone": "9999"}, "Zone inconnue ou hors de vos zones."),
        ({"zone": "abc"}, "Zone inconnue ou hors de vos zones."),
        ({"conseiller": "abc"}, "Conseiller·ère inconnu·e ou hors de vos zones."),
        ({"dispositif": "nope"}, "Dispositif inconnu."),
        ({"situation": "astronaut"}, "Situation inconnue."),
        ({"age": "99-100"}, "Tranche d&#x27;âge inconnue."),
        ({"tri": "'; drop table"}, "Tri inconnu."),
        ({"statut": "deleted"}, "Statut inconnu."),
        ({"frein": "magic"}, "Domaine de frein inconnu."),
    ],
)
def test_junk_in_the_query_string_gives_a_french_message(login, counsellor_a, kevin, params, message):
    for url in ("/jeunes/", "/jeunes/export.csv"):
        response = login(counsellor_a).get(url, params)
        assert response.status_code == 400
        assert_no_invalid_vars(response)
        page = response.content.decode()
        assert message in page
        assert "Corrigez les champs signalés" in page
    assert not AuditEntry.objects.filter(action="youth.list_exported").exists()


def test_control_characters_never_reach_the_database(login, counsellor_a, kevin):
    response = login(counsellor_a).get("/jeunes/", {"q": "kevin.legall\x00@example.test"})
    assert response.status_code == 400 and "caractère nul" in response.content.decode()
    response = login(counsellor_a).get("/", {"pf_q": "kevin.legall\x00@example.test\x07"})
    assert response.status_code == 200 and "LE GALL" in response.content.decode()


def test_junk_page_number_falls_back(login, counsellor_a, kevin):
    assert login(counsellor_a).get("/jeunes/", {"page": "abc"}).status_code == 200
    assert login(counsellor_a).get("/jeunes/", {"page": "-5"}).status_code == 200


def test_filters(
    login, director, commune_a, commune_b, counsellor_a, counsellor_a2, zone_b, cej, kevin, others
):
    YouthFactory(commune=commune_b, last_name="Bretonnière")
    YouthFactory(commune=commune_a, last_name="Mineur", age=17, counsellor=counsellor_a)
    YouthFactory(commune=commune_a, last_name="Ancien", age=27, archived=True)
    YouthFactory(commune=commune_a, last_name="Discret", last_contact_on=today() - timedelta(weeks=12))
    EnrolmentFactory(youth=kevin, programme=cej)
    SituationFactory(youth=others[0], job=True, started_on=today() - timedelta(days=5))
    SituationFactory(
        youth=others[1],
        job=True,
        started_on=today() - timedelta(days=50),
        ended_on=today() - timedelta(days=2),
    )
    browser = login(director)

    def shown(**params):
        return _names(browser.get("/jeunes/", params))

    assert "BRETONNIÈRE" in shown(zone=zone_b.pk) and "LE GALL" not in shown(zone=zone_b.pk)
    page = shown(conseiller=counsellor_a.pk)
    assert "LE GALL" in page and "MINEUR" in page and "GALLOIS" not in page
    page = shown(conseiller="aucun")
    assert "BRETONNIÈRE" in page and "LE GALL" not in page
    page = shown(dispositif="cej")
    assert "LE GALL" in page and "GALLOIS" not in page
    page = shown(situation="job")
    assert "GALLOIS" in page and "TALLEC" not in page  # Tallec's job ended: not her current situation
    page = shown(age="16-17")
    assert "MINEUR" in page and "LE GALL" not in page
    page = shown(age="18-21")
    assert "LE GALL" in page and "MINEUR" not in page
    page = shown(pas_vu="on")
    assert "DISCRET" in page and "LE GALL" not in page
    page = shown(statut="archives", age="26+")
    assert "ANCIEN" in page and "LE GALL" not in page
    assert "ANCIEN" not in shown()  # active files by default
    page = shown(tri="-nom")
    assert page.index("TALLEC") < page.index("LE GALL")


def test_barrier_filter_is_for_those_who_read_diagnoses(
    login, counsellor_a, counsellor_a2, zone_manager_a, director, analyst, kevin, others
):
    BarrierFactory(youth=kevin, domain="housing")
    BarrierFactory(youth=others[0], domain="housing")  # Gallois, followed by counsellor A2
    BarrierFactory(youth=others[1], domain="housing", resolved=True)

    page = _names(login(counsellor_a).get("/jeunes/", {"frein": "housing"}))
    assert "LE GALL" in page and "GALLOIS" not in page  # only their own caseload
    full = login(counsellor_a).get("/jeunes/").content.decode()
    assert "ne porte que sur les jeunes que vous suivez" in full

    page = _names(login(zone_manager_a).get("/jeunes/", {"frein": "housing"}))
    assert "LE GALL" in page and "GALLOIS" in page and "TALLEC" not in page
    page = _names(login(director).get("/jeunes/", {"frein": "housing"}))
    assert "GALLOIS" in page
    entries = AuditEntry.objects.filter(action="youth.list_barrier_filter")
    assert entries.count() == 3
    assert entries.filter(user=zone_manager_a).get().extra == {"domain": "housing", "count": 2}

    # Analysts may not read diagnoses: no barrier filter at all, and the parameter is ignored.
    response = login(analyst).get("/jeunes/")
    assert 'name="frein"' not in response.content.decode()
    page = _names(login(analyst).get("/jeunes/", {"frein": "housing"}))
    assert "TALLEC" in page
    assert not entries.filter(user=analyst).exists()


def test_counsellor_of_zone_b_sees_nothing_of_zone_a(login, counsellor_b, kevin, others, file_b):
    browser = login(counsellor_b)
    for query in (
        "",
        "le gall",
        "gall",
        "06 12 34 56 78",
        "kevin.legall@example.test",
        f"{kevin.birth_date:%d/%m/%Y}",
    ):
        page = _names(browser.get("/jeunes/", {"q": query}))
        assert "LE GALL" not in page and "GALLOIS" not in page and "TALLEC" not in page
    assert "DURAND" in _names(browser.get("/jeunes/"))
    csv_text = b"".join(browser.get("/jeunes/export.csv").streaming_content).decode("utf-8-sig")
    exported_ids = {line.split(";")[0] for line in csv_text.splitlines()[1:]}
    assert str(kevin.pk) not in exported_ids and "Durand" in csv_text  # (names of staff are random)
    # Another zone's id in the filters is refused, not silently widened.
    response = browser.get("/jeunes/", {"zone": kevin.zone_id})
    assert response.status_code == 400


@pytest.mark.parametrize("persona", [*NON_STAFF_PERSONAS, "employer_officer"])
@pytest.mark.parametrize(
    "url", ["/jeunes/", "/jeunes/export.csv", "/jeunes/equipe/", "/jeunes/import/", "/jeunes/conservation/"]
)
def test_outsiders_get_404(request, login, persona, url, kevin):
    assert login(request.getfixturevalue(persona)).get(url).status_code == 404


@pytest.mark.parametrize(
    "url", ["/jeunes/", "/jeunes/export.csv", "/jeunes/equipe/", "/jeunes/import/", "/jeunes/conservation/"]
)
def test_anonymous_goes_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/?next=")


@pytest.mark.parametrize("persona", ["counsellor_a", "zone_manager_a"])
@pytest.mark.parametrize("url", ["/jeunes/import/", "/jeunes/conservation/"])
def test_director_pages_are_404_for_other_staff(request, login, persona, url):
    assert login(request.getfixturevalue(persona)).get(url).status_code == 404


def test_list_links_to_the_file_and_shows_counts(login, counsellor_a, kevin, others):
    page = _names(login(counsellor_a).get("/jeunes/"))
    assert "3 jeunes" in page
    assert f'href="/jeunes/{kevin.pk}/"' in page


def test_capped_count(login, counsellor_a, commune_a, monkeypatch):
    from maillage.youth import caseload

    monkeypatch.setattr(caseload, "COUNT_CAP", 3)
    for n in range(5):
        YouthFactory(commune=commune_a, last_name=f"Nombreux{n}")
    assert "5 jeunes" in _names(login(counsellor_a).get("/jeunes/"))  # a first page not full is its count
    page = _names(login(counsellor_a).get("/jeunes/", {"page": 2}))
    assert "plus de 3 jeunes" in page


# --- The name search within zones on PostgreSQL: the zone's words (caseload.in_zones_by_words) -------------


def test_the_migration_builds_the_index_the_search_uses():
    from importlib import import_module

    from maillage.youth.caseload import zone_words_sql

    migration = import_module("maillage.youth.migrations.0007_zone_words_index")
    assert zone_words_sql('"search_key"', '"zone_id"') == migration.EXPRESSION


@pytest.mark.parametrize(
    ("words", "useful"),
    [
        (("le", "gall"), True),
        (("gal", "ke"), True),
        (("le", "ga"), False),
        (("gall",), False),
        (("a-b", "kev"), False),
    ],
)
def test_the_zone_words_serve_several_words_only(words, useful):
    from maillage.youth.caseload import zone_words_useful

    assert zone_words_useful(words) is useful


@pytest.mark.django_db
def test_the_zone_words_find_what_the_name_prefixes_find(commune_a, commune_b, counsellor_a, counsellor_b):
    """Same rows as the LIKE conditions, zone by zone, for word prefixes of every length (PostgreSQL), and
    the GIN index can serve the query."""
    from django.db import connection

    from maillage.youth.caseload import in_zones_by_words, name_matches
    from maillage.youth.models import Barrier, Youth

    if connection.vendor != "postgresql":
        pytest.skip("index PostgreSQL uniquement ; SQLite cherche par LIKE")
    names = [
        ("Le Gall", "Kévin"),
        ("Gallois", "Chloé Anne"),
        ("Le Goff", "Kenza"),
        ("Kerguelen", "Léo"),
        ("N'Diaye", "Awa 2"),
    ]
    for commune, counsellor in ((commune_a, counsellor_a), (commune_b, counsellor_b)):
        for last, first in names:
            YouthFactory(commune=commune, counsellor=counsellor, last_name=last, first_names=first)
    active = Youth.objects.active()
    zones = [commune_a.zone_id]
    checked = 0
    for query in [
        "le ga",
        "gal ke",
        "gall chl",
        "ke le",
        "kerg leo",
        "diaye awa",
        "n diaye 2",
        "le ken",
        "anne gal",
        "zz le",
        "ndi awa",
    ]:
        words = tuple(query.split())
        expected = set(
            name_matches(active.filter(zone_id__in=zones), words, full_text=False).values_list(
                "pk", flat=True
            )
        )
        found = set(
            in_zones_by_words(active.filter(zone_id__in=zones), words, zones).values_list("pk", flat=True)
        )
        assert found == expected, query
        assert all(Youth.objects.get(pk=pk).zone_id == commune_a.zone_id for pk in found)
        checked += bool(expected)
    assert checked == 9  # all but "zz le" and "ndi awa" (N'Diaye is "n diaye")
    # Inside a subquery (Django relabels the inner table), the condition still reads the inner rows.
    inner = in_zones_by_words(active.filter(zone_id__in=zones), ("le", "gall"), zones).values("pk")
    for youth in Youth.objects.all():
        BarrierFactory(youth=youth)
    assert Barrier.objects.filter(youth_id__in=inner).count() == 1
    assert Youth.objects.filter(pk__in=inner).count() == 1
    both = [commune_a.zone_id, commune_b.zone_id]
    assert in_zones_by_words(active, ("le", "gall"), both).count() == 2  # one per zone
    # The suite runs without migrations (pyproject.toml): build the index as migration 0007 does.
    from importlib import import_module

    migration = import_module("maillage.youth.migrations.0007_zone_words_index")
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the rows above: foreign keys checked now
    with connection.schema_editor(atomic=False) as editor:
        migration.create(None, editor)
    with connection.cursor() as cursor:
        # A handful of rows: any index would do as well. Within the test's transaction (rolled back), leave
        # only this one of the non-unique indexes, and no sequential scan, to see that it serves the query.
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'youth_youth' "
            "AND indexdef NOT LIKE 'CREATE UNIQUE%%' AND indexname <> 'youth_active_zone_words_idx'"
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        query = in_zones_by_words(active, ("le", "gall"), zones).order_by().values("pk").query
        sql, params = query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        assert "youth_active_zone_words_idx" in " ".join(row[0] for row in cursor.fetchall())


def test_a_zone_manager_of_two_zones_finds_names_in_both(login, zone_manager_a, zone_b, commune_b, kevin):
    from maillage.accounts.models import ZoneMembership

    ZoneMembership.objects.create(user=zone_manager_a, zone=zone_b)
    YouthFactory(commune=commune_b, last_name="Le Gallo", first_names="Kenan")
    page = _names(login(zone_manager_a).get("/jeunes/", {"q": "le gall ke"}))
    assert "LE GALL" in page and "LE GALLO" in page
    page = _names(login(zone_manager_a).get("/jeunes/", {"q": "le gall ke", "zone": zone_b.pk}))
    assert "LE GALLO" in page and "Kévin" not in page
