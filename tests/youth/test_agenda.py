from __future__ import annotations

from datetime import timedelta

from maillage.youth.models import monday_of
from maillage.youth.selectors import iso_week, parse_iso_week

from .conftest import assert_no_invalid_vars
from .factories import EventFactory, local_dt
from .helpers import today


def test_week_agenda_of_the_counsellor(login, counsellor_a, youth_a, youth_b, django_assert_max_num_queries):
    monday = monday_of(today())
    EventFactory(youth=youth_a, planned=True, starts_at=local_dt(monday + timedelta(days=1), 9, 30))
    EventFactory(youth=youth_a, planned=True, starts_at=local_dt(monday + timedelta(days=8), 11))  # next week
    EventFactory(youth=youth_b, planned=True, starts_at=local_dt(monday + timedelta(days=1), 10))  # zone B
    browser = login(counsellor_a)
    with django_assert_max_num_queries(8):
        response = browser.get("/jeunes/agenda/")
    assert_no_invalid_vars(response)
    page = response.content.decode()
    assert "Mon agenda" in page and "09:30" in page and youth_a.full_name in page
    assert youth_b.full_name not in page and "11:00" not in page
    page = browser.get("/jeunes/agenda/", {"semaine": iso_week(monday + timedelta(days=7))}).content.decode()
    assert "11:00" in page and "09:30" not in page
    assert browser.get("/jeunes/agenda/", {"semaine": "n'importe quoi"}).status_code == 200


def test_zone_manager_opens_a_counsellors_agenda_but_a_counsellor_cannot(
    login, counsellor_a, counsellor_b, zone_manager_a, youth_a
):
    EventFactory(
        youth=youth_a, planned=True, starts_at=local_dt(monday_of(today()) + timedelta(days=2), 15, 15)
    )
    page = login(zone_manager_a).get("/jeunes/agenda/", {"conseiller": counsellor_a.pk}).content.decode()
    assert "15:15" in page and f"Agenda de {counsellor_a}" in page
    page = login(counsellor_b).get("/jeunes/agenda/", {"conseiller": counsellor_a.pk}).content.decode()
    assert "Mon agenda" in page and "15:15" not in page


def test_iso_weeks():
    assert parse_iso_week("2025-W03").isoformat() == "2025-01-13"
    assert parse_iso_week("2025-W99") == monday_of(today())
    assert iso_week(parse_iso_week("2026-W01")) == "2026-W01"
