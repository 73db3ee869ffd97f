"""Factories of the youth app, with traits (STYLE.md) rather than subclasses.

YouthFactory(commune=commune_a, counsellor=counsellor_a, age=19)
EnrolmentFactory(youth=youth, cej=True)          # an open CEJ enrolment
EventFactory(youth=youth, planned=True)          # an appointment tomorrow
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from maillage.youth.enums import (
    ActionStatus,
    BarrierDomain,
    ConsentScope,
    ContractType,
    EndReason,
    EnrolmentStatus,
    EventKind,
    EventStatus,
    ProposalKind,
    Severity,
    SituationKind,
    TransferStatus,
    YouthStatus,
)
from maillage.youth.models import (
    Action,
    Barrier,
    CejWeek,
    Consent,
    Enrolment,
    Event,
    Goal,
    Note,
    Programme,
    Proposal,
    Situation,
    TransferRequest,
    Youth,
    monday_of,
)
from maillage.youth.normalise import youth_identity_key, youth_search_key
from tests.territory.factories import CommuneFactory


def years_ago(years: int, on: date | None = None) -> date:
    on = on or timezone.localdate()
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February
        return on.replace(year=on.year - years, day=28)


def local_dt(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"dispositif-{n}")
    name = factory.LazyAttribute(lambda o: o.code.upper())
    is_exclusive = True
    tracks_weekly_hours = False

    class Params:
        cej = factory.Trait(
            code="cej",
            name="Contrat d'engagement jeune (CEJ)",
            tracks_weekly_hours=True,
            default_duration_months=12,
        )
        pacea = factory.Trait(code="pacea", name="PACEA", default_duration_months=24)
        non_exclusive = factory.Trait(code="parrainage", name="Parrainage", is_exclusive=False)
        historic = factory.Trait(code="garantie-jeunes", name="Garantie jeunes", is_historic=True)


class YouthFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Youth
        skip_postgeneration_save = True

    class Params:
        age = 19
        archived = factory.Trait(status=YouthStatus.ARCHIVED)
        with_contact = factory.Trait(
            phone=factory.Sequence(lambda n: f"+336{n:08d}"),
            email=factory.Sequence(lambda n: f"jeune{n}@example.test"),
        )
        never_seen = factory.Trait(last_contact_on=None)

    last_name = factory.Faker("last_name", locale="fr_FR")
    first_names = factory.Faker("first_name", locale="fr_FR")
    birth_date = factory.LazyAttribute(lambda o: years_ago(o.age) - timedelta(days=30))
    sex = "X"
    commune = factory.SubFactory(CommuneFactory)
    zone = factory.LazyAttribute(lambda o: o.quartier.zone if o.quartier else o.commune.zone)
    quartier = None
    counsellor = None
    intake_on = factory.LazyFunction(timezone.localdate)
    last_contact_on = factory.LazyFunction(timezone.localdate)
    search_key = factory.LazyAttribute(lambda o: youth_search_key(o.last_name, o.first_names))
    identity_key = factory.LazyAttribute(
        lambda o: youth_identity_key(o.last_name, o.first_names, o.birth_date)
    )


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    youth = factory.SubFactory(YouthFactory)
    scope = ConsentScope.PROCESSING
    text_version = "2025-01"
    given_on = factory.LazyFunction(timezone.localdate)


class BarrierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Barrier

    youth = factory.SubFactory(YouthFactory)
    domain = BarrierDomain.MOBILITY
    severity = Severity.MEDIUM
    noted_on = factory.LazyFunction(timezone.localdate)

    class Params:
        resolved = factory.Trait(resolved_on=factory.LazyFunction(timezone.localdate))
        stale = factory.Trait(
            noted_on=factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=400))
        )


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    youth = factory.SubFactory(YouthFactory)
    programme = factory.SubFactory(ProgrammeFactory)
    is_exclusive = factory.SelfAttribute("programme.is_exclusive")
    start_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=60))
    status = EnrolmentStatus.ACTIVE

    class Params:
        cej = factory.Trait(programme=factory.SubFactory(ProgrammeFactory, cej=True))
        pacea = factory.Trait(programme=factory.SubFactory(ProgrammeFactory, pacea=True))
        ended = factory.Trait(
            status=EnrolmentStatus.COMPLETED,
            ended_on=factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10)),
            end_reason=EndReason.TERM_REACHED,
        )


class CejWeekFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CejWeek

    enrolment = factory.SubFactory(EnrolmentFactory, cej=True)
    week_start = factory.LazyFunction(lambda: monday_of(timezone.localdate()))
    added_hours = Decimal(0)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    youth = factory.SubFactory(YouthFactory)
    kind = EventKind.APPOINTMENT
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    duration_minutes = 60
    counsellor = factory.SelfAttribute("youth.counsellor")
    status = EventStatus.ATTENDED
    themes = factory.LazyFunction(lambda: ["project"])

    class Params:
        planned = factory.Trait(
            status=EventStatus.PLANNED,
            starts_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=1)),
        )
        workshop = factory.Trait(kind=EventKind.WORKSHOP, duration_minutes=180)
        message = factory.Trait(kind=EventKind.MESSAGE, duration_minutes=0)
        missed = factory.Trait(status=EventStatus.MISSED)


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    youth = factory.SubFactory(YouthFactory)
    kind = ProposalKind.TRAINING
    description = factory.Sequence(lambda n: f"Formation n° {n}")
    proposed_on = factory.LazyFunction(timezone.localdate)


class SituationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Situation

    youth = factory.SubFactory(YouthFactory)
    kind = SituationKind.UNEMPLOYED
    started_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=90))

    class Params:
        training = factory.Trait(kind=SituationKind.TRAINING, weekly_hours=Decimal(10), label="AFPA")
        job = factory.Trait(kind=SituationKind.JOB, contract_type=ContractType.CDD, label="Boulangerie")
        ended = factory.Trait(ended_on=factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=1)))


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    youth = factory.SubFactory(YouthFactory)
    title = factory.Sequence(lambda n: f"Objectif {n}")


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    goal = factory.SubFactory(GoalFactory)
    title = factory.Sequence(lambda n: f"Action {n}")
    due_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=7))
    status = ActionStatus.TODO

    class Params:
        overdue = factory.Trait(due_on=factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=3)))
        done = factory.Trait(status=ActionStatus.DONE, done_on=factory.LazyFunction(timezone.localdate))


class NoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Note

    youth = factory.SubFactory(YouthFactory)
    text = "Note de suivi."
    is_internal = True


class TransferRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TransferRequest

    youth = factory.SubFactory(YouthFactory)
    from_zone = factory.SelfAttribute("youth.zone")
    status = TransferStatus.PENDING
