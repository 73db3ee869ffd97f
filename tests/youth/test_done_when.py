"""The issue's "Done when" scenario, through HTTP, as a counsellor does it in the browser."""

from __future__ import annotations

from maillage.core.models import AuditEntry
from maillage.youth import hours
from maillage.youth.enums import BarrierDomain, EnrolmentStatus
from maillage.youth.models import Barrier, Enrolment, Youth, monday_of

from .conftest import assert_no_invalid_vars
from .helpers import intake_data, today


def test_counsellor_intake_diagnosis_cej_hours_and_zone_b_is_kept_out(
    client, login, counsellor_a, counsellor_b, commune_a, commune_b, zone_a, cej
):
    browser = login(counsellor_a)

    # Create a 19-year-old living in Montfort-sur-Meu: he lands in zone A, followed by this counsellor.
    response = browser.get("/jeunes/nouveau/")
    assert response.status_code == 200
    response = browser.post("/jeunes/nouveau/", intake_data(commune_a))
    youth = Youth.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/jeunes/{youth.pk}/"
    assert youth.zone == zone_a
    assert youth.counsellor == counsellor_a
    assert youth.age == 19
    assert youth.phone == "+33612345678"
    assert youth.email == "kevin.legall@example.test"
    assert AuditEntry.objects.filter(action="youth.created", object_id=str(youth.pk)).exists()

    # Entering him again warns of the duplicate before anything is created.
    response = browser.post("/jeunes/nouveau/", intake_data(commune_a, phone="", email=""))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ce jeune a peut-être déjà un dossier" in page
    assert f'href="/jeunes/{youth.pk}/"' in page
    assert "Ouvrir ce dossier" in page
    assert Youth.objects.count() == 1

    # Record a mobility barrier.
    response = browser.post(
        f"/jeunes/{youth.pk}/freins/",
        {
            "frein-domain": BarrierDomain.MOBILITY,
            "frein-detail": "no_licence",
            "frein-severity": "high",
            "frein-noted_on": today().isoformat(),
        },
    )
    assert response.status_code == 302
    barrier = Barrier.objects.get(youth=youth)
    assert (barrier.domain, barrier.detail) == ("mobility", "no_licence")

    # Enrol him in CEJ.
    response = browser.post(
        f"/jeunes/{youth.pk}/dispositifs/",
        {"dispositif-programme": cej.pk, "dispositif-start_on": monday_of(today()).isoformat()},
    )
    assert response.status_code == 302
    enrolment = Enrolment.objects.get(youth=youth)
    assert enrolment.status == EnrolmentStatus.ACTIVE and enrolment.programme == cej

    # Record 12 hours this week.
    monday = monday_of(today())
    prefix = f"semaine{enrolment.pk}-{monday:%Y%m%d}"
    response = browser.post(
        f"/jeunes/{youth.pk}/dispositifs/{enrolment.pk}/semaine/",
        {
            "prefix": prefix,
            f"{prefix}-week_start": monday.isoformat(),
            f"{prefix}-added_hours": "12",
            f"{prefix}-added_comment": "Atelier CV, recherche de stage, rendez-vous France Travail",
        },
    )
    assert response.status_code == 302

    # The week is flagged under target: on the file, and in the caseload selector.
    response = browser.get(f"/jeunes/{youth.pk}/")
    assert response.status_code == 200
    assert_no_invalid_vars(response)
    page = response.content.decode()
    assert "Sous l&#x27;objectif" in page or "Sous l'objectif" in page
    assert "12 h" in page
    flagged = hours.weeks_under_target(counsellor_a)
    assert [(w.enrolment.youth_id, w.week_start, w.total) for w in flagged] == [(youth.pk, monday, 12)]

    # The counsellor of zone B cannot open his file, and does not see him.
    client.logout()
    other = login(counsellor_b)
    assert other.get(f"/jeunes/{youth.pk}/").status_code == 404
    assert not Youth.objects.visible_to(counsellor_b).filter(pk=youth.pk).exists()
    # … except the duplicate check's minimal view: name, birth year and zone, no link.
    response = other.post("/jeunes/nouveau/", intake_data(commune_b, phone="", email=""))
    page = response.content.decode()
    assert "Ce jeune a peut-être déjà un dossier" in page
    assert f"né·e en {youth.birth_date.year}" in page
    assert "Antenne A" in page
    assert f"/jeunes/{youth.pk}/" not in page
    assert youth.birth_date.strftime("%d/%m/%Y") not in page
    assert "Demander le transfert" in page
