"""Factories of the portal tests (with traits, like tests/youth/factories.py)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import factory
from django.utils import timezone

from maillage.portal.enums import CurrentSituation, PreRegistrationStatus, SlotChannel, SubmittedBy
from maillage.portal.models import Message, PortalAccount, PreRegistration, Slot, Thread
from maillage.youth import conf as youth_conf
from tests.youth.factories import YouthFactory, years_ago


def local_at(days: int, hour: int = 10, minute: int = 0) -> datetime:
    """An aware datetime `days` from today at hour:minute (local time)."""
    day = timezone.localdate() + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


class PreRegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PreRegistration

    submitted_by = SubmittedBy.SELF
    last_name = "Ricard"
    first_names = "Léa"
    birth_date = factory.LazyFunction(lambda: years_ago(19) - timedelta(days=20))
    commune = factory.SubFactory("tests.territory.factories.CommuneFactory")
    zone = factory.LazyAttribute(lambda o: o.commune.zone)
    phone = "+33611223344"
    email = "lea.ricard@example.test"
    situation = CurrentSituation.UNEMPLOYED
    needs = factory.LazyFunction(lambda: ["job", "mobility"])
    availability = factory.LazyFunction(lambda: ["morning"])
    consent_text_version = factory.LazyFunction(youth_conf.consent_text_version)
    consent_given_at = factory.LazyFunction(timezone.now)

    class Params:
        processed = factory.Trait(
            status=PreRegistrationStatus.DISCARDED, processed_at=factory.LazyFunction(timezone.now)
        )


class PortalAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PortalAccount

    user = factory.SubFactory("tests.accounts.factories.UserFactory", role="youth")
    youth = factory.SubFactory(YouthFactory, with_contact=True)


class SlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Slot

    counsellor = factory.SubFactory("tests.accounts.factories.UserFactory")
    zone = factory.SubFactory("tests.territory.factories.ZoneFactory")
    starts_at = factory.Sequence(lambda n: local_at(3 + n // 6, 9 + (n % 6)))
    duration_minutes = 30
    channel = SlotChannel.IN_PERSON


class ThreadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Thread

    youth = factory.SubFactory(YouthFactory)
    subject = factory.Sequence(lambda n: f"Sujet {n}")


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    thread = factory.SubFactory(ThreadFactory)
    from_youth = False
    body = "Bonjour."
