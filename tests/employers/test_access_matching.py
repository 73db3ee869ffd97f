"""Who reaches the pages of job profiles, candidates, applications, immersions and cohorts, for every persona.

Partners, elected officials and young people get nothing (404); a counsellor of zone B gets a 404 on zone A's
young people; the employer relations officer reads job profiles, never barriers, notes nor programmes.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from maillage.employers import services
from tests.conftest import ALL_PERSONAS
from tests.youth.factories import (
    BarrierFactory,
    EnrolmentFactory,
    NoteFactory,
    ProgrammeFactory,
    YouthFactory,
)
from tests.youth.helpers import full_file

from .factories import CompanyFactory, ContactFactory, OfferFactory, make_profile

pytestmark = pytest.mark.django_db

READERS = {
    "counsellor_a",
    "counsellor_b",
    "zone_manager_a",
    "employer_officer",
    "director",
    "analyst",
    "admin_user",
}
#: Who sees zone A's young people here (the officer works for zone A).
SEES_ZONE_A = READERS - {"counsellor_b"}
#: Who acts for zone A's young people: their counsellors and zone manager, the officer, the director.
ACTS_FOR_ZONE_A = {"counsellor_a", "zone_manager_a", "employer_officer", "director"}
#: Who edits the file, hence the job profile.
EDITS_FILE_A = {"counsellor_a", "zone_manager_a", "director"}
WRITERS = {"employer_officer", "director"}


@pytest.fixture
def world(referential, commune_a, commune_b, counsellor_a, employer_officer):
    today = timezone.localdate()
    youth = YouthFactory(commune=commune_a, counsellor=counsellor_a, last_name="Martin", first_names="Louis")
    make_profile(youth, [referential["fresh"]], [referential["skills"]["cash"]])
    BarrierFactory(youth=youth, domain="justice", comment="Suivi SPIP en cours")
    NoteFactory(youth=youth, text="Confidence sur sa famille", author=counsellor_a)
    EnrolmentFactory(youth=youth, programme=ProgrammeFactory(code="parrainage-x", name="Parrainage Secret"))
    company = CompanyFactory(name="Super U Liffré", commune=commune_b)
    contact = ContactFactory(company=company, name="Claire Tutrice")
    offer = OfferFactory(
        company=company, appellation=referential["fresh"], contract="cdd", officer=employer_officer
    )
    application = services.propose_candidate(by=employer_officer, offer=offer, youth=youth)
    services.send_application(by=employer_officer, application=application)
    services.hire(by=employer_officer, application=application, hired_on=today)
    immersion = services.create_immersion(
        by=counsellor_a,
        youth=youth,
        company=company,
        appellation=referential["fresh"],
        tutor=contact,
        starts_on=today + timedelta(days=3),
        ends_on=today + timedelta(days=10),
        weekly_hours=30,
        objective="discover",
        objectives="Découvrir le rayon frais.",
    )
    cohort = services.create_cohort(
        by=employer_officer,
        name="100 chances — printemps",
        programme="100 chances 100 emplois",
        starts_on=date(today.year, 1, 1),
        ends_on=date(today.year, 12, 31),
        partners=[company],
    )
    member = services.enrol_in_cohort(by=employer_officer, cohort=cohort, youth=youth)
    stage = services.add_stage(by=employer_officer, cohort=cohort, title="Visite du magasin", date=today)
    return {
        "youth": youth,
        "offer": offer,
        "application": application,
        "follow_up": application.follow_ups.get(months=1),
        "immersion": immersion,
        "cohort": cohort,
        "member": member,
        "stage": stage,
    }


def _urls(w):
    youth, app, imm, cohort = w["youth"].pk, w["application"].pk, w["immersion"].pk, w["cohort"].pk
    return {
        # url: who gets a 200
        f"/offres/{w['offer'].pk}/candidats/": READERS,
        "/mises-en-relation/": READERS,
        "/mises-en-relation/?status=open&mine=on": READERS,
        f"/mises-en-relation/{app}/": SEES_ZONE_A,
        "/immersions/": READERS,
        f"/immersions/{imm}/": SEES_ZONE_A,
        f"/immersions/{imm}/convention.pdf": ACTS_FOR_ZONE_A,
        f"/immersions/{imm}/modifier/": ACTS_FOR_ZONE_A,
        f"/immersions/nouvelle/?jeune={youth}": ACTS_FOR_ZONE_A,
        "/cohortes/": READERS,
        f"/cohortes/{cohort}/": READERS,
        f"/cohortes/{cohort}/?q=mart": READERS,
        f"/cohortes/etapes/{w['stage'].pk}/presences/": READERS,
        "/cohortes/nouvelle/": WRITERS,
        f"/emploi/jeunes/{youth}/profil/": EDITS_FILE_A,
        f"/emploi/jeunes/{youth}/experiences/": EDITS_FILE_A,
    }


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_pages_by_persona(request, login, world, persona):
    client = login(request.getfixturevalue(persona))
    for url, allowed in _urls(world).items():
        expected = 200 if persona in allowed else 404
        assert client.get(url).status_code == expected, (persona, url)


def _posts(w):
    youth, app, imm, cohort = w["youth"].pk, w["application"].pk, w["immersion"].pk, w["cohort"].pk
    return [
        ("/mises-en-relation/proposer/", {"offer": w["offer"].pk, "youth": youth}),
        (
            f"/mises-en-relation/{app}/etape/withdraw/",
            {"withdraw-on": "2020-01-01", "withdraw-reason": "other"},
        ),
        (f"/mises-en-relation/suivis/{w['follow_up'].pk}/", {}),
        (f"/immersions/{imm}/bilan/", {}),
        (f"/immersions/{imm}/annuler/", {}),
        (f"/cohortes/{cohort}/inscrire/", {"youth": youth}),
        (f"/cohortes/inscrits/{w['member'].pk}/sortie/", {}),
        (f"/emploi/jeunes/{youth}/profil/", {}),
        (f"/emploi/jeunes/{youth}/experiences/", {}),
    ]


@pytest.mark.parametrize(
    "persona", ["counsellor_b", "partner_user", "elected_official", "youth_user", "analyst"]
)
def test_outsiders_cannot_write_for_zone_a(request, login, world, persona):
    client = login(request.getfixturevalue(persona))
    for url, data in _posts(world):
        assert client.post(url, data).status_code == 404, (persona, url)
    world["application"].refresh_from_db()
    assert world["application"].status == "hired"


@pytest.mark.parametrize(
    "persona", ["partner_user", "elected_official", "youth_user", "counsellor_a", "analyst"]
)
def test_only_writers_manage_cohorts(request, login, world, persona):
    client = login(request.getfixturevalue(persona))
    cohort = world["cohort"]
    assert client.post(f"/cohortes/{cohort.pk}/etapes/", {"etape-title": "X"}).status_code == 404
    assert client.post(f"/cohortes/{cohort.pk}/partenaires/", {}).status_code == 404


def test_counsellor_b_gets_a_404_on_zone_a_sections(login, world, counsellor_b):
    client = login(counsellor_b)
    assert client.get(f"/jeunes/{world['youth'].pk}/").status_code == 404
    page = client.get(f"/offres/{world['offer'].pk}/candidats/").content.decode()
    assert "Louis MARTIN" not in page
    cohort = client.get(f"/cohortes/{world['cohort'].pk}/").content.decode()
    assert "Louis MARTIN" not in cohort and "Et 1 jeune d'autres zones." in cohort
    assert "Louis MARTIN" not in client.get("/mises-en-relation/").content.decode()
    assert "Louis MARTIN" not in client.get("/immersions/").content.decode()


def test_the_officer_reads_the_job_profile_only(login, world, employer_officer):
    client = login(employer_officer)
    youth = world["youth"]
    assert client.get(f"/jeunes/{youth.pk}/").status_code == 404
    pages = [
        client.get(url).content.decode()
        for url in (
            f"/offres/{world['offer'].pk}/candidats/",
            f"/mises-en-relation/{world['application'].pk}/",
            f"/immersions/{world['immersion'].pk}/",
            f"/cohortes/{world['cohort'].pk}/",
            "/",
        )
    ]
    for page in pages:
        for secret in (
            "Suivi SPIP",
            "Justice",
            "Confidence sur sa famille",
            "Parrainage Secret",
            f"/jeunes/{youth.pk}/",
        ):
            assert secret not in page
    assert (
        "Louis MARTIN" in pages[1] and "Vendeur / Vendeuse en produits frais" in pages[1]
    )  # the job profile
    # The agreement leaves the identity lines blank for the officer.
    pdf = client.get(f"/immersions/{world['immersion'].pk}/convention.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_the_counsellor_sees_the_file_link_and_the_sections(login, world, counsellor_a):
    client = login(counsellor_a)
    youth = world["youth"]
    assert (
        f'href="/jeunes/{youth.pk}/"'
        in client.get(f"/mises-en-relation/{world['application'].pk}/").content.decode()
    )
    file = full_file(client, youth.pk)
    for title in (
        "Profil professionnel",
        "Offres pour ce jeune",
        "Mises en relation, immersions et cohortes",
    ):
        assert title in file
    assert "100 chances — printemps" in file and "Super U Liffré" in file
