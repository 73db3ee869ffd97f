"""Immersion hours count as CEJ activity: a source for the youth app's weekly hours registry
(`maillage.youth.hours.register_hours_source`, registered in EmployersConfig.ready()).

An immersion that is planned or completed (not cancelled) counts its weekly hours pro rata of the weekdays
(Monday to Friday) it covers in each week, as the youth app counts training situations. One query for any
number of young people and weeks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import date, timedelta
from decimal import Decimal

from .enums import ImmersionStatus
from .models import Immersion


class ImmersionHoursSource:
    key = "immersions"
    label = "Immersions en entreprise (PMSMP)"

    def hours_by_week(
        self, *, youth_ids: Collection[int], first_monday: date, last_monday: date
    ) -> dict[tuple[int, date], Decimal]:
        last_friday = last_monday + timedelta(days=4)
        rows = (
            Immersion.objects.filter(
                youth_id__in=list(youth_ids), starts_on__lte=last_friday, ends_on__gte=first_monday
            )
            .exclude(status=ImmersionStatus.CANCELLED)
            .values_list("youth_id", "starts_on", "ends_on", "weekly_hours")
        )
        result: dict[tuple[int, date], Decimal] = defaultdict(lambda: Decimal(0))
        for youth_id, starts_on, ends_on, weekly_hours in rows:
            monday = max(first_monday, starts_on - timedelta(days=starts_on.weekday()))
            while monday <= last_monday and monday <= ends_on:
                days = sum(
                    1 for offset in range(5) if starts_on <= monday + timedelta(days=offset) <= ends_on
                )
                if days:
                    result[(youth_id, monday)] += weekly_hours * days / 5
                monday += timedelta(days=7)
        return result
