"""Programmes: exclusive ones never overlap (service and constraint), enrolment state machine, loader."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from maillage.core.models import AuditEntry
from maillage.youth import services
from maillage.youth.enums import EnrolmentStatus
from maillage.youth.models import Enrolment, Programme
from maillage.youth.programmes import load_programmes

from .factories import EnrolmentFactory, ProgrammeFactory, YouthFactory, years_ago
from .helpers import today


def test_exclusive_programmes_cannot_overlap(youth_a, counsellor_a, cej, pacea):
    services.enrol(by=counsellor_a, youth=youth_a, programme=pacea, start_on=today() - timedelta(days=30))
    with pytest.raises(services.ValidationError) as error:
        services.enrol(by=counsellor_a, youth=youth_a, programme=cej, start_on=today())
    message = error.value.message_dict["programme"][0]
    assert "déjà en « PACEA »" in message and "ne peuvent pas se chevaucher" in message
    assert Enrolment.objects.count() == 1


def test_closed_exclusive_programme_overlapping_the_new_start_is_refused(youth_a, counsellor_a, cej, pacea):
    EnrolmentFactory(youth=youth_a, programme=pacea, start_on=today() - timedelta(days=90), ended=True)
    # PACEA ended 10 days ago: a CEJ starting 20 days ago overlaps it.
    with pytest.raises(services.ValidationError):
        services.enrol(by=counsellor_a, youth=youth_a, programme=cej, start_on=today() - timedelta(days=20))
    # … starting the day it ended is a handover, and is fine.
    enrolment = services.enrol(
        by=counsellor_a, youth=youth_a, programme=cej, start_on=today() - timedelta(days=10)
    )
    assert enrolment.is_exclusive and enrolment.planned_end_on is not None


def test_non_exclusive_programmes_may_run_alongside(youth_a, counsellor_a, cej):
    parrainage = ProgrammeFactory(non_exclusive=True)
    services.enrol(by=counsellor_a, youth=youth_a, programme=cej, start_on=today())
    services.enrol(by=counsellor_a, youth=youth_a, programme=parrainage, start_on=today())
    assert Enrolment.objects.open().count() == 2


def test_the_database_forbids_two_open_exclusive_enrolments(youth_a, cej, pacea):
    Enrolment.objects.create(youth=youth_a, programme=pacea, is_exclusive=True, start_on=today())
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrolment.objects.create(youth=youth_a, programme=cej, is_exclusive=True, start_on=today())
    # A suspended one still counts as open.
    Enrolment.objects.filter(youth=youth_a).update(status=EnrolmentStatus.SUSPENDED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrolment.objects.create(youth=youth_a, programme=cej, is_exclusive=True, start_on=today())


def test_the_database_keeps_status_and_end_date_consistent(youth_a, cej):
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrolment.objects.create(
            youth=youth_a,
            programme=cej,
            is_exclusive=True,
            start_on=today(),
            status=EnrolmentStatus.COMPLETED,
        )


def test_the_service_turns_a_race_on_the_constraint_into_a_clear_message(
    youth_a, counsellor_a, cej, pacea, monkeypatch
):
    Enrolment.objects.create(youth=youth_a, programme=pacea, is_exclusive=True, start_on=today())
    monkeypatch.setattr(
        services, "_exclusive_overlap", lambda *args, **kwargs: None
    )  # as if checked too early
    with pytest.raises(services.ValidationError, match="dispositif exclusif en cours"):
        services.enrol(by=counsellor_a, youth=youth_a, programme=cej, start_on=today())


def test_overlap_is_explained_on_the_file(login, youth_a, counsellor_a, cej, pacea):
    EnrolmentFactory(youth=youth_a, programme=pacea)
    response = login(counsellor_a).post(
        f"/jeunes/{youth_a.pk}/dispositifs/",
        {"dispositif-programme": cej.pk, "dispositif-start_on": today().isoformat()},
    )
    assert response.status_code == 200
    assert "ne peuvent pas se chevaucher" in response.content.decode()
    assert Enrolment.objects.count() == 1


def test_no_enrolment_from_the_26th_birthday(counsellor_a, commune_a, cej):
    youth = YouthFactory(commune=commune_a, birth_date=years_ago(26) + timedelta(days=3))
    with pytest.raises(services.ValidationError, match="26 ans"):
        services.enrol(by=counsellor_a, youth=youth, programme=cej, start_on=today() + timedelta(days=5))
    services.enrol(by=counsellor_a, youth=youth, programme=cej, start_on=today())


def test_historic_programmes_take_no_new_enrolment(youth_a, counsellor_a):
    historic = ProgrammeFactory(historic=True)
    with pytest.raises(services.ValidationError, match="On n'entre plus"):
        services.enrol(by=counsellor_a, youth=youth_a, programme=historic, start_on=today())


def test_end_enrolment_needs_a_reason_and_then_frees_the_slot(login, youth_a, counsellor_a, cej, pacea):
    enrolment = EnrolmentFactory(youth=youth_a, programme=pacea)
    browser = login(counsellor_a)
    url = f"/jeunes/{youth_a.pk}/dispositifs/{enrolment.pk}/fin/"
    key = f"fin{enrolment.pk}"
    response = browser.post(url, {f"{key}-status": "completed", f"{key}-ended_on": today().isoformat()})
    assert response.status_code == 200
    enrolment.refresh_from_db()
    assert enrolment.is_open
    response = browser.post(
        url,
        {
            f"{key}-status": "abandoned",
            f"{key}-ended_on": today().isoformat(),
            f"{key}-end_reason": "no_contact",
        },
    )
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.ended_on, enrolment.end_reason) == (
        "abandoned",
        today(),
        "no_contact",
    )
    services.enrol(by=counsellor_a, youth=youth_a, programme=cej, start_on=today())


def test_suspend_and_resume(youth_a, counsellor_a, cej):
    enrolment = EnrolmentFactory(youth=youth_a, programme=cej, start_on=today() - timedelta(days=60))
    period = services.suspend_enrolment(
        by=counsellor_a, enrolment=enrolment, reason="health", starts_on=today() - timedelta(days=10)
    )
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.SUSPENDED
    assert (period.starts_on, period.ends_on, period.reason) == (today() - timedelta(days=10), None, "health")
    with pytest.raises(services.ValidationError, match="n'est pas en cours"):
        services.suspend_enrolment(by=counsellor_a, enrolment=enrolment, reason="health")
    with pytest.raises(services.ValidationError) as error:
        services.resume_enrolment(
            by=counsellor_a, enrolment=enrolment, resumed_on=today() - timedelta(days=11)
        )
    assert "resumed_on" in error.value.message_dict
    services.resume_enrolment(by=counsellor_a, enrolment=enrolment, resumed_on=today() - timedelta(days=2))
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ACTIVE
    period.refresh_from_db()
    assert period.ends_on == today() - timedelta(days=2)
    with pytest.raises(services.ValidationError, match="n'est pas suspendu"):
        services.resume_enrolment(by=counsellor_a, enrolment=enrolment)
    # A second suspension cannot start inside the first one; both periods are kept.
    with pytest.raises(services.ValidationError) as error:
        services.suspend_enrolment(
            by=counsellor_a, enrolment=enrolment, reason="family", starts_on=today() - timedelta(days=5)
        )
    assert "starts_on" in error.value.message_dict
    services.suspend_enrolment(by=counsellor_a, enrolment=enrolment, reason="other", comment="Voyage")
    assert enrolment.suspensions.count() == 2


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"reason": ""}, "reason", "Ce champ est obligatoire"),
        ({"reason": "other", "comment": ""}, "comment", "Précisez le motif"),
        ({"reason": "health", "starts_on": "2001-01-01"}, "starts_on", "ne peut pas précéder"),
    ],
)
def test_suspension_needs_a_reason_and_a_date_within_the_enrolment(
    login, youth_a, counsellor_a, cej, data, field, message
):
    enrolment = EnrolmentFactory(youth=youth_a, programme=cej)
    key = f"suspendre{enrolment.pk}"
    response = login(counsellor_a).post(
        f"/jeunes/{youth_a.pk}/dispositifs/{enrolment.pk}/suspension/",
        {
            f"{key}-starts_on": data.get("starts_on", today().isoformat()),
            **{f"{key}-{k}": v for k, v in data.items()},
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ACTIVE and not enrolment.suspensions.exists()


def test_suspend_and_resume_over_http(login, youth_a, counsellor_a, cej):
    enrolment = EnrolmentFactory(youth=youth_a, programme=cej)
    browser = login(counsellor_a)
    page = browser.get(f"/jeunes/{youth_a.pk}/").content.decode()
    assert "Suspendre le dispositif" in page
    response = browser.post(
        f"/jeunes/{youth_a.pk}/dispositifs/{enrolment.pk}/suspension/",
        {
            f"suspendre{enrolment.pk}-starts_on": today().isoformat(),
            f"suspendre{enrolment.pk}-reason": "parenthood",
        },
    )
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.SUSPENDED
    page = browser.get(f"/jeunes/{youth_a.pk}/").content.decode()
    assert "Reprise du dispositif" in page and "Maternité, paternité" in page
    # A page opened before the suspension still offers "Suspendre": posting it changes nothing.
    stale = browser.post(
        f"/jeunes/{youth_a.pk}/dispositifs/{enrolment.pk}/suspension/",
        {
            f"suspendre{enrolment.pk}-starts_on": today().isoformat(),
            f"suspendre{enrolment.pk}-reason": "health",
        },
    )
    assert "ne peut pas être suspendu" in stale.content.decode()
    assert enrolment.suspensions.count() == 1
    response = browser.post(
        f"/jeunes/{youth_a.pk}/dispositifs/{enrolment.pk}/reprise/",
        {f"reprendre{enrolment.pk}-resumed_on": today().isoformat()},
    )
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ACTIVE
    actions = AuditEntry.objects.order_by("at", "id").values_list("action", flat=True)
    assert [a for a in actions if "enrolment_" in a] == [
        "youth.enrolment_suspended",
        "youth.enrolment_resumed",
    ]


def test_ending_a_suspended_enrolment_closes_its_suspension(youth_a, counsellor_a, cej):
    enrolment = EnrolmentFactory(youth=youth_a, programme=cej)
    period = services.suspend_enrolment(by=counsellor_a, enrolment=enrolment, reason="health")
    services.end_enrolment(
        by=counsellor_a, enrolment=enrolment, status="abandoned", end_reason="no_contact", ended_on=today()
    )
    period.refresh_from_db()
    assert period.ends_on == today()


def test_load_programmes_is_idempotent(db):
    assert load_programmes() == (7, 0)
    assert load_programmes() == (0, 7)
    call_command("load_programmes")
    cej = Programme.objects.get(code="cej")
    assert cej.is_exclusive and cej.tracks_weekly_hours and (cej.hours_min, cej.hours_max) == (15, 20)
    assert Programme.objects.get(code="garantie-jeunes").is_historic
    assert "garantie-jeunes" not in set(Programme.objects.available().values_list("code", flat=True))


def test_hours_target_defaults_come_from_settings(settings, cej):
    settings.YOUTH_CEJ_WEEKLY_HOURS_MIN = 12
    settings.YOUTH_CEJ_WEEKLY_HOURS_MAX = 18
    assert (cej.hours_min, cej.hours_max) == (12, 18)
    cej.weekly_hours_target_min = 10
    assert cej.hours_min == 10
