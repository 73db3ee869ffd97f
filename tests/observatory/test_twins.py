"""Statistical twins: anonymising a file (the retention job) leaves every indicator unchanged."""

from __future__ import annotations

from maillage.observatory import refresh
from maillage.observatory.enums import RefreshMode, RefreshStatus
from maillage.observatory.models import IndicatorValue
from maillage.youth import retention
from maillage.youth.enums import YouthStatus
from maillage.youth.models import Youth

from . import youth_data
from .test_refresh import age_every_row
from .youth_data import TODAY


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


def test_indicators_survive_anonymisation(commune_a, commune_b):
    data = youth_data.build(commune_a, commune_b)
    age_every_row()
    assert refresh.refresh(mode=RefreshMode.FULL, today=TODAY).status == RefreshStatus.SUCCEEDED
    before = snapshot()
    assert before

    anonymised = retention.anonymise_youths([data.y1.pk, data.y2.pk, data.y3.pk], reason="test")
    assert anonymised == 3
    y1 = Youth.objects.get(pk=data.y1.pk)
    assert y1.status == YouthStatus.ANONYMISED and y1.last_name == retention.ANONYMOUS_NAME
    assert y1.birth_date.day == 1  # the day of birth is gone; nothing the indicators read is

    # Incremental: the anonymised files were written, but nothing the indicators read changed: nothing to
    # recompute, and the figures are the same.
    run = refresh.refresh(today=TODAY)
    assert run.status == RefreshStatus.SUCCEEDED, run.error
    assert run.months["events"] == [] and run.months["files"] == []
    assert snapshot() == before
    assert refresh.refresh(mode=RefreshMode.FULL, today=TODAY).status == RefreshStatus.SUCCEEDED
    assert snapshot() == before
