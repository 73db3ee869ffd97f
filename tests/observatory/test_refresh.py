"""The refresh engine: full and incremental refreshes, the log, the command, the task, the button."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from maillage.observatory import refresh
from maillage.observatory.enums import RefreshMode, RefreshStatus
from maillage.observatory.models import IndicatorValue, RefreshRun
from maillage.youth import models as youth
from tests.youth.factories import BarrierFactory, EventFactory, local_dt

from . import youth_data
from .youth_data import TODAY

URL = "/observatoire/actualisation/"


def snapshot():
    return sorted(
        IndicatorValue.objects.values_list(
            "month",
            "commune_id",
            "quartier_id",
            "qpv_id",
            "indicator",
            "dimension",
            "previous_month",
            "value",
            "persons",
        )
    )


def age_every_row() -> None:
    """Make every source row older than the last refresh (as if written days ago)."""
    old = timezone.now() - timedelta(days=2)
    for model in (youth.Youth, youth.Event, youth.Enrolment, youth.Situation, youth.Barrier, youth.Proposal):
        model.objects.update(updated=old)


@pytest.fixture
def refreshed(commune_a, commune_b):
    data = youth_data.build(commune_a, commune_b)
    age_every_row()
    run = refresh.refresh(mode=RefreshMode.FULL, today=TODAY)
    assert run.status == RefreshStatus.SUCCEEDED, run.error
    return data


def test_a_full_refresh_is_logged(refreshed):
    run = RefreshRun.objects.get()
    assert run.mode == RefreshMode.FULL
    assert run.since is None and run.watermark is not None
    assert run.steps_done == run.steps_total
    assert run.progress_percent == 100
    assert run.rows_written == IndicatorValue.objects.count()
    assert set(run.step_seconds) >= {"events", "files", "programmes", "proposals", "exits", "stock"}
    assert all(value is None for value in run.months.values())


def test_incremental_refresh_recomputes_only_the_touched_months(refreshed):
    before = {
        pk: (month, indicator)
        for pk, month, indicator in IndicatorValue.objects.exclude(indicator="programme_active").values_list(
            "pk", "month", "indicator"
        )
    }
    EventFactory(youth=refreshed.y3, starts_at=local_dt(date(2025, 6, 12)))
    run = refresh.refresh(today=TODAY)
    assert run.status == RefreshStatus.SUCCEEDED, run.error
    assert run.mode == RefreshMode.INCREMENTAL
    assert run.since is not None
    # The month of the new event; the intake month of its young person (first appointment).
    assert run.months["events"] == ["2025-06"]
    assert run.months["files"] == ["2024-12"]
    assert run.months["proposals"] == [] and run.months["programmes"] == []
    # Only rows of the recomputed months were deleted and rewritten; every other row is the very same row.
    kept = set(IndicatorValue.objects.filter(pk__in=list(before)).values_list("pk", flat=True))
    rewritten = {before[pk] for pk in set(before) - kept}
    assert rewritten == {
        (date(2024, 12, 1), code)
        for code in ("new_files", "first_appointment_files", "first_appointment_days")
    }
    june = IndicatorValue.objects.get(indicator="youths_accompanied", month=date(2025, 6, 1))
    assert (june.value, june.previous_month) == (1, date(2025, 1, 1))


def test_an_incremental_refresh_equals_a_full_one(refreshed):
    BarrierFactory(youth=refreshed.y2, domain="language", detail="refugee", noted_on=date(2025, 1, 1))
    EventFactory(youth=refreshed.y1, starts_at=local_dt(date(2025, 2, 14)))  # between January and March
    youth.Event.objects.filter(youth=refreshed.y2, status="missed").update(
        status="attended", updated=timezone.now()
    )
    run = refresh.refresh(today=TODAY)
    assert run.status == RefreshStatus.SUCCEEDED, run.error
    # Y1's February contact changes the "previous contact" of its March one: March is recomputed too.
    assert {"2025-02", "2025-03"} <= set(run.months["events"])
    incremental = snapshot()
    assert refresh.refresh(mode=RefreshMode.FULL, today=TODAY).status == RefreshStatus.SUCCEEDED
    assert snapshot() == incremental


def test_a_young_person_who_moves_is_recounted_in_every_month(refreshed, commune_b):
    y1 = refreshed.y1
    youth.Youth.objects.filter(pk=y1.pk).update(
        commune=commune_b, zone=commune_b.zone, updated=timezone.now()
    )
    run = refresh.refresh(today=TODAY)
    assert {"2025-01", "2025-03"} <= set(run.months["events"])
    assert not IndicatorValue.objects.filter(
        indicator="contacts", dimension="workshop", commune=y1.commune
    ).exists()
    assert IndicatorValue.objects.filter(
        indicator="contacts", dimension="workshop", commune=commune_b
    ).exists()


def test_editing_a_phone_number_recomputes_nothing(refreshed):
    youth.Youth.objects.filter(pk=refreshed.y1.pk).update(phone="+33600000000", updated=timezone.now())
    run = refresh.refresh(today=TODAY)
    assert run.months["events"] == [] and run.months["files"] == [] and run.months["exits"] == []


def test_a_new_barrier_domain_recounts_the_young_person(refreshed):
    BarrierFactory(youth=refreshed.y1, domain="language", detail="refugee", noted_on=date(2025, 1, 2))
    run = refresh.refresh(today=TODAY)
    assert run.months["events"] == ["2025-01", "2025-03"]  # Y1's contact months
    assert IndicatorValue.objects.filter(indicator="vulnerable", dimension="language:refugee").count() == 2


def test_a_changed_intake_date_recomputes_the_old_and_the_new_month(refreshed):
    youth.Youth.objects.filter(pk=refreshed.y4.pk).update(intake_on=date(2025, 4, 3), updated=timezone.now())
    run = refresh.refresh(today=TODAY)
    assert run.months["files"] == ["2025-02", "2025-04"]
    assert not IndicatorValue.objects.filter(indicator="new_files", month=date(2025, 2, 1)).exists()


def test_recent_months_are_recomputed_on_request(refreshed):
    run = refresh.refresh(mode=RefreshMode.MONTHS, months=2, today=TODAY)
    assert run.status == RefreshStatus.SUCCEEDED
    assert run.months["proposals"] == ["2025-11", "2025-12"]


def test_exits_become_observable_as_time_passes():
    later = refresh.horizon_months(date(2025, 6, 10), date(2025, 7, 20))
    # 3 months (91 days) before: March and April 2025; 6 months: December 2024 and January 2025…
    assert {date(2025, 3, 1), date(2025, 4, 1), date(2024, 12, 1), date(2025, 1, 1)} <= later
    assert date(2024, 6, 1) in later and date(2024, 7, 1) in later  # 12 months


def test_a_second_refresh_cannot_start_while_one_runs(db):
    refresh.start_run()
    with pytest.raises(refresh.RefreshBusy):
        refresh.start_run()


def test_a_stale_run_does_not_block_forever(db):
    run = refresh.start_run()
    RefreshRun.objects.filter(pk=run.pk).update(created=timezone.now() - timedelta(hours=3))
    assert refresh.start_run().pk != run.pk
    run.refresh_from_db()
    assert run.status == RefreshStatus.FAILED


def test_a_failing_step_fails_the_run_and_keeps_the_watermark(refreshed, monkeypatch):
    previous = refresh.last_success()

    def boom(months, today=None):
        raise RuntimeError("panne simulée")

    steps = tuple((key, label, boom if key == "events" else step) for key, label, step in refresh.STEPS)
    monkeypatch.setattr(refresh, "STEPS", steps)
    run = refresh.refresh(mode=RefreshMode.FULL, today=TODAY)
    assert run.status == RefreshStatus.FAILED
    assert "panne simulée" in run.error
    assert refresh.last_success() == previous


def test_the_command(refreshed, capsys):
    call_command("refresh_indicators", "--full")
    assert "Indicateurs actualisés (complète)" in capsys.readouterr().out
    call_command("refresh_indicators", "--months", "3")
    assert RefreshRun.objects.filter(mode=RefreshMode.MONTHS, months_requested=3).exists()
    with pytest.raises(CommandError):
        call_command("refresh_indicators", "--months", "0")
    call_command("refresh_indicators", "--enqueue")
    assert RefreshRun.objects.order_by("-pk").first().status == RefreshStatus.SUCCEEDED  # immediate backend


def test_the_task_through_the_button(login, director, commune_a, commune_b):
    youth_data.build(commune_a, commune_b)
    response = login(director).post(URL)
    assert response.status_code == 302
    run = RefreshRun.objects.get()
    assert run.status == RefreshStatus.SUCCEEDED
    assert run.requested_by == director
    assert run.task_result_id
    assert IndicatorValue.objects.filter(indicator="youths_accompanied").exists()
    page = login(director).get("/observatoire/")
    assert "Indicateurs calculés le" in page.content.decode()


@pytest.mark.parametrize(
    "persona",
    ["zone_manager_a", "counsellor_a", "employer_officer", "elected_official", "partner_user", "youth_user"],
)
def test_only_the_direction_and_analysts_may_refresh(request, login, persona):
    client = login(request.getfixturevalue(persona))
    assert client.post(URL).status_code == 404
    assert client.get(URL + "etat/").status_code == 404
    assert not RefreshRun.objects.exists()


@pytest.mark.parametrize("persona", ["director", "analyst", "admin_user"])
def test_the_refresh_status_fragment(request, login, persona, db):
    run = refresh.start_run()
    RefreshRun.objects.filter(pk=run.pk).update(
        status=RefreshStatus.RUNNING, steps_total=4, steps_done=1, step_label="Propositions"
    )
    response = login(request.getfixturevalue(persona)).get(URL + "etat/")
    content = response.content.decode()
    assert response.status_code == 200
    assert "étape : Propositions" in content
    assert 'value="25"' in content
    assert 'hx-trigger="every 3s"' in content


def test_the_refresh_button_needs_a_post(login, director):
    assert login(director).get(URL).status_code == 405
