"""The youth indicators on /observatoire/ and the local diagnosis: access, secrecy, CSV, PDF, queries."""

from __future__ import annotations

import html
from datetime import date, timedelta

import pytest
from django.utils import timezone

from maillage.observatory import diagnosis, refresh
from maillage.observatory.enums import RefreshMode
from maillage.observatory.models import DiagnosisReport
from maillage.territory.models import EPCI, Commune, Zone
from maillage.youth.enums import EventKind
from tests.youth.factories import EventFactory, YouthFactory, local_dt

from . import youth_data
from .youth_data import TODAY

URL = "/observatoire/"
PERIOD = {"debut": "2025-01", "fin": "2025-03"}


def text(response) -> str:
    return html.unescape(response.content.decode())


def csv_lines(response) -> list[str]:
    return b"".join(response.streaming_content).decode("utf-8")[1:].splitlines()


def people(commune, count: int, *, day: date = date(2025, 2, 10), kind: str = EventKind.APPOINTMENT):
    """`count` young people of a commune, each seen once on `day`."""
    made = []
    for _ in range(count):
        youth = YouthFactory(commune=commune, intake_on=day - timedelta(days=20))
        EventFactory(youth=youth, starts_at=local_dt(day), kind=kind)
        made.append(youth)
    return made


@pytest.fixture
def small_area(commune_a, commune_b, persona_open_data):
    """Commune A: the hand-built set (4 files, 2 accompanied in Q1 2025); commune B: 14 young people seen."""
    data = youth_data.build(commune_a, commune_b)
    people(commune_b, 13)
    assert refresh.refresh(mode=RefreshMode.FULL, today=TODAY).status == "succeeded"
    return data


def diagnosis_url(kind: str, pk: int, suffix: str = "") -> str:
    return f"/observatoire/diagnostic/{kind}/{pk}/{suffix}"


# --- Access -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["director", "analyst", "admin_user"])
def test_the_direction_sees_exact_figures_by_default(request, login, persona, small_area):
    content = text(login(request.getfixturevalue(persona)).get(URL, PERIOD))
    assert "Version interne : effectifs exacts" in content
    assert "Jeunes accompagnés" in content
    assert "Taux de couverture" in content
    assert "Actualiser les indicateurs" in content


@pytest.mark.parametrize("persona", ["zone_manager_a", "counsellor_a", "employer_officer"])
def test_zone_staff_see_their_zone_and_no_refresh_button(request, login, persona, small_area, commune_b):
    client = login(request.getfixturevalue(persona))
    response = client.get(URL, PERIOD)
    assert response.status_code == 200
    content = text(response)
    assert "Indicateurs d'accompagnement" in content
    assert "Actualiser les indicateurs" not in content
    lines = csv_lines(client.get(URL, {**PERIOD, "export": "jeunes-communes"}))
    assert lines[1].startswith("Montfort-sur-Meu;")
    assert not any(line.startswith("Liffré") for line in lines)
    assert client.get(diagnosis_url("zone", commune_b.zone_id)).status_code == 404
    assert client.get(diagnosis_url("zone", small_area.y1.commune.zone_id)).status_code == 200


def test_partners_young_people_and_anonymous_visitors(
    login, client, partner_user, youth_user, small_area, zone_a
):
    for user in (partner_user, youth_user):
        authenticated = login(user)
        assert authenticated.get(URL).status_code == 404
        assert authenticated.get(diagnosis_url("zone", zone_a.pk)).status_code == 404
        assert authenticated.get(diagnosis_url("zone", zone_a.pk, "pdf/")).status_code == 404
        authenticated.logout()
    response = client.get(diagnosis_url("zone", zone_a.pk))
    assert response.status_code == 302 and response["Location"].startswith("/connexion/")


def test_the_elected_official_sees_their_territory_only(
    login, elected_official, small_area, zone_a, zone_b, epci_a, epci_b
):
    client = login(elected_official)
    assert client.get(diagnosis_url("epci", epci_a.pk)).status_code == 200
    assert client.get(diagnosis_url("zone", zone_a.pk)).status_code == 200
    for kind, pk in (("epci", epci_b.pk), ("zone", zone_b.pk), ("epci", 999999), ("commune", epci_a.pk)):
        assert client.get(diagnosis_url(kind, pk)).status_code == 404, (kind, pk)
        assert client.get(diagnosis_url(kind, pk, "pdf/")).status_code == 404, (kind, pk)


# --- Secrecy ------------------------------------------------------------------------------------------------


def test_the_elected_official_sees_small_counts_hidden(login, elected_official, small_area):
    client = login(elected_official)
    content = text(client.get(URL, PERIOD))
    assert "Version diffusable" in content
    assert "< 11" in content
    assert "Actualiser les indicateurs" not in content
    # Never a person.
    for person in (small_area.y1, small_area.y2, small_area.y4):
        assert person.last_name not in content
    lines = csv_lines(client.get(URL, {**PERIOD, "export": "jeunes-communes"}))
    assert lines[0] == "Commune;Jeunes accompagnés;Nouveaux dossiers;Contacts"
    assert lines[1] == "Montfort-sur-Meu;< 11;< 11;< 11"


def test_staff_get_the_diffusable_version_on_request(login, director, small_area, commune_b):
    client = login(director)
    exact = csv_lines(client.get(URL, {**PERIOD, "export": "jeunes-communes"}))
    assert "Montfort-sur-Meu;2;4;5" in exact  # Y1 and Y2; Y1, Y2, Y4, Y5; 3 + 2 contacts
    assert "Liffré;14;13;14" in exact  # Y3 and 13 others; 13 files (Y3's was in December); 14 contacts
    response = client.get(URL, {**PERIOD, "diffusable": "1", "export": "jeunes-communes"})
    assert "diffusable" in response["Content-Disposition"]
    published = csv_lines(response)
    assert "Montfort-sur-Meu;< 11;< 11;< 11" in published
    # Liffré and the total would give Montfort back: the smaller of the two (Liffré) is hidden as well.
    assert "Liffré;< 11;< 11;< 11" in published
    assert "Total : Tout le territoire;16;17;19" in published


def test_the_diagnosis_hides_small_counts_for_everyone(login, director, small_area, zone_a):
    content = text(login(director).get(diagnosis_url("zone", zone_a.pk), {"periode": "2025-T1"}))
    assert "État des lieux local : Antenne A" in content
    assert "moins de 11 jeunes habitant la zone Antenne A ont été accompagnés" in content
    assert "< 11" in content
    assert "non publiable" in content


def test_the_diagnosis_in_plain_french_with_published_figures(login, director, small_area, commune_b):
    content = text(login(director).get(diagnosis_url("epci", commune_b.epci_id), {"periode": "2025-T1"}))
    assert "14 jeunes habitant l'EPCI Communauté B ont été accompagnés" in content
    assert "1er trimestre 2025" in content
    assert "Trimestre précédent" in content and "Un an plus tôt" in content
    assert "Orientations vers les partenaires" in content
    assert "Taux de couverture par commune" in content


def test_a_bad_period_is_explained(login, director, small_area, zone_a):
    response = login(director).get(diagnosis_url("zone", zone_a.pk), {"periode": "2025-13"})
    assert response.status_code == 400
    assert "Indiquez un trimestre au format AAAA-Tn" in text(response)


def test_quarters_are_read_in_both_notations():
    default = diagnosis.Quarter(date(2024, 1, 1))
    assert diagnosis.parse_period("2025-Q3", default=default).start == date(2025, 7, 1)
    assert diagnosis.parse_period("2025-T3", default=default).label == "3e trimestre 2025"
    assert diagnosis.parse_period("", default=default) == default
    assert diagnosis.last_complete_quarter(date(2025, 11, 1), today=date(2025, 12, 15)).key == "2025-Q3"
    assert diagnosis.last_complete_quarter(date(2025, 7, 1), today=date(2025, 12, 15)).key == "2025-Q2"


# --- PDF and archive ----------------------------------------------------------------------------------------


def test_the_pdf_renders(login, director, small_area, epci_a):
    response = login(director).get(diagnosis_url("epci", epci_a.pk, "pdf/"), {"periode": "2025-T1"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "etat-des-lieux-communaute-a-2025-q1.pdf" in response["Content-Disposition"]


def test_archived_reports_are_kept_and_listed(
    login, director, elected_official, small_area, epci_a, epci_b, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client = login(director)
    response = client.post(diagnosis_url("epci", epci_a.pk, "archiver/") + "?periode=2025-T1")
    assert response.status_code == 302
    report = DiagnosisReport.objects.get()
    assert (report.epci_id, report.period_start, report.period_label) == (
        epci_a.pk,
        date(2025, 1, 1),
        "1er trimestre 2025",
    )
    assert report.generated_by == director and report.size > 1000
    with report.file.open("rb") as handle:
        assert handle.read(4) == b"%PDF"
    content = text(client.get(diagnosis_url("epci", epci_a.pk)))
    assert "Rapports archivés" in content and "1er trimestre 2025" in content
    official = login(elected_official)
    download = official.get(f"/observatoire/rapports/{report.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    other = diagnosis.archive_diagnosis(
        diagnosis.resolve_territory(diagnosis_scope_all(), "epci", epci_b.pk),
        diagnosis.Quarter(date(2025, 1, 1)),
    )
    assert official.get(f"/observatoire/rapports/{other.pk}/").status_code == 404
    assert official.post(diagnosis_url("epci", epci_a.pk, "archiver/")).status_code == 404


def diagnosis_scope_all():
    from maillage.observatory.access import ObservatoryScope

    return ObservatoryScope(kind="all")


def test_the_quarterly_task_archives_every_zone_and_epci(small_area, settings, tmp_path):
    from maillage.observatory.tasks import generate_quarterly_diagnoses

    settings.MEDIA_ROOT = tmp_path
    result = generate_quarterly_diagnoses.enqueue("2025-T1")
    assert result.return_value == {"period": "2025-Q1", "reports": 4}  # 2 zones, 2 EPCI
    assert DiagnosisReport.objects.filter(period_start=date(2025, 1, 1)).count() == 4


def test_the_command_archives_the_last_quarter(small_area, settings, tmp_path, capsys):
    from django.core.management import call_command

    settings.MEDIA_ROOT = tmp_path
    call_command("generate_diagnoses", "--periode", "2025-T2")
    assert "4 états des lieux du 2e trimestre 2025 archivés" in capsys.readouterr().out


# --- Families without a source, refresh status --------------------------------------------------------------


def test_a_missing_source_says_so(login, director, small_area, monkeypatch):
    from maillage.observatory import sources

    absent = sources.Source(
        "applications", "Mises en relation", "employers", "maillage.employers", "Nothing", {}
    )
    monkeypatch.setitem(sources.SOURCES, "applications", absent)
    content = text(login(director).get(URL, PERIOD))
    assert "Mises en relation et embauches" in content
    assert (
        "Source absente — Mises en relation : le module est installé mais ne définit pas encore ces données."
        in content
    )
    not_installed = sources.Source(
        "applications", "Mises en relation", "nowhere", "maillage.nowhere", "X", {}
    )
    monkeypatch.setitem(sources.SOURCES, "applications", not_installed)
    assert "Mises en relation : le module n'est pas installé." in text(login(director).get(URL, PERIOD))


def test_the_page_before_any_refresh(login, director, commune_a):
    content = text(login(director).get(URL))
    assert "Les indicateurs d'accompagnement ne sont pas encore calculés" in content
    assert "Les indicateurs d'accompagnement n'ont pas encore été calculés." in content


def test_the_default_period_is_the_last_complete_year(login, director, small_area):
    content = text(login(director).get(URL))
    assert (
        "Période : janvier 2025 – décembre 2025" in content
        or "Période : janvier 2024 – décembre 2024" in content
    )


# --- Queries ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("extra", [0, 40])
def test_the_page_and_the_diagnosis_have_bounded_queries(
    login, director, elected_official, small_area, commune_a, zone_a, extra, django_assert_max_num_queries
):
    if extra:
        other = Commune.objects.create(
            insee_code="35999",
            name="Iffendic",
            search_name="iffendic",
            postal_codes="35750",
            population=4500,
            population_vintage=2023,
            epci=commune_a.epci,
            zone=commune_a.zone,
        )
        people(other, extra)
        people(commune_a, extra // 2, day=date(2025, 3, 3), kind=EventKind.WORKSHOP)
        refresh.refresh(today=TODAY)
    client = login(director)
    client.get(URL, PERIOD)
    client.get(diagnosis_url("zone", zone_a.pk), {"periode": "2025-T1"})
    with django_assert_max_num_queries(40):
        assert client.get(URL, PERIOD).status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get(diagnosis_url("zone", zone_a.pk), {"periode": "2025-T1"}).status_code == 200
    official = login(elected_official)
    official.get(URL, PERIOD)
    with django_assert_max_num_queries(42):
        assert official.get(URL, PERIOD).status_code == 200


def test_nothing_reads_the_youth_tables_on_the_page(
    login, director, small_area, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(director)
    with CaptureQueriesContext(connection) as queries:
        client.get(URL, PERIOD)
        client.get(diagnosis_url("epci", small_area.y3.commune.epci_id))
    youth_tables = ("youth_event", "youth_enrolment", "youth_situation", "youth_barrier", "youth_proposal")
    for query in queries.captured_queries:
        assert not any(f'"{name}"' in query["sql"] for name in youth_tables), query["sql"]
        assert '"youth_youth"' not in query["sql"], query["sql"]


def test_montfort_official_and_liffre_cormier(login, montfort_official, imported):
    """The scenario of the issue: the Montfort Communauté official, on the real territory."""
    montfort = EPCI.objects.get(siren="243500550")
    liffre = EPCI.objects.get(siren="243500659")
    broceliande = Zone.objects.get(name="Antenne du Pays de Brocéliande")
    commune = Commune.objects.get(insee_code="35188")  # Montfort-sur-Meu
    people(commune, 4, day=date(2025, 5, 5))
    people(Commune.objects.get(insee_code="35133"), 30, day=date(2025, 5, 6))  # Iffendic
    refresh.refresh(mode=RefreshMode.FULL, today=TODAY)
    client = login(montfort_official)
    response = client.get(diagnosis_url("epci", montfort.pk), {"periode": "2025-T2"})
    assert response.status_code == 200
    content = text(response)
    assert "< 11" in content
    assert "34 jeunes habitant l'EPCI CC Montfort Communauté ont été accompagnés" in content
    assert client.get(diagnosis_url("epci", liffre.pk), {"periode": "2025-T2"}).status_code == 404
    assert client.get(diagnosis_url("zone", broceliande.pk), {"periode": "2025-T2"}).status_code == 200
    pdf = client.get(diagnosis_url("epci", montfort.pk, "pdf/"), {"periode": "2025-T2"})
    assert pdf.content.startswith(b"%PDF")
    assert timezone.now()


def test_the_diagnosis_tables_export_as_csv_with_secrecy(login, elected_official, small_area, epci_a):
    client = login(elected_official)
    response = client.get(
        diagnosis_url("epci", epci_a.pk), {"periode": "2025-T1", "export": "couverture-communes"}
    )
    assert response.status_code == 200
    lines = csv_lines(response)
    assert lines[0].startswith("Commune;Zone;15-24 ans")
    montfort = next(line for line in lines if line.startswith("Montfort-sur-Meu;"))
    # 2 young people: the count, its rate, its gaps and its shortfall are all hidden.
    assert montfort.split(";")[3:5] == ["< 11", "< 11"]
    assert montfort.split(";")[6:] == ["< 11", "< 11", "< 11"]
    assert client.get(diagnosis_url("epci", epci_a.pk), {"export": "inconnu"}).status_code == 404


def test_the_coverage_ranking_leaves_hidden_communes_out(login, elected_official, small_area):
    content = text(login(elected_official).get(URL, PERIOD))
    assert "Taux de couverture par commune" in content
    assert "Montfort-sur-Meu : " not in content.split("Où aller vers en priorité")[-1][:400]


def test_rennes_quartiers_and_qpv(login, director, elected_official, zone_a, epci_a):
    from maillage.territory.models import QPV
    from tests.territory.factories import CommuneFactory, QuartierFactory

    rennes = CommuneFactory(insee_code="35238", name="Rennes", zone=zone_a, epci=epci_a, population=230000)
    villejean = QuartierFactory(commune=rennes, zone=zone_a, number=10, name="Villejean - Beauregard")
    centre = QuartierFactory(commune=rennes, zone=zone_a, number=1, name="Centre")
    qpv = QPV.objects.create(code="QN03502M", name="Villejean", commune=rennes, quartier=villejean)
    for youth in people(rennes, 12):
        youth.quartier, youth.qpv = villejean, qpv
        youth.save()
    for youth in people(rennes, 3):
        youth.quartier = centre
        youth.save()
    refresh.refresh(mode=RefreshMode.FULL, today=TODAY)
    exact = csv_lines(login(director).get(URL, {**PERIOD, "commune": rennes.pk, "export": "quartiers"}))
    assert "Centre;3;3" in exact and "Villejean - Beauregard;12;12" in exact and "Total;15;15" in exact
    qpv_lines = csv_lines(login(director).get(URL, {**PERIOD, "commune": rennes.pk, "export": "qpv"}))
    assert "Villejean;12;12" in qpv_lines
    published = csv_lines(
        login(elected_official).get(URL, {**PERIOD, "commune": rennes.pk, "export": "quartiers"})
    )
    assert "Centre;< 11;< 11" in published and "Villejean - Beauregard;< 11;< 11" in published
