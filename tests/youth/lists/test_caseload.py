"""The counsellor's home page is their caseload: each block, the paginated, sortable, searchable list."""

from __future__ import annotations

from datetime import timedelta

from maillage.youth.enums import EventKind, EventStatus
from maillage.youth.models import monday_of
from tests.youth.conftest import assert_no_invalid_vars
from tests.youth.factories import (
    ActionFactory,
    ConsentFactory,
    EnrolmentFactory,
    EventFactory,
    GoalFactory,
    YouthFactory,
    local_dt,
)
from tests.youth.helpers import loaded, today


def test_each_block_of_the_caseload(login, counsellor_a, counsellor_b, commune_a, commune_b, cej):
    seen = YouthFactory(commune=commune_a, counsellor=counsellor_a, last_name="Récent", first_names="Yanis")
    quiet = YouthFactory(
        commune=commune_a,
        counsellor=counsellor_a,
        last_name="Silencieux",
        first_names="Maël",
        last_contact_on=today() - timedelta(weeks=7),
    )
    late = YouthFactory(commune=commune_a, counsellor=counsellor_a, last_name="Retard", first_names="Inès")
    ActionFactory(goal=GoalFactory(youth=late), overdue=True, title="Envoyer le CV")
    ActionFactory(goal=GoalFactory(youth=late), title="Pas encore due")
    in_cej = YouthFactory(commune=commune_a, counsellor=counsellor_a, last_name="Engagé", first_names="Noé")
    EnrolmentFactory(youth=in_cej, programme=cej)
    monday = monday_of(today())
    for hour in (9, 13):  # 2 workshops of 3 h this week (attended) + 6 h added = 12 h: under the 15 h target
        EventFactory(youth=in_cej, workshop=True, starts_at=local_dt(monday, hour))
    EventFactory(
        youth=seen,
        kind=EventKind.APPOINTMENT,
        status=EventStatus.PLANNED,
        starts_at=local_dt(today(), 14, 30),
    )
    # Someone else's files never show.
    other = YouthFactory(
        commune=commune_b,
        counsellor=counsellor_b,
        last_name="Ailleurs",
        last_contact_on=today() - timedelta(weeks=9),
    )
    ActionFactory(goal=GoalFactory(youth=other), overdue=True, title="Action de B")

    response = login(counsellor_a).get("/")
    assert response.status_code == 200
    assert_no_invalid_vars(response)
    page = loaded(login(counsellor_a), "/")
    assert "Mon portefeuille" in page
    today_block = page.split('id="bloc-aujourdhui"')[1].split("</section>")[0]
    assert "14:30" in today_block and "RÉCENT" in today_block
    not_seen_block = page.split('id="bloc-pas-vus"')[1].split("</section>")[0]
    assert "SILENCIEUX" in not_seen_block and "RÉCENT" not in not_seen_block
    actions_block = page.split('id="bloc-actions"')[1].split("</section>")[0]
    assert "Envoyer le CV" in actions_block and "Pas encore due" not in actions_block
    cej_block = page.split('id="bloc-cej"')[1].split("</section>")[0]
    assert "ENGAGÉ" in cej_block and "6 h" in cej_block
    assert "Ailleurs" not in page and "AILLEURS" not in page and "Action de B" not in page
    assert f'href="/jeunes/{quiet.pk}/"' in page


def test_the_caseload_is_paginated_sorted_and_searchable(login, counsellor_a, commune_a):
    for n in range(23):
        YouthFactory(
            commune=commune_a,
            counsellor=counsellor_a,
            last_name=f"Nom{n:02d}",
            first_names="Zoé",
            last_contact_on=today() - timedelta(days=n),
        )
    YouthFactory(commune=commune_a, counsellor=counsellor_a, last_name="Noël", first_names="Gaëlle")
    browser = login(counsellor_a)

    first = loaded(browser, "/")
    assert "24 jeunes" in first
    assert "NOËL" in first and "NOM00" in first and "NOM19" not in first  # 20 per page, by name
    assert "pf_page=2" in first
    second = browser.get("/?pf_page=2").content.decode()
    assert "NOM19" in second and "NOM00" not in second

    by_contact = browser.get("/?pf_tri=contact").content.decode()  # oldest contact first
    assert by_contact.index("NOM22") < by_contact.index("NOM21")

    found = browser.get("/?pf_q=noel+GAEL").content.decode()
    assert "NOËL" in found and "NOM00" not in found and "1 jeune" in found

    junk = browser.get("/?pf_q=31/02/2001&pf_tri=n%27importe&pf_page=zz")
    assert junk.status_code == 200
    assert "n&#x27;est pas une date valide" in junk.content.decode()


def test_archived_files_and_other_counsellors_files_are_not_in_my_caseload(
    login, counsellor_a, counsellor_a2, commune_a
):
    YouthFactory(commune=commune_a, counsellor=counsellor_a, last_name="Actif")
    YouthFactory(commune=commune_a, counsellor=counsellor_a, last_name="Ancien", archived=True)
    YouthFactory(commune=commune_a, counsellor=counsellor_a2, last_name="Collègue")
    page = loaded(login(counsellor_a), "/")
    assert "ACTIF" in page and "ANCIEN" not in page and "COLLÈGUE" not in page


def test_a_counsellor_without_files_gets_an_empty_caseload(login, counsellor_a):
    page = loaded(login(counsellor_a), "/")
    assert "Aucun dossier actif ne vous est confié" in page


def test_done_when_12_hours_this_week_is_flagged_on_the_caseload(login, counsellor_a, commune_a, cej):
    youth = YouthFactory(commune=commune_a, counsellor=counsellor_a, last_name="Le Gall", first_names="Kévin")
    enrolment = EnrolmentFactory(youth=youth, programme=cej, start_on=monday_of(today()))
    monday = monday_of(today())
    browser = login(counsellor_a)
    prefix = f"semaine{enrolment.pk}-{monday:%Y%m%d}"
    response = browser.post(
        f"/jeunes/{youth.pk}/dispositifs/{enrolment.pk}/semaine/",
        {
            "prefix": prefix,
            f"{prefix}-week_start": monday.isoformat(),
            f"{prefix}-added_hours": "12",
            f"{prefix}-added_comment": "Atelier CV",
        },
    )
    assert response.status_code == 302
    block = loaded(browser, "/").split('id="bloc-cej"')[1].split("</section>")[0]
    assert "LE GALL" in block and "12 h" in block and "15 h" in block


def test_files_on_notice_of_anonymisation_are_shown_to_their_counsellor(login, counsellor_a, commune_a):
    from maillage.youth import retention, services

    quiet = YouthFactory(
        commune=commune_a, counsellor=counsellor_a, last_name="Silencieux", last_contact_on=None
    )
    quiet.intake_on = today() - timedelta(days=800)
    quiet.save(update_fields=["intake_on"])
    withdrawn = YouthFactory(commune=commune_a, counsellor=counsellor_a, last_name="Retrait")
    ConsentFactory(youth=withdrawn)
    YouthFactory(commune=commune_a, counsellor=counsellor_a, last_name="Actif", last_contact_on=today())
    page = loaded(login(counsellor_a), "/")
    assert "Bientôt anonymisés" not in page  # no block while nothing is on notice
    retention.give_notice()
    services.withdraw_consent(by=counsellor_a, consent=withdrawn.consents.get())
    page = loaded(login(counsellor_a), "/")
    block = page.split('id="bloc-anonymisation"')[1].split("</section>")[0]
    assert "SILENCIEUX" in block and "RETRAIT" in block and "(consentement retiré)" in block
    assert "ACTIF" not in block
    assert f"le {today() + timedelta(days=30):%d/%m/%Y}" in block


def test_last_weeks_shortfall_is_shown_with_the_week_in_progress(login, counsellor_a, commune_a, cej):
    youth = YouthFactory(commune=commune_a, counsellor=counsellor_a, last_name="Semaine")
    EnrolmentFactory(youth=youth, programme=cej, start_on=today() - timedelta(days=40))
    page = loaded(login(counsellor_a), "/")
    block = page.split('id="bloc-cej"')[1].split("</section>")[0]
    monday = monday_of(today())
    assert f"Semaine dernière, du {monday - timedelta(days=7):%d/%m}" in block
    assert f"Semaine en cours, du {monday:%d/%m}" in block
    assert block.count("SEMAINE") == 2 and "à valider" in block
