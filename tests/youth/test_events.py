"""Appointments and events: recording, statuses, last contact."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from maillage.youth import services
from maillage.youth.enums import EventStatus
from maillage.youth.models import Event, Youth

from .factories import EventFactory, local_dt
from .helpers import today


def _event_data(**overrides):
    yesterday = today() - timedelta(days=1)
    data = {
        "evenement-kind": "appointment",
        "evenement-status": "attended",
        "evenement-day": yesterday.isoformat(),
        "evenement-at": "14:30",
        "evenement-duration_minutes": "45",
        "evenement-channel": "phone",
        "evenement-themes": ["job_search", "mobility"],
        "evenement-notes": "A trouvé une piste en boulangerie.",
        "evenement-is_internal": "on",
    }
    data.update(overrides)
    return data


def test_record_an_interview_over_http(login, youth_a, counsellor_a, site_a):
    Youth.objects.filter(pk=youth_a.pk).update(last_contact_on=today() - timedelta(days=60))
    response = login(counsellor_a).post(
        f"/jeunes/{youth_a.pk}/evenements/", _event_data(**{"evenement-site": site_a.pk})
    )
    assert response.status_code == 302 and response["Location"].endswith("#evenements")
    event = Event.objects.get()
    assert event.counsellor == counsellor_a and event.site == site_a
    assert event.themes == ["job_search", "mobility"]
    assert timezone.localtime(event.starts_at).strftime("%H:%M") == "14:30"
    youth_a.refresh_from_db()
    assert youth_a.last_contact_on == today() - timedelta(days=1)
    assert list(Event.objects.with_theme("mobility")) == [event]
    assert not Event.objects.with_theme("health").exists()


def test_a_future_appointment_cannot_be_marked_attended(login, youth_a, counsellor_a):
    tomorrow = (today() + timedelta(days=1)).isoformat()
    response = login(counsellor_a).post(
        f"/jeunes/{youth_a.pk}/evenements/", _event_data(**{"evenement-day": tomorrow})
    )
    assert response.status_code == 200
    assert "Un rendez-vous à venir" in response.content.decode()
    assert not Event.objects.exists()
    response = login(counsellor_a).post(
        f"/jeunes/{youth_a.pk}/evenements/",
        _event_data(**{"evenement-day": tomorrow, "evenement-status": "planned"}),
    )
    assert response.status_code == 302


def test_planned_then_attended_updates_last_contact(youth_a, counsellor_a):
    Youth.objects.filter(pk=youth_a.pk).update(last_contact_on=None)
    event = EventFactory(
        youth=youth_a, status=EventStatus.PLANNED, starts_at=timezone.now() - timedelta(hours=2)
    )
    services.set_event_status(by=counsellor_a, event=event, status=EventStatus.ATTENDED)
    youth_a.refresh_from_db()
    assert youth_a.last_contact_on == timezone.localtime(event.starts_at).date()


def test_last_contact_moves_forward_only_and_not_for_missed_or_planned(youth_a, counsellor_a):
    Youth.objects.filter(pk=youth_a.pk).update(last_contact_on=today())
    services.record_event(
        by=counsellor_a,
        youth=youth_a,
        kind="appointment",
        status="attended",
        starts_at=local_dt(today() - timedelta(days=20)),
    )
    services.record_event(
        by=counsellor_a,
        youth=youth_a,
        kind="appointment",
        status="planned",
        starts_at=timezone.now() + timedelta(days=3),
    )
    youth_a.refresh_from_db()
    assert youth_a.last_contact_on == today()
    Youth.objects.filter(pk=youth_a.pk).update(last_contact_on=today() - timedelta(days=30))
    services.record_event(
        by=counsellor_a,
        youth=youth_a,
        kind="appointment",
        status="missed",
        starts_at=local_dt(today() - timedelta(days=2)),
    )
    youth_a.refresh_from_db()
    assert youth_a.last_contact_on == today() - timedelta(days=30)
    services.record_event(
        by=counsellor_a,
        youth=youth_a,
        kind="message",
        status="planned",
        starts_at=local_dt(today() - timedelta(days=2)),
    )
    youth_a.refresh_from_db()
    assert youth_a.last_contact_on == today() - timedelta(days=2)
    assert Event.objects.filter(kind="message").get().status == EventStatus.ATTENDED


def test_recording_a_contact_does_not_bump_the_identity_version(youth_a, counsellor_a):
    services.record_event(
        by=counsellor_a,
        youth=youth_a,
        kind="appointment",
        status="attended",
        starts_at=local_dt(today(), 0, 0),
    )
    youth_a.refresh_from_db()
    assert youth_a.version == 1


def test_status_update_over_http(login, youth_a, counsellor_a):
    event = EventFactory(
        youth=youth_a, status=EventStatus.PLANNED, starts_at=timezone.now() - timedelta(hours=1)
    )
    response = login(counsellor_a).post(
        f"/jeunes/{youth_a.pk}/evenements/{event.pk}/statut/", {f"statut{event.pk}-status": "missed"}
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == EventStatus.MISSED


@pytest.mark.parametrize("status", ["attended", "missed"])
def test_future_events_cannot_be_attended_or_missed(youth_a, counsellor_a, status):
    event = EventFactory(youth=youth_a, planned=True)
    with pytest.raises(services.ValidationError):
        services.set_event_status(by=counsellor_a, event=event, status=status)
