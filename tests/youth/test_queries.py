"""The QuerySet methods the caseload, search and observatory pages build on: right rows, no N+1."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from maillage.youth.models import Action, Event, Youth

from .factories import (
    ActionFactory,
    BarrierFactory,
    EnrolmentFactory,
    EventFactory,
    GoalFactory,
    SituationFactory,
    YouthFactory,
    local_dt,
)
from .helpers import today


@pytest.mark.parametrize(
    ("persona", "sees_a", "sees_b"),
    [
        ("counsellor_a", True, False),
        ("counsellor_b", False, True),
        ("zone_manager_a", True, False),
        ("director", True, True),
        ("analyst", True, True),
        ("admin_user", True, True),
        ("employer_officer", False, False),
        ("partner_user", False, False),
        ("elected_official", False, False),
        ("youth_user", False, False),
    ],
)
def test_visible_to(request, youth_a, youth_b, persona, sees_a, sees_b):
    visible = set(Youth.objects.visible_to(request.getfixturevalue(persona)))
    assert (youth_a in visible, youth_b in visible) == (sees_a, sees_b)


def test_visible_to_anonymous(youth_a):
    from django.contrib.auth.models import AnonymousUser

    assert not Youth.objects.visible_to(AnonymousUser()).exists()


def test_for_counsellor_and_not_seen_since(counsellor_a, commune_a, youth_a):
    old = YouthFactory(
        commune=commune_a, counsellor=counsellor_a, last_contact_on=today() - timedelta(weeks=7)
    )
    never = YouthFactory(commune=commune_a, counsellor=counsellor_a, never_seen=True)
    YouthFactory(commune=commune_a, last_contact_on=today() - timedelta(weeks=10))  # someone else's
    mine = Youth.objects.for_counsellor(counsellor_a)
    assert set(mine) == {youth_a, old, never}
    assert set(mine.not_seen_since(today() - timedelta(weeks=6))) == {old, never}


def test_with_current_situation(youth_a):
    SituationFactory(
        youth=youth_a, started_on=today() - timedelta(days=100), ended_on=today() - timedelta(days=31)
    )
    SituationFactory(youth=youth_a, job=True, started_on=today() - timedelta(days=30))
    SituationFactory(youth=youth_a, training=True, started_on=today() + timedelta(days=10))  # not yet
    youth = Youth.objects.with_current_situation().get(pk=youth_a.pk)
    assert (youth.current_situation_kind, youth.current_situation_contract_type) == ("job", "cdd")
    assert youth.current_situation_since == today() - timedelta(days=30)


def test_with_next_appointment_and_current_programme(youth_a, cej):
    EventFactory(youth=youth_a, planned=True, starts_at=timezone.now() + timedelta(days=5))
    soon = EventFactory(youth=youth_a, planned=True, starts_at=timezone.now() + timedelta(days=2))
    EventFactory(youth=youth_a, planned=True, message=True, starts_at=timezone.now() + timedelta(days=1))
    EventFactory(youth=youth_a, starts_at=timezone.now() - timedelta(days=1))
    EnrolmentFactory(youth=youth_a, programme=cej)
    youth = Youth.objects.with_next_appointment().with_current_programme().get(pk=youth_a.pk)
    assert youth.next_appointment_at == soon.starts_at
    assert youth.current_programme_code == "cej"


def test_with_open_barrier(youth_a, youth_b):
    BarrierFactory(youth=youth_a, domain="housing")
    BarrierFactory(youth=youth_b, domain="housing", resolved=True)
    assert list(Youth.objects.with_open_barrier("housing")) == [youth_a]


def test_today_and_upcoming_appointments_of_a_counsellor(
    django_assert_num_queries, counsellor_a, youth_a, youth_b
):
    today_event = EventFactory(youth=youth_a, planned=True, starts_at=local_dt(today(), 23, 59))
    EventFactory(youth=youth_a, planned=True, starts_at=local_dt(today(), 0, 0), status="cancelled")
    EventFactory(youth=youth_b, planned=True, starts_at=local_dt(today(), 23, 58))  # another counsellor's
    later = EventFactory(youth=youth_a, planned=True, starts_at=timezone.now() + timedelta(days=3))
    with django_assert_num_queries(1):
        rows = [(e, e.youth.full_name) for e in Event.objects.today_for_counsellor(counsellor_a)]
    assert [e for e, _ in rows] == [today_event]
    upcoming = list(Event.objects.upcoming_for_counsellor(counsellor_a))
    assert later in upcoming


def test_overdue_actions_of_a_counsellor_without_n_plus_one(
    django_assert_num_queries, counsellor_a, youth_a, youth_b, commune_a
):
    for youth in (youth_a, YouthFactory(commune=commune_a, counsellor=counsellor_a)):
        goal = GoalFactory(youth=youth)
        ActionFactory(goal=goal, overdue=True)
        ActionFactory(goal=goal)  # not due yet
        ActionFactory(goal=goal, overdue=True, status="done", done_on=today())
    ActionFactory(goal=GoalFactory(youth=youth_b), overdue=True)
    with django_assert_num_queries(1):
        rows = [
            (a.title, a.goal.youth.full_name) for a in Action.objects.overdue_for_counsellor(counsellor_a)
        ]
    assert len(rows) == 2
