"""CEJ hours: computed from what is recorded; the counsellor only adds and validates."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from maillage.youth import hours, services
from maillage.youth.models import CejWeek, monday_of

from .factories import EnrolmentFactory, EventFactory, SituationFactory, YouthFactory, local_dt
from .helpers import today

TWO_WEEKS_AGO = monday_of(today()) - timedelta(days=14)


@pytest.fixture
def enrolment(youth_a, cej):
    return EnrolmentFactory(youth=youth_a, programme=cej, start_on=TWO_WEEKS_AGO - timedelta(days=30))


def test_week_hours_are_computed_from_recorded_activity(youth_a, enrolment):
    monday = TWO_WEEKS_AGO
    EventFactory(youth=youth_a, starts_at=local_dt(monday, 9), duration_minutes=90)  # appointment attended
    EventFactory(youth=youth_a, workshop=True, starts_at=local_dt(monday + timedelta(days=1), 14))  # 3 h
    EventFactory(youth=youth_a, missed=True, starts_at=local_dt(monday + timedelta(days=2), 9))  # not counted
    EventFactory(
        youth=youth_a, message=True, starts_at=local_dt(monday + timedelta(days=2), 9)
    )  # not counted
    EventFactory(youth=youth_a, starts_at=local_dt(monday + timedelta(days=7), 9))  # the week after
    # Training 10 h a week from Wednesday: 3 weekdays of 5 in this week.
    SituationFactory(youth=youth_a, training=True, started_on=monday + timedelta(days=2))
    week = services.compute_week_hours(enrolment=enrolment, week_start=monday + timedelta(days=3))
    assert week.week_start == monday
    # Other apps may register more sources (employers: immersions); they count 0 here.
    assert {k: v for k, v in week.by_source.items() if v} == {
        "events": Decimal("4.5"),
        "training": Decimal(6),
    }
    assert week.computed == Decimal("10.5") and week.total == Decimal("10.5")
    assert week.under_target and not week.over_target
    assert dict(week.lines) == {"Entretiens et ateliers suivis": Decimal("4.5"), "Formation": Decimal(6)}


def test_validating_a_week_adds_hours_and_keeps_a_snapshot(youth_a, enrolment, counsellor_a):
    EventFactory(youth=youth_a, starts_at=local_dt(TWO_WEEKS_AGO, 9), duration_minutes=120)
    week = services.validate_week(
        by=counsellor_a,
        enrolment=enrolment,
        week_start=TWO_WEEKS_AGO,
        added_hours=Decimal(10),
        added_comment="Recherche de stage",
    )
    assert (week.computed_hours, week.added_hours, week.validated_by) == (2, 10, counsellor_a)
    computed = hours.week_hours(enrolment, TWO_WEEKS_AGO)
    assert computed.total == 12 and computed.under_target and computed.is_validated
    services.validate_week(
        by=counsellor_a,
        enrolment=enrolment,
        week_start=TWO_WEEKS_AGO,
        added_hours=Decimal(14),
        added_comment="x",
    )
    assert CejWeek.objects.count() == 1
    assert not hours.week_hours(enrolment, TWO_WEEKS_AGO).under_target


def test_added_hours_need_a_comment_and_a_week_inside_the_enrolment(enrolment, counsellor_a):
    with pytest.raises(services.ValidationError, match="Précisez"):
        services.validate_week(
            by=counsellor_a, enrolment=enrolment, week_start=TWO_WEEKS_AGO, added_hours=Decimal(3)
        )
    with pytest.raises(services.ValidationError, match="hors de la période"):
        services.validate_week(by=counsellor_a, enrolment=enrolment, week_start=today() + timedelta(days=14))
    with pytest.raises(services.ValidationError, match="hors de la période"):
        services.validate_week(
            by=counsellor_a, enrolment=enrolment, week_start=enrolment.start_on - timedelta(days=7)
        )


def test_programme_target_overrides_the_default(youth_a, enrolment, cej):
    cej.weekly_hours_target_min = 4
    cej.save()
    EventFactory(youth=youth_a, workshop=True, starts_at=local_dt(TWO_WEEKS_AGO, 9), duration_minutes=300)
    enrolment.refresh_from_db()
    assert not hours.week_hours(enrolment, TWO_WEEKS_AGO).under_target


class ImmersionHours:
    """What the employers app will register for immersions (PMSMP)."""

    key = "immersions"
    label = "Immersions"

    def hours_by_week(self, *, youth_ids, first_monday, last_monday):
        return {(youth_id, first_monday): Decimal(35) for youth_id in youth_ids}


def test_another_app_can_add_a_source_of_hours(enrolment):
    before = hours.hours_sources()
    hours.register_hours_source(ImmersionHours())
    try:
        week = hours.week_hours(enrolment, TWO_WEEKS_AGO)
        assert week.by_source["immersions"] == 35 and week.over_target
    finally:
        hours._SOURCES[:] = before


def test_weeks_under_target_for_a_counsellor_in_a_fixed_number_of_queries(counsellor_a, commune_a, cej):
    this_monday = monday_of(today())

    def build(count):
        for _ in range(count):
            youth = YouthFactory(commune=commune_a, counsellor=counsellor_a)
            EnrolmentFactory(youth=youth, programme=cej, start_on=this_monday)  # no complete week yet
            EventFactory(youth=youth, starts_at=local_dt(this_monday, 0, 1), duration_minutes=60)
            SituationFactory(youth=youth, training=True)

    build(1)
    counsellor_a.zone_ids()  # read once per request, then cached on the user
    with CaptureQueriesContext(connection) as small:
        assert len(hours.weeks_under_target(counsellor_a)) == 1
    build(6)
    with CaptureQueriesContext(connection) as large:
        flagged = hours.weeks_under_target(counsellor_a)
        assert len(flagged) == 7
        assert all(w.total == Decimal(11) and w.is_current for w in flagged)
        assert {w.enrolment.youth.full_name for w in flagged}  # youth loaded with the enrolment
    # enrolments, one query per source, suspensions, stored weeks
    assert len(small) == len(large) == 1 + len(hours.hours_sources()) + 2


def test_weeks_under_target_ignores_other_counsellors_and_reached_targets(
    counsellor_a, counsellor_b, youth_a, youth_b, cej
):
    this_monday = monday_of(today())
    EnrolmentFactory(youth=youth_b, programme=cej)
    enrolment = EnrolmentFactory(youth=youth_a, programme=cej)
    flagged = hours.weeks_under_target(counsellor_a)
    # The last complete week first, then the week in progress: both under target, nothing recorded.
    assert [(w.enrolment, w.week_start) for w in flagged] == [
        (enrolment, this_monday - timedelta(days=7)),
        (enrolment, this_monday),
    ]
    CejWeek.objects.create(enrolment=enrolment, week_start=this_monday, added_hours=Decimal(15))
    CejWeek.objects.create(
        enrolment=enrolment, week_start=this_monday - timedelta(days=7), added_hours=Decimal(20)
    )
    assert hours.weeks_under_target(counsellor_a) == []


def test_last_week_stays_flagged_on_monday(counsellor_a, youth_a, cej):
    """On Monday the week in progress is empty; last week's shortfall is still shown, not replaced."""
    this_monday = monday_of(today())
    enrolment = EnrolmentFactory(youth=youth_a, programme=cej)
    EventFactory(youth=youth_a, starts_at=local_dt(this_monday - timedelta(days=6), 9), duration_minutes=600)
    CejWeek.objects.create(enrolment=enrolment, week_start=this_monday, added_hours=Decimal(16))
    flagged = hours.weeks_under_target(counsellor_a)
    assert [(w.week_start, w.total) for w in flagged] == [(this_monday - timedelta(days=7), Decimal(10))]
    assert not flagged[0].is_current


def test_a_suspended_week_is_not_under_target(counsellor_a, youth_a, cej):
    this_monday = monday_of(today())
    enrolment = EnrolmentFactory(youth=youth_a, programme=cej, start_on=this_monday - timedelta(days=60))
    services.suspend_enrolment(
        by=counsellor_a, enrolment=enrolment, reason="health", starts_on=this_monday - timedelta(days=5)
    )
    services.resume_enrolment(by=counsellor_a, enrolment=enrolment, resumed_on=this_monday)
    # Suspended from last Wednesday to Sunday: last week is not flagged, this week (active again) is.
    flagged = hours.weeks_under_target(counsellor_a)
    assert [w.week_start for w in flagged] == [this_monday]
    weeks = hours.compute_weeks([enrolment], {enrolment.pk: [this_monday - timedelta(days=7), this_monday]})
    assert [w.suspended for w in weeks[enrolment.pk]] == [True, False]


def test_a_file_moved_to_another_zone_leaves_the_counsellors_cej_block(counsellor_a, youth_a, zone_b, cej):
    EnrolmentFactory(youth=youth_a, programme=cej)
    assert hours.weeks_under_target(counsellor_a)
    youth_a.zone = zone_b  # e.g. moved by an import, the counsellor kept by mistake
    youth_a.save(update_fields=["zone"])
    assert hours.weeks_under_target(counsellor_a) == []
