"""Listings unchecked for six months: flagged, and their owners reminded by e-mail once per interval."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from maillage.core.models import AuditEntry
from maillage.partners import services
from maillage.partners.models import Organisation
from maillage.partners.tasks import remind_stale_listings
from tests.partners.factories import ContactFactory, OrganisationFactory, ServiceFactory

pytestmark = pytest.mark.django_db

OLD = datetime.timedelta(days=200)


@pytest.fixture
def stale_organisation():
    organisation = OrganisationFactory(name="Foyer de jeunes travailleurs", email="accueil@fjt.example.test")
    ServiceFactory(
        organisation=organisation,
        name="Logement temporaire",
        themes=["housing"],
        last_checked_on=timezone.localdate() - OLD,
    )
    ServiceFactory(organisation=organisation, name="Service à jour", themes=["housing"])
    ContactFactory(organisation=organisation, name="Directrice", email="directrice@fjt.example.test")
    ContactFactory(
        organisation=organisation, name="Sans rappel", email="non@fjt.example.test", receives_reminders=False
    )
    return organisation


def test_the_task_reminds_each_owner_once(stale_organisation):
    fresh = OrganisationFactory(name="Tout est frais")
    ServiceFactory(organisation=fresh)
    result = remind_stale_listings.enqueue()
    assert result.return_value == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["directrice@fjt.example.test"]
    assert "Foyer de jeunes travailleurs" in message.subject
    assert "Logement temporaire" in message.body
    assert "Service à jour" not in message.body
    assert reverse("partners:organisation_detail", args=[stale_organisation.pk]) in message.body
    stale_organisation.refresh_from_db()
    assert stale_organisation.reminder_sent_on == timezone.localdate()
    assert AuditEntry.objects.filter(action="partners.reminder_sent").count() == 1

    # The next run (tomorrow's cron) does not repeat the reminder.
    assert remind_stale_listings.enqueue().return_value == 0
    assert len(mail.outbox) == 1


def test_reminder_is_sent_again_after_the_interval(stale_organisation, settings):
    settings.PARTNERS_REMINDER_INTERVAL_DAYS = 30
    today = timezone.localdate()
    assert services.send_stale_listing_reminders(today=today) == 1
    assert services.send_stale_listing_reminders(today=today + datetime.timedelta(days=10)) == 0
    assert services.send_stale_listing_reminders(today=today + datetime.timedelta(days=30)) == 1
    assert len(mail.outbox) == 2


def test_organisation_email_is_the_fallback_recipient():
    organisation = OrganisationFactory(email="contact@structure.example.test", stale=True)
    assert services.send_stale_listing_reminders() == 1
    assert mail.outbox[0].to == ["contact@structure.example.test"]
    organisation.refresh_from_db()
    assert organisation.reminder_sent_on is not None


def test_no_recipient_means_no_mark_and_an_audit_entry():
    organisation = OrganisationFactory(email="", stale=True)
    assert services.send_stale_listing_reminders() == 0
    organisation.refresh_from_db()
    assert organisation.reminder_sent_on is None
    assert AuditEntry.objects.filter(action="partners.reminder_skipped").exists()


def test_inactive_services_and_organisations_are_not_reminded():
    OrganisationFactory(is_active=False, stale=True)
    ServiceFactory(is_active=False, stale=True)
    assert services.send_stale_listing_reminders() == 0


def test_confirming_the_listing_clears_the_flag(login, partner, own_organisation, stale_organisation):
    ServiceFactory(organisation=own_organisation, stale=True, name="Vieux scooter")
    assert Organisation.objects.with_stale_listings().filter(pk=own_organisation.pk).exists()
    page = login(partner).get(reverse("partners:organisation_detail", args=[own_organisation.pk]))
    assert "Tout est à jour" in page.content.decode()
    assert "À vérifier" in page.content.decode()
    response = login(partner).post(reverse("partners:organisation_confirm", args=[own_organisation.pk]))
    assert response.status_code == 302
    assert not Organisation.objects.with_stale_listings().filter(pk=own_organisation.pk).exists()
    # Only the partner's own organisation was confirmed.
    assert Organisation.objects.with_stale_listings().filter(pk=stale_organisation.pk).exists()


def test_the_command_enqueues_the_task(stale_organisation, capsys):
    call_command("remind_stale_listings")
    assert len(mail.outbox) == 1
    assert "Tâche de rappel" in capsys.readouterr().out
