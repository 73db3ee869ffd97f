"""Immersions (PMSMP): rules, the agreement as a PDF, the CEJ hours; cohorts: members, stages, attendance,
outcomes."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from maillage.core.models import AuditEntry
from maillage.employers import services
from maillage.employers.models import Attendance, CohortMember, Immersion
from maillage.youth import hours
from maillage.youth.models import Proposal, monday_of
from tests.youth.factories import EnrolmentFactory, ProgrammeFactory, YouthFactory

from .factories import CompanyFactory, ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def youth(commune_a, counsellor_a):
    return YouthFactory(commune=commune_a, counsellor=counsellor_a, last_name="Lemoine", first_names="Hugo")


@pytest.fixture
def company(commune_b):
    return CompanyFactory(name="Super U Liffré", commune=commune_b, address="Rue de Rennes")


def _immersion(by, youth, company, referential, starts_on, ends_on, **extra):
    values = {
        "company": company,
        "appellation": referential["fresh"],
        "tutor_name": "Claire Martin",
        "starts_on": starts_on,
        "ends_on": ends_on,
        "weekly_hours": Decimal(30),
        "objective": "discover",
        "objectives": "Découvrir le rayon frais.",
    }
    values.update(extra)
    return services.create_immersion(by=by, youth=youth, **values)


def test_an_immersion_lasts_a_month_at_most_and_its_tutor_works_there(
    referential, youth, company, commune_b, counsellor_a
):
    start = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        _immersion(counsellor_a, youth, company, referential, start, start + timedelta(days=31))
    assert "au plus un mois" in str(error.value)
    stranger = ContactFactory(company=CompanyFactory(commune=commune_b))
    with pytest.raises(ValidationError, match="autre entreprise"):
        _immersion(
            counsellor_a, youth, company, referential, start, start + timedelta(days=5), tutor=stranger
        )
    tutor = ContactFactory(
        company=company, name="Paul Tuteur", job_title="Chef de rayon", phone="02 99 00 00 01"
    )
    immersion = _immersion(
        counsellor_a,
        youth,
        company,
        referential,
        start,
        start + timedelta(days=30),
        tutor=tutor,
        tutor_name="",
    )
    assert (immersion.tutor_name, immersion.tutor_job_title, immersion.fiche_id) == (
        "Paul Tuteur",
        "Chef de rayon",
        "D1106",
    )
    proposal = Proposal.objects.get(youth=youth)
    assert (proposal.kind, proposal.status) == ("immersion", "proposed")
    assert immersion.proposal == proposal


def test_assessment_and_cancellation_close_the_proposal(referential, youth, company, counsellor_a):
    start = timezone.localdate()
    immersion = _immersion(counsellor_a, youth, company, referential, start, start + timedelta(days=4))
    services.assess_immersion(
        by=counsellor_a, immersion=immersion, assessment="confirmed", notes="Très motivé"
    )
    assert Proposal.objects.get().status == "completed"
    assert Proposal.objects.get().outcome == "Bilan : Projet confirmé"
    with pytest.raises(ValidationError):
        services.cancel_immersion(by=counsellor_a, immersion=immersion)
    other = _immersion(counsellor_a, youth, company, referential, start, start + timedelta(days=4))
    services.cancel_immersion(by=counsellor_a, immersion=other, reason="Magasin fermé")
    assert Proposal.objects.get(pk=other.proposal_id).status == "abandoned"
    assert AuditEntry.objects.filter(
        action="employers.immersion_assessed", object_id=str(immersion.pk)
    ).exists()


def test_immersion_hours_feed_the_cej_weeks(referential, youth, company, counsellor_a):
    monday = monday_of(timezone.localdate()) - timedelta(days=7)
    enrolment = EnrolmentFactory(
        youth=youth, programme=ProgrammeFactory(cej=True), start_on=monday - timedelta(days=30)
    )
    # Wednesday to the next Tuesday: 3 weekdays the first week, 2 the second, 30 h a week.
    _immersion(
        counsellor_a, youth, company, referential, monday + timedelta(days=2), monday + timedelta(days=8)
    )
    assert "immersions" in {s.key for s in hours.hours_sources()}
    first = hours.week_hours(enrolment, monday)
    second = hours.week_hours(enrolment, monday + timedelta(days=7))
    assert first.by_source["immersions"] == Decimal(18)
    assert second.by_source["immersions"] == Decimal(12)
    assert ("Immersions en entreprise (PMSMP)", Decimal("18.00")) in first.lines
    cancelled = _immersion(counsellor_a, youth, company, referential, monday, monday + timedelta(days=1))
    services.cancel_immersion(by=counsellor_a, immersion=cancelled)
    assert hours.week_hours(enrolment, monday).by_source["immersions"] == Decimal(18)


def test_the_agreement_pdf_and_the_pages(login, referential, youth, company, counsellor_a):
    client = login(counsellor_a)
    start = timezone.localdate()
    data = {
        "company": company.pk,
        "company_text": company.name,
        "appellation": referential["fresh"].pk,
        "appellation_text": referential["fresh"].label,
        "tutor": "",
        "tutor_name": "",
        "tutor_job_title": "",
        "tutor_phone": "",
        "starts_on": start.isoformat(),
        "ends_on": (start + timedelta(days=40)).isoformat(),
        "weekly_hours": "30",
        "schedule": "9 h – 17 h",
        "objective": "confirm",
        "objectives": "Confirmer le projet.",
        "activities": "",
    }
    response = client.post(f"/immersions/nouvelle/?jeune={youth.pk}", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Indiquez le tuteur ou la tutrice dans l&#x27;entreprise." in page
    data.update(tutor_name="Claire Martin")
    assert "au plus un mois" in client.post(f"/immersions/nouvelle/?jeune={youth.pk}", data).content.decode()
    data.update(ends_on=(start + timedelta(days=11)).isoformat())
    response = client.post(f"/immersions/nouvelle/?jeune={youth.pk}", data)
    immersion = Immersion.objects.get()
    assert response["Location"] == f"/immersions/{immersion.pk}/"
    pdf = client.get(f"/immersions/{immersion.pk}/convention.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert pdf["Content-Disposition"] == f'attachment; filename="convention-pmsmp-{immersion.pk}.pdf"'
    assert AuditEntry.objects.filter(action="employers.immersion_agreement_printed").exists()
    detail = client.get(f"/immersions/{immersion.pk}/").content.decode()
    assert "Convention (PDF)" in detail and "Confirmer un projet professionnel" in detail
    response = client.post(
        f"/immersions/{immersion.pk}/bilan/",
        {"assessment": "hiring", "notes": "", "assessed_on": start.isoformat()},
    )
    assert response.status_code == 302
    immersion.refresh_from_db()
    assert (immersion.status, immersion.assessment) == ("completed", "hiring")
    assert client.get(f"/immersions/{immersion.pk}/modifier/").status_code == 404


def test_the_agreement_template_holds_the_identity_for_the_counsellor(
    rf, referential, youth, company, counsellor_a
):
    from django.template.loader import render_to_string

    start = timezone.localdate()
    immersion = _immersion(counsellor_a, youth, company, referential, start, start + timedelta(days=4))
    context = {
        "immersion": immersion,
        "youth": youth,
        "company": company,
        "generated_by": counsellor_a,
        "generated_at": timezone.localtime(),
    }
    shown = render_to_string("employers/pdf/immersion_agreement.html", {**context, "show_identity": True})
    hidden = render_to_string("employers/pdf/immersion_agreement.html", {**context, "show_identity": False})
    birth = youth.birth_date.strftime("%d/%m/%Y")
    assert birth in shown and birth not in hidden
    assert "LEMOINE Hugo" in shown and "LEMOINE Hugo" in hidden
    assert "Convention relative à la mise en situation en milieu professionnel (PMSMP)" in shown


# --- Cohorts --------------------------------------------------------------------------------------------


@pytest.fixture
def cohort(employer_officer, company):
    today = timezone.localdate()
    return services.create_cohort(
        by=employer_officer,
        name="100 chances — printemps",
        programme="100 chances 100 emplois",
        starts_on=today - timedelta(days=10),
        ends_on=today + timedelta(days=60),
        partners=[company],
    )


def test_cohort_members_stages_attendance_and_outcomes(
    cohort, youth, company, commune_b, employer_officer, zone_a
):
    member = services.enrol_in_cohort(by=employer_officer, cohort=cohort, youth=youth)
    with pytest.raises(ValidationError, match="déjà inscrit"):
        services.enrol_in_cohort(by=employer_officer, cohort=cohort, youth=youth)
    cohort.zone = zone_a
    cohort.save()
    with pytest.raises(ValidationError, match="réservée aux jeunes de sa zone"):
        services.enrol_in_cohort(by=employer_officer, cohort=cohort, youth=YouthFactory(commune=commune_b))
    with pytest.raises(ValidationError) as error:
        services.add_stage(
            by=employer_officer, cohort=cohort, title="Trop tard", date=cohort.ends_on + timedelta(days=1)
        )
    assert "pendant la cohorte" in str(error.value)
    stage = services.add_stage(
        by=employer_officer, cohort=cohort, title="Visite", date=timezone.localdate(), company=company
    )
    services.record_attendance(by=employer_officer, stage=stage, statuses={member.pk: "present"})
    services.record_attendance(by=employer_officer, stage=stage, statuses={member.pk: "excused"})
    assert Attendance.objects.get().status == "excused"
    with pytest.raises(ValidationError):
        services.record_attendance(by=employer_officer, stage=stage, statuses={member.pk + 99: "present"})
    services.set_member_outcome(
        by=employer_officer, member=member, status="completed", outcome="job_long", outcome_company=company
    )
    member.refresh_from_db()
    assert (member.outcome, member.outcome_on, member.outcome_company) == (
        "job_long",
        timezone.localdate(),
        company,
    )


def test_cohort_pages(
    login, cohort, youth, company, employer_officer, django_assert_max_num_queries, commune_a
):
    client = login(employer_officer)
    assert "100 chances — printemps" in client.get("/cohortes/").content.decode()
    found = client.get(f"/cohortes/{cohort.pk}/?q=lemoine").content.decode()
    assert "Hugo LEMOINE" in found
    response = client.post(f"/cohortes/{cohort.pk}/inscrire/", {"youth": youth.pk})
    assert response["Location"] == f"/cohortes/{cohort.pk}/#jeunes"
    member = CohortMember.objects.get()
    response = client.post(
        f"/cohortes/{cohort.pk}/etapes/",
        {
            "etape-title": "Simulation d'entretien",
            "etape-kind": "mock_interview",
            "etape-date": timezone.localdate().isoformat(),
            "etape-duration_hours": "2",
            "etape-company": company.pk,
        },
    )
    assert response.status_code == 302
    stage = cohort.stages.get()
    response = client.post(f"/cohortes/etapes/{stage.pk}/presences/", {f"presence-{member.pk}": "present"})
    assert response.status_code == 302
    assert Attendance.objects.get().status == "present"
    prefix = f"sortie{member.pk}"
    response = client.post(
        f"/cohortes/inscrits/{member.pk}/sortie/",
        {f"{prefix}-status": "completed", f"{prefix}-outcome": "apprenticeship", f"{prefix}-outcome_on": ""},
    )
    assert response.status_code == 302
    for _i in range(10):
        services.enrol_in_cohort(by=employer_officer, cohort=cohort, youth=YouthFactory(commune=commune_a))
    with django_assert_max_num_queries(16):
        page = client.get(f"/cohortes/{cohort.pk}/").content.decode()
    assert "Alternance" in page and "Simulation d&#x27;entretien" in page


def test_lists_keep_a_fixed_number_of_queries(login, referential, company, employer_officer, commune_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(employer_officer)
    start = timezone.localdate()

    def counts():
        result = []
        for url in ("/immersions/", "/immersions/?statut=planned", "/cohortes/"):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            result.append(len(queries))
        return result

    def grow(size):
        for _ in range(size):
            youth = YouthFactory(commune=commune_a)
            _immersion(employer_officer, youth, company, referential, start, start + timedelta(days=4))
            services.create_cohort(
                by=employer_officer, name="Cohorte", programme="100 chances", starts_on=start, ends_on=start
            )

    grow(1)
    small = counts()
    grow(12)
    assert counts() == small
    assert max(small) <= 9
