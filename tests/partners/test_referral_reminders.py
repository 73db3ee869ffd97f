"""Referrals left unanswered: a reminder to the organisation after 10 days (once), a flag on the
counsellor's home after 30 days; the e-mails carry no personal data."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from maillage.core.models import AuditEntry
from maillage.partners import services
from maillage.partners.models import Referral
from maillage.partners.tasks import remind_referrals
from tests.accounts.factories import UserFactory
from tests.partners.factories import MembershipFactory, OrganisationFactory, ReferralFactory, ServiceFactory
from tests.youth.factories import YouthFactory
from tests.youth.helpers import full_file, loaded

pytestmark = pytest.mark.django_db


def test_reminder_after_ten_days_and_never_twice(
    partner, mobility_youth, commune_a, own_service, other_service, settings
):
    settings.SITE_URL = "https://maillage.example.test"
    fresh = ReferralFactory(youth=mobility_youth, service=own_service, days_ago=9)
    due = ReferralFactory(
        youth=YouthFactory(commune=commune_a), service=own_service, days_ago=10, status="acknowledged"
    )
    answered = ReferralFactory(
        youth=YouthFactory(commune=commune_a), service=own_service, days_ago=20, answered_after_hours=5
    )
    # Another organisation, without any partner account: its own address is reminded.
    elsewhere = ReferralFactory(youth=mobility_youth, service=other_service, days_ago=15)

    result = remind_referrals.enqueue()
    assert result.return_value == 2
    assert len(mail.outbox) == 2
    by_recipient = {tuple(m.to): m for m in mail.outbox}
    message = by_recipient[(partner.email,)]
    assert "1 orientation en attente" in message.subject
    assert "https://maillage.example.test" + reverse("partners:referral_inbox") in message.body
    for personal in ("Kévin", "LE GALL", "Le Gall", "+336", "Montfort-sur-Meu"):
        assert personal not in message.body and personal not in message.subject
    assert (other_service.organisation.email,) in by_recipient

    due.refresh_from_db()
    elsewhere.refresh_from_db()
    assert due.reminder_sent_at is not None and elsewhere.reminder_sent_at is not None
    for referral in (fresh, answered):
        referral.refresh_from_db()
        assert referral.reminder_sent_at is None
    assert AuditEntry.objects.filter(action="partners.referral_reminder_sent").count() == 2

    # Tomorrow's cron: nothing new to remind, no repeat.
    assert remind_referrals.enqueue().return_value == 0
    assert len(mail.outbox) == 2

    # The fresh one reaches ten days: reminded, alone.
    Referral.objects.filter(pk=fresh.pk).update(sent_at=timezone.now() - datetime.timedelta(days=11))
    assert services.send_referral_reminders() == 1
    assert len(mail.outbox) == 3
    assert "1 orientation" in mail.outbox[-1].subject


def test_the_reminder_delay_is_a_setting(partner, mobility_youth, own_service, settings):
    settings.PARTNERS_REFERRAL_REMINDER_DAYS = 3
    ReferralFactory(youth=mobility_youth, service=own_service, days_ago=4)
    assert services.send_referral_reminders() == 1


def test_the_command_enqueues_the_task(partner, mobility_youth, own_service):
    ReferralFactory(youth=mobility_youth, service=own_service, days_ago=12)
    call_command("remind_referrals")
    assert len(mail.outbox) == 1


def test_an_organisation_without_any_address_is_skipped_and_retried(mobility_youth):
    silent = OrganisationFactory(name="Sans adresse", email="")
    service = ServiceFactory(organisation=silent, themes=["mobility"])
    referral = ReferralFactory(youth=mobility_youth, service=service, days_ago=12)
    assert services.send_referral_reminders() == 0
    referral.refresh_from_db()
    assert referral.reminder_sent_at is None
    assert AuditEntry.objects.filter(action="partners.referral_reminder_skipped").count() == 1


def test_flag_after_thirty_days_on_the_counsellors_home(
    login, counsellor_a, mobility_youth, own_service, other_service
):
    overdue = ReferralFactory(
        youth=mobility_youth, service=own_service, days_ago=31, referred_by=counsellor_a
    )
    recent = ReferralFactory(
        youth=mobility_youth, service=other_service, days_ago=29, referred_by=counsellor_a
    )
    client = login(counsellor_a)
    home = loaded(client, "/")
    assert "Mes orientations vers les partenaires" in home
    assert "1 sans réponse depuis plus de 30 jours" in home
    assert reverse("partners:referral_detail", args=[overdue.pk]) in home
    assert reverse("partners:referral_detail", args=[recent.pk]) not in home
    # The file flags it too.
    page = full_file(client, mobility_youth.pk)
    assert "Sans réponse depuis 31 jours" in page
    assert "Sans réponse depuis 29 jours" not in page


def test_recent_answers_on_the_counsellors_home(login, counsellor_a, partner, mobility_youth, own_service):
    referral = ReferralFactory(
        youth=mobility_youth, service=own_service, days_ago=3, referred_by=counsellor_a
    )
    client = login(counsellor_a)
    assert "Mes orientations vers les partenaires" not in loaded(client, "/")
    services.decline_referral(by=partner, referral=referral, reason="no_capacity")
    home = loaded(login(counsellor_a), "/")
    assert "Réponses des 14 derniers jours" in home and "Refusée" in home


def test_notification_goes_to_the_members_after_commit(
    counsellor_a, mobility_youth, own_organisation, own_service, partner, django_capture_on_commit_callbacks
):
    colleague = MembershipFactory(
        user=UserFactory(email="collegue@partenaire.example.test", role="partner"),
        organisation=own_organisation,
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.refer_youth(
            by=counsellor_a, youth=mobility_youth, service=own_service, consent_given_on=timezone.localdate()
        )
    assert mail.outbox == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == sorted([partner.email, colleague.user.email])
    assert "une nouvelle orientation" in mail.outbox[0].subject
