"""Applications: the state machine, dated and audited steps, the youth file kept up to date through the youth
services, and the follow-up after hiring."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from maillage.core.models import AuditEntry
from maillage.employers import services
from maillage.employers.home import follow_ups_to_do
from maillage.employers.models import Application, FollowUp
from maillage.youth.models import Proposal, Situation
from tests.youth.factories import SituationFactory, YouthFactory

from .factories import CompanyFactory, OfferFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def offer(referential, commune_b, employer_officer):
    company = CompanyFactory(name="Super U Liffré", commune=commune_b)
    return OfferFactory(
        company=company,
        title="Vendeur·se rayon frais",
        appellation=referential["fresh"],
        contract="cdd",
        weekly_hours=35,
        officer=employer_officer,
        positions=2,
    )


@pytest.fixture
def youth(commune_a, counsellor_a):
    return YouthFactory(commune=commune_a, counsellor=counsellor_a, last_name="Lemoine", first_names="Hugo")


def today():
    return timezone.localdate()


def test_proposing_adds_a_proposal_to_the_file(offer, youth, employer_officer):
    application = services.propose_candidate(by=employer_officer, offer=offer, youth=youth)
    proposal = Proposal.objects.get(youth=youth)
    assert application.proposal == proposal
    assert (proposal.kind, proposal.status, proposal.created_by) == ("job", "proposed", employer_officer)
    assert proposal.description == "Vendeur·se rayon frais — Super U Liffré (Liffré, CDD)"
    assert AuditEntry.objects.filter(
        action="employers.application_proposed", object_id=str(application.pk)
    ).exists()
    assert AuditEntry.objects.filter(action="youth.proposal_added", object_id=str(youth.pk)).exists()
    with pytest.raises(ValidationError, match="déjà été mis en relation"):
        services.propose_candidate(by=employer_officer, offer=offer, youth=youth)


def test_a_closed_offer_or_an_inactive_file_cannot_be_proposed(offer, youth, commune_a, employer_officer):
    services.change_offer_status(by=employer_officer, offer=offer, status="cancelled")
    with pytest.raises(ValidationError, match="n'est plus ouverte"):
        services.propose_candidate(by=employer_officer, offer=offer, youth=youth)
    services.change_offer_status(by=employer_officer, offer=offer, status="open")
    archived = YouthFactory(commune=commune_a, archived=True)
    with pytest.raises(ValidationError, match="pas actif"):
        services.propose_candidate(by=employer_officer, offer=offer, youth=archived)


def test_the_state_machine_checks_the_current_step(offer, youth, employer_officer):
    application = services.propose_candidate(by=employer_officer, offer=offer, youth=youth)
    with pytest.raises(ValidationError, match="ne peut pas passer à « embauche »"):
        services.hire(by=employer_officer, application=application, hired_on=today())
    with pytest.raises(ValidationError, match="ne peut pas passer à « entretien »"):
        services.record_interview(by=employer_officer, application=application, interview_on=today())
    services.send_application(by=employer_officer, application=application)
    services.record_interview(
        by=employer_officer, application=application, interview_on=today() + timedelta(days=2)
    )
    assert Proposal.objects.get().outcome == f"Entretien le {today() + timedelta(days=2):%d/%m/%Y}"
    services.reject_application(by=employer_officer, application=application, reason="other_candidate")
    application.refresh_from_db()
    assert (application.status, application.not_hired_reason) == ("not_hired", "other_candidate")
    assert [s.status for s in application.steps.all()] == ["proposed", "sent", "interview", "not_hired"]
    proposal = Proposal.objects.get()
    assert (proposal.status, proposal.outcome) == (
        "refused",
        "Non retenu·e : Un·e autre candidat·e a été retenu·e",
    )
    with pytest.raises(ValidationError):
        services.withdraw_application(by=employer_officer, application=application, reason="other")
    assert AuditEntry.objects.filter(action="employers.application_moved").count() == 3


def test_steps_are_dated_in_order_and_not_in_the_future(offer, youth, employer_officer):
    application = services.propose_candidate(by=employer_officer, offer=offer, youth=youth)
    with pytest.raises(ValidationError) as error:
        services.send_application(
            by=employer_officer, application=application, on=today() - timedelta(days=1)
        )
    assert "ne peut pas précéder la précédente" in str(error.value)
    with pytest.raises(ValidationError, match="futur"):
        services.send_application(
            by=employer_officer, application=application, on=today() + timedelta(days=1)
        )


def test_withdrawal_abandons_the_proposal(offer, youth, counsellor_a):
    application = services.propose_candidate(by=counsellor_a, offer=offer, youth=youth)
    services.withdraw_application(
        by=counsellor_a, application=application, reason="found_elsewhere", comment="CDI"
    )
    proposal = Proposal.objects.get()
    assert (proposal.status, proposal.outcome) == ("abandoned", "Retirée : Le jeune a trouvé ailleurs")


def test_hiring_creates_the_job_situation_and_three_follow_ups(offer, youth, employer_officer):
    SituationFactory(youth=youth, started_on=today() - timedelta(days=60))  # unemployed
    application = services.propose_candidate(by=employer_officer, offer=offer, youth=youth)
    services.send_application(by=employer_officer, application=application)
    start = today()
    services.hire(
        by=employer_officer,
        application=application,
        hired_on=start,
        contract_end_on=start + timedelta(days=180),
    )
    situation = Situation.objects.get(youth=youth, kind="job")
    assert application.situation == situation
    assert (situation.contract_type, situation.weekly_hours, situation.label) == ("cdd", 35, "Super U Liffré")
    assert situation.ended_on == start + timedelta(days=180)
    assert Situation.objects.get(youth=youth, kind="unemployed").ended_on == start - timedelta(days=1)
    follow_ups = list(FollowUp.objects.filter(application=application))
    assert [(f.months, f.due_on) for f in follow_ups] == [
        (1, services.add_months(start, 1)),
        (3, services.add_months(start, 3)),
        (6, services.add_months(start, 6)),
    ]
    assert Proposal.objects.get().status == "completed"
    offer.refresh_from_db()
    assert offer.status == "open"  # two positions, one hire


def test_add_months_clamps_to_the_end_of_the_month():
    assert services.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert services.add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert services.add_months(date(2028, 1, 30), 1) == date(2028, 2, 29)


def test_contracts_map_to_the_youth_situations(referential, commune_b, youth, employer_officer):
    for contract, expected in (
        ("professionalisation", ("job", "cdd")),
        ("civic_service", ("civic_service", "")),
    ):
        offer = OfferFactory(
            company=CompanyFactory(commune=commune_b), appellation=referential["fresh"], contract=contract
        )
        application = services.propose_candidate(by=employer_officer, offer=offer, youth=youth)
        services.send_application(by=employer_officer, application=application)
        services.hire(by=employer_officer, application=application, hired_on=today())
        situation = application.situation
        assert (situation.kind, situation.contract_type) == expected
        assert Proposal.objects.get(pk=application.proposal_id).kind == (
            "apprenticeship" if contract == "professionalisation" else "civic_service"
        )


def _hired(offer, youth, by):
    application = services.propose_candidate(by=by, offer=offer, youth=youth)
    services.send_application(by=by, application=application)
    services.hire(by=by, application=application, hired_on=today())
    return application


def test_a_departure_closes_the_situation_and_the_later_follow_ups(offer, youth, employer_officer):
    application = _hired(offer, youth, employer_officer)
    first = application.follow_ups.get(months=1)
    with pytest.raises(ValidationError) as error:
        services.record_follow_up(by=employer_officer, follow_up=first, outcome="left")
    assert set(error.value.message_dict) == {"left_on", "left_reason"}
    services.record_follow_up(
        by=employer_officer, follow_up=first, outcome="left", left_on=today(), left_reason="trial_youth"
    )
    statuses = dict(application.follow_ups.values_list("months", "status"))
    assert statuses == {1: "done", 3: "cancelled", 6: "cancelled"}
    assert Situation.objects.get(pk=application.situation_id).ended_on == today()
    with pytest.raises(ValidationError, match="déjà été enregistré"):
        services.record_follow_up(by=employer_officer, follow_up=first, outcome="employed")
    entry = AuditEntry.objects.get(action="employers.follow_up_recorded")
    assert entry.extra == {
        "youth": youth.pk,
        "months": 1,
        "outcome": "left",
        "left_reason": "trial_youth",
        "cancelled": 2,
    }


def test_still_employed_keeps_the_next_follow_ups(offer, youth, employer_officer):
    application = _hired(offer, youth, employer_officer)
    services.record_follow_up(
        by=employer_officer, follow_up=application.follow_ups.get(months=1), outcome="employed"
    )
    assert dict(application.follow_ups.values_list("months", "status")) == {
        1: "done",
        3: "pending",
        6: "pending",
    }
    assert Situation.objects.get(pk=application.situation_id).ended_on is None


def test_the_to_do_lists(offer, youth, employer_officer, counsellor_a, counsellor_b, director):
    application = _hired(offer, youth, employer_officer)
    assert [f.months for f in follow_ups_to_do(employer_officer)] == [1]  # within 5 weeks
    assert [f.months for f in follow_ups_to_do(counsellor_a)] == [1]
    assert list(follow_ups_to_do(counsellor_b)) == []
    later = today() + timedelta(days=100)
    assert [f.months for f in follow_ups_to_do(employer_officer, later)] == [1, 3]
    services.record_follow_up(
        by=employer_officer, follow_up=application.follow_ups.get(months=1), outcome="employed"
    )
    assert list(follow_ups_to_do(employer_officer)) == []


def test_follow_up_and_steps_through_http(login, offer, youth, employer_officer):
    client = login(employer_officer)
    application = services.propose_candidate(by=employer_officer, offer=offer, youth=youth)
    url = f"/mises-en-relation/{application.pk}/"
    page = client.get(url).content.decode()
    assert (
        "Transmise à l&#x27;employeur" in page
        and "Embauche" not in page.split("Étape suivante")[1].split("</section>")[0]
    )
    bad = client.post(f"{url}etape/send/", {"send-on": (today() + timedelta(days=3)).isoformat()})
    assert bad.status_code == 200 and "futur" in bad.content.decode()
    assert client.post(f"{url}etape/nope/", {}).status_code == 404
    client.post(f"{url}etape/send/", {"send-on": today().isoformat()})
    client.post(f"{url}etape/hire/", {"hire-on": today().isoformat(), "hire-hired_on": today().isoformat()})
    application.refresh_from_db()
    assert application.status == "hired"
    first = application.follow_ups.get(months=1)
    prefix = f"suivi{first.pk}"
    response = client.post(
        f"/mises-en-relation/suivis/{first.pk}/",
        {f"{prefix}-outcome": "left", f"{prefix}-done_on": today().isoformat()},
    )
    assert response.status_code == 200 and "Indiquez la date du départ." in response.content.decode()
    response = client.post(
        f"/mises-en-relation/suivis/{first.pk}/",
        {
            f"{prefix}-outcome": "employed",
            f"{prefix}-done_on": today().isoformat(),
            f"{prefix}-comment": "Tout va bien",
        },
    )
    assert response["Location"] == f"{url}#suivis"
    assert "Toujours en poste" in client.get(url).content.decode()


def test_application_list_filters_and_counts(
    login, offer, youth, employer_officer, commune_a, django_assert_max_num_queries
):
    client = login(employer_officer)
    services.propose_candidate(by=employer_officer, offer=offer, youth=youth)
    with django_assert_max_num_queries(8):
        small = client.get("/mises-en-relation/?status=open")
    for _i in range(30):
        other = YouthFactory(commune=commune_a)
        services.propose_candidate(by=employer_officer, offer=offer, youth=other)
    with django_assert_max_num_queries(8):
        large = client.get("/mises-en-relation/?status=open")
    assert small.status_code == large.status_code == 200
    assert "31 mises en relation" in large.content.decode()
    assert "Aucune mise en relation." in client.get("/mises-en-relation/?status=hired").content.decode()
    assert Application.objects.count() == 31
