"""The referral state machine and its rules, at the service level: every move checks the current status,
is dated and audited, keeps the proposal on the youth file in step; declining needs a reason; only the
receiving organisation answers; anonymisation wipes what was shared."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from maillage.accounts.roles import Role
from maillage.core.models import AuditEntry
from maillage.partners import services
from maillage.partners.enums import REFERRAL_TRANSITIONS, ReferralStatus
from maillage.partners.models import Referral
from maillage.youth.models import Proposal
from maillage.youth.retention import _anonymise_rows
from tests.accounts.factories import UserFactory
from tests.partners.factories import MembershipFactory

pytestmark = pytest.mark.django_db

MOVES = {
    ReferralStatus.ACKNOWLEDGED: lambda by, r: services.acknowledge_referral(by=by, referral=r),
    ReferralStatus.ACCEPTED: lambda by, r: services.accept_referral(by=by, referral=r),
    ReferralStatus.DECLINED: lambda by, r: services.decline_referral(by=by, referral=r, reason="no_capacity"),
    ReferralStatus.COMPLETED: lambda by, r: services.complete_referral(by=by, referral=r, outcome="Fait."),
    ReferralStatus.NO_SHOW: lambda by, r: services.mark_referral_no_show(by=by, referral=r),
}


@pytest.fixture
def referral(counsellor_a, mobility_youth, own_service):
    return services.refer_youth(
        by=counsellor_a, youth=mobility_youth, service=own_service, consent_given_on=timezone.localdate()
    )


def _put_in(referral, status):
    """Force a status (with the dates the constraints require) to test the moves out of it."""
    answered = None if status in (ReferralStatus.SENT, ReferralStatus.ACKNOWLEDGED) else timezone.now()
    Referral.objects.filter(pk=referral.pk).update(
        status=status, answered_at=answered, decline_reason="other" if status == "declined" else ""
    )
    referral.refresh_from_db()
    return referral


@pytest.mark.parametrize("start", ReferralStatus.values)
@pytest.mark.parametrize("target", [s for s in ReferralStatus.values if s != ReferralStatus.SENT])
def test_only_allowed_transitions_pass(partner, referral, start, target):
    referral = _put_in(referral, start)
    if target in REFERRAL_TRANSITIONS[start]:
        moved = MOVES[target](partner, referral)
        assert moved.status == target
        assert moved.status_changed_at is not None and moved.acknowledged_at is not None
        assert AuditEntry.objects.filter(action=f"partners.referral_{target}", user=partner).count() == 1
    else:
        with pytest.raises(ValidationError, match="ne peut pas passer"):
            MOVES[target](partner, referral)
        referral.refresh_from_db()
        assert referral.status == start


def test_each_step_is_dated(partner, referral):
    acknowledged = services.acknowledge_referral(by=partner, referral=referral)
    assert acknowledged.acknowledged_at is not None and acknowledged.answered_at is None
    accepted = services.accept_referral(by=partner, referral=acknowledged)
    assert accepted.acknowledged_at == acknowledged.acknowledged_at
    assert accepted.answered_at >= accepted.acknowledged_at
    assert accepted.response_seconds == int((accepted.answered_at - accepted.sent_at).total_seconds())
    closed = services.mark_referral_no_show(
        by=partner, referral=accepted, comment="Deux rendez-vous manqués."
    )
    assert closed.closed_at is not None and closed.outcome == "Deux rendez-vous manqués."
    proposal = Proposal.objects.get(pk=closed.proposal_id)
    assert proposal.status == "abandoned"


def test_declining_needs_a_reason(partner, referral):
    with pytest.raises(ValidationError):
        services.decline_referral(by=partner, referral=referral, reason="")
    with pytest.raises(ValidationError):
        services.decline_referral(by=partner, referral=referral, reason="other", detail="  ")
    referral.refresh_from_db()
    assert referral.status == "sent"
    declined = services.decline_referral(
        by=partner, referral=referral, reason="other", detail="Complet en juin."
    )
    assert declined.decline_reason == "other" and declined.decline_detail == "Complet en juin."
    proposal = Proposal.objects.get(pk=declined.proposal_id)
    assert proposal.status == "refused" and "Complet en juin." in proposal.outcome


def test_the_database_refuses_a_decline_without_reason(referral):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(status="declined", answered_at=timezone.now())


def test_completion_needs_an_outcome(partner, referral):
    services.accept_referral(by=partner, referral=referral)
    with pytest.raises(ValidationError):
        services.complete_referral(by=partner, referral=referral, outcome=" ")


def test_only_the_receiving_organisation_answers(referral, other_organisation, counsellor_a):
    stranger = UserFactory(email="autre.partenaire@example.test", role=Role.PARTNER)
    MembershipFactory(user=stranger, organisation=other_organisation)
    for user in (stranger, counsellor_a):
        with pytest.raises(ValidationError, match="structure destinataire"):
            services.accept_referral(by=user, referral=referral)
    referral.refresh_from_db()
    assert referral.status == "sent"


def test_an_inactive_file_is_not_referred(counsellor_a, mobility_youth, own_service):
    mobility_youth.status = "archived"
    mobility_youth.save(update_fields=["status"])
    with pytest.raises(ValidationError, match="plus actif"):
        services.refer_youth(
            by=counsellor_a, youth=mobility_youth, service=own_service, consent_given_on=timezone.localdate()
        )


def test_a_counsellor_of_another_zone_cannot_refer(counsellor_b, mobility_youth, own_service):
    with pytest.raises(ValidationError):
        services.refer_youth(
            by=counsellor_b, youth=mobility_youth, service=own_service, consent_given_on=timezone.localdate()
        )
    assert not Referral.objects.exists()


def test_barriers_are_read_through_the_audited_diagnosis(counsellor_a, mobility_youth, own_service):
    mobility = mobility_youth.barriers.get(domain="mobility")
    before = AuditEntry.objects.filter(action="youth.diagnosis_read").count()
    referral = services.refer_youth(
        by=counsellor_a,
        youth=mobility_youth,
        service=own_service,
        consent_given_on=timezone.localdate(),
        barrier_ids=[mobility.pk],
    )
    assert AuditEntry.objects.filter(action="youth.diagnosis_read").count() == before + 1
    assert referral.shared_barriers == [{"domain": "mobility", "severity": "high"}]
    # A resolved barrier cannot be shared.
    health = mobility_youth.barriers.get(domain="health")
    with pytest.raises(ValidationError):
        services.refer_youth(
            by=counsellor_a,
            youth=mobility_youth,
            service=own_service,
            consent_given_on=timezone.localdate(),
            barrier_ids=[health.pk],
        )


def test_anonymisation_wipes_what_was_shared(partner, referral, mobility_youth):
    services.decline_referral(by=partner, referral=referral, reason="other", detail="Voir avec Kévin.")
    Referral.objects.filter(pk=referral.pk).update(
        shared_barriers=[{"domain": "mobility", "severity": "high", "comment": "x"}], message="Kévin…"
    )
    _anonymise_rows([mobility_youth.pk], timezone.now())
    referral.refresh_from_db()
    assert referral.shared_last_name == "ANONYME"
    assert referral.shared_first_names == referral.shared_phone == referral.shared_email == ""
    assert referral.shared_birth_date is None and referral.shared_barriers == []
    assert referral.message == referral.decline_detail == ""
    assert referral.status == "declined"  # the statistics keep the status and dates
