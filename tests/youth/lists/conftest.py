"""Fixtures of the list tests (caseload, search, export, import, retention, generator), beside
tests/conftest.py (personas) and tests/youth/conftest.py (counsellor_a2, zone_manager_b, cej, pacea…)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from maillage.youth.models import Youth
from tests.youth.factories import (
    ActionFactory,
    BarrierFactory,
    EnrolmentFactory,
    EventFactory,
    GoalFactory,
    NoteFactory,
    ProposalFactory,
    SituationFactory,
    YouthFactory,
    local_dt,
)
from tests.youth.helpers import today


def grow_caseload(counsellor, commune, count: int, *, cej=None, start: int = 0) -> list[Youth]:
    """`count` files for this counsellor, each with the history a caseload row and block show: past and
    planned events, a current situation, an open programme, overdue actions, a barrier, notes."""
    youths = []
    for n in range(start, start + count):
        youth = YouthFactory(
            commune=commune,
            counsellor=counsellor,
            last_name=f"Famille{n:03d}",
            first_names=f"Prénom{n:03d}",
            last_contact_on=today() - timedelta(days=7 * (n % 10)),
        )
        for days in (3, 30, 60):
            EventFactory(youth=youth, starts_at=local_dt(today() - timedelta(days=days), 10))
        EventFactory(youth=youth, planned=True, starts_at=local_dt(today(), 8 + n % 9, 0))
        SituationFactory(youth=youth, job=True, started_on=today() - timedelta(days=20))
        if cej is not None:
            EnrolmentFactory(youth=youth, programme=cej)
        goal = GoalFactory(youth=youth)
        ActionFactory(goal=goal, overdue=True)
        ActionFactory(goal=goal)
        BarrierFactory(youth=youth, domain="housing")
        ProposalFactory(youth=youth)
        NoteFactory(youth=youth)
        youths.append(youth)
    return youths


@pytest.fixture
def caseload_builder():
    return grow_caseload


@pytest.fixture
def file_a(commune_a, counsellor_a):
    """A file of zone A followed by counsellor A."""
    return YouthFactory(commune=commune_a, counsellor=counsellor_a, last_name="Martin", first_names="Louis")


@pytest.fixture
def file_b(commune_b, counsellor_b):
    """A file of zone B followed by counsellor B."""
    return YouthFactory(commune=commune_b, counsellor=counsellor_b, last_name="Durand", first_names="Léa")
