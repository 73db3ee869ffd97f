"""Indicator values on a small hand-built dataset (youth_data.py), with exact expected numbers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from maillage.observatory import refresh
from maillage.observatory.dashboard import Summary, distinct_over
from maillage.observatory.enums import RefreshMode, RefreshStatus
from maillage.observatory.models import IndicatorValue
from maillage.observatory.publication import Figure

from . import youth_data
from .youth_data import TODAY

JAN, FEB, MAR, APR, MAY = (date(2025, m, 1) for m in (1, 2, 3, 4, 5))
DEC_2024 = date(2024, 12, 1)


@pytest.fixture
def dataset(commune_a, commune_b):
    data = youth_data.build(commune_a, commune_b)
    run = refresh.refresh(mode=RefreshMode.FULL, today=TODAY)
    assert run.status == RefreshStatus.SUCCEEDED, run.error
    return data


def monthly(code: str, commune, dimension: str = "") -> dict[date, int]:
    rows = IndicatorValue.objects.filter(indicator=code, commune=commune, dimension=dimension)
    result: dict[date, int] = {}
    for month, value in rows.values_list("month", "value"):
        result[month] = result.get(month, 0) + value
    return result


def period(commune, start, end, *codes) -> dict[tuple[str, str], Figure]:
    figures = Summary([commune.pk], start, end, last_month=date(2025, 12, 1)).figures(list(codes))
    return {(code, dim): figure for (_, code, dim), figure in figures.items()}


def test_young_people_accompanied_by_month(dataset, commune_a, commune_b):
    assert monthly("youths_accompanied", commune_a) == {JAN: 2, FEB: 1, MAR: 1}
    assert monthly("youths_accompanied", commune_b) == {DEC_2024: 1, JAN: 1}


def test_young_people_accompanied_over_a_period_are_counted_once(dataset, commune_a, commune_b):
    # Y1 (January, March) and Y2 (January, February): 4 person-months, 2 young people.
    assert distinct_over([commune_a.pk], [(JAN, MAR)], "youths_accompanied") == [2]
    assert distinct_over([commune_a.pk], [(FEB, MAR)], "youths_accompanied") == [2]
    assert distinct_over([commune_a.pk], [(MAR, MAY)], "youths_accompanied") == [1]
    assert distinct_over([commune_b.pk], [(DEC_2024, JAN)], "youths_accompanied") == [1]
    assert distinct_over(None, [(DEC_2024, MAR)], "youths_accompanied") == [3]
    assert period(commune_a, JAN, MAR, "youths_accompanied")["youths_accompanied", ""] == Figure(2, 2)


def test_the_previous_contact_month_is_stored(dataset, commune_a):
    rows = set(
        IndicatorValue.objects.filter(indicator="youths_accompanied", commune=commune_a).values_list(
            "month", "previous_month", "value"
        )
    )
    assert rows == {(JAN, None, 2), (FEB, JAN, 1), (MAR, JAN, 1)}


def test_new_files_and_first_appointment_delay(dataset, commune_a, commune_b):
    assert monthly("new_files", commune_a) == {JAN: 3, FEB: 1}
    assert monthly("new_files", commune_b) == {DEC_2024: 1}
    figures = period(commune_a, JAN, JAN, "first_appointment_files", "first_appointment_days")
    # Y1: 10 → 15 January (5 days); Y2: 20 January → 3 February (14 days); Y5 has had no appointment.
    assert figures["first_appointment_files", ""] == Figure(2, 2)
    assert figures["first_appointment_days", ""].value == 19  # mean 9.5 days
    assert monthly("first_appointment_days", commune_b) == {DEC_2024: 5}


def test_appointments_and_no_show_rate(dataset, commune_a, commune_b):
    assert monthly("appointments_attended", commune_a) == {JAN: 1, FEB: 1, MAR: 1}
    assert monthly("appointments_missed", commune_a) == {FEB: 1, MAR: 1}
    assert monthly("appointments_attended", commune_b) == {DEC_2024: 1, JAN: 1}
    figures = period(commune_a, JAN, MAR, "appointments_attended", "appointments_missed")
    attended, missed = figures["appointments_attended", ""], figures["appointments_missed", ""]
    assert (attended.value, missed.value) == (3, 2)  # no-show rate 2 / 5 = 40 %
    # Over several months the number of young people is a lower bound (the largest month).
    assert attended.persons == 1


def test_contacts_by_kind(dataset, commune_a, commune_b):
    assert monthly("contacts", commune_a, "appointment") == {JAN: 1, FEB: 1, MAR: 1}
    assert monthly("contacts", commune_a, "workshop") == {JAN: 1}
    assert monthly("contacts", commune_a, "message") == {JAN: 1}
    assert monthly("contacts", commune_b, "appointment") == {DEC_2024: 1, JAN: 1}  # the cancelled one is not


def test_programmes(dataset, commune_a):
    assert monthly("programme_entries", commune_a, "cej") == {FEB: 1}
    assert monthly("programme_entries", commune_a, "pacea") == {JAN: 1}
    assert monthly("programme_exits", commune_a, "pacea") == {MAR: 1}
    assert monthly("programme_active", commune_a, "pacea") == {JAN: 1, FEB: 1}
    active_cej = monthly("programme_active", commune_a, "cej")
    assert active_cej[FEB] == active_cej[date(2025, 12, 1)] == 1
    assert len(active_cej) == 11  # February to December 2025 (the refresh's month)
    figures = period(commune_a, JAN, MAR, "programme_active")
    assert figures == {("programme_active", "cej"): Figure(1, 1)}  # at the end of March


def test_proposals_and_outcomes(dataset, commune_a, commune_b):
    assert monthly("proposals", commune_b, "job") == {JAN: 1}
    assert monthly("proposals", commune_b, "training") == {JAN: 1}
    assert monthly("proposals", commune_a, "training") == {FEB: 1}
    assert monthly("proposals", commune_a, "immersion") == {FEB: 1}
    assert monthly("proposal_outcomes", commune_b, "refused") == {JAN: 1}
    assert monthly("proposal_outcomes", commune_b, "completed") == {JAN: 1}
    assert monthly("proposal_outcomes", commune_a, "proposed") == {FEB: 1}
    assert monthly("proposal_outcomes", commune_a, "completed") == {FEB: 1}


def test_exits_and_their_outcomes(dataset, commune_a):
    assert monthly("exits", commune_a, "training") == {FEB: 1, MAR: 1}  # Y5, Y2
    assert monthly("exits", commune_a, "job") == {APR: 1}  # Y1
    assert monthly("exits", commune_a, "apprenticeship") == {MAY: 1}  # Y2
    # Three months after: Y2 (in apprenticeship), Y1 (still in job), Y2 again (apprenticeship): in place;
    # Y5 (training ended, nothing since): not.
    assert monthly("exits_positive_3m", commune_a, "training") == {MAR: 1}
    assert monthly("exits_negative_3m", commune_a, "training") == {FEB: 1}
    assert monthly("exits_positive_3m", commune_a, "job") == {APR: 1}
    assert monthly("exits_positive_6m", commune_a, "apprenticeship") == {MAY: 1}
    # Twelve months after the exits of 2025: not yet observable on 15 December 2025.
    assert monthly("exits_positive_12m", commune_a, "job") == {}
    assert monthly("exits_negative_12m", commune_a, "training") == {}


def test_vulnerable_publics(dataset, commune_a, commune_b):
    assert monthly("vulnerable", commune_a, "housing") == {JAN: 1, MAR: 1}
    assert monthly("vulnerable", commune_a, "housing:precarious_housing") == {JAN: 1, MAR: 1}
    assert monthly("vulnerable", commune_a, "justice") == {JAN: 1, FEB: 1}
    figures = period(commune_a, JAN, MAR, "vulnerable")
    assert figures["vulnerable", "housing"] == Figure(1, 1)
    assert figures["vulnerable", "justice"] == Figure(1, 1)
    assert ("vulnerable", "language:refugee") not in figures
    assert monthly("vulnerable", commune_b, "housing") == {}


def test_larger_territories_are_sums_of_communes(dataset, commune_a, commune_b):
    both = Summary([commune_a.pk, commune_b.pk], JAN, JAN, last_month=date(2025, 12, 1)).figures(
        ["youths_accompanied", "new_files"]
    )
    assert sum(f.value for (_, code, _), f in both.items() if code == "youths_accompanied") == 3
    assert sum(f.value for (_, code, _), f in both.items() if code == "new_files") == 3


def test_a_second_full_refresh_gives_the_same_rows(dataset):
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

    before = snapshot()
    assert refresh.refresh(mode=RefreshMode.FULL, today=TODAY).status == RefreshStatus.SUCCEEDED
    assert snapshot() == before
    assert Decimal(19) / 2 == Decimal("9.5")
