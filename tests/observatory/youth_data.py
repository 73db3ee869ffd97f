"""A small hand-built set of young people whose indicators are known exactly (test_indicators.py).

Commune A (zone A, EPCI A): Y1, Y2, Y4, Y5. Commune B (zone B, EPCI B): Y3. The refresh is run "on"
TODAY, so that the 3-, 6- and 12-month outcomes do not depend on the day the tests run.

    Y1  intake 2025-01-10; appointment attended 01-15 (first: 5 days), workshop attended 01-20,
        appointment attended 03-10, appointment missed 03-20; barrier housing / precarious housing;
        CEJ from 02-01 (open); job (CDD) from 04-01 (open); proposal immersion 02-05, completed.
    Y2  intake 2025-01-20; message 01-25, appointment attended 02-03 (first: 14 days), appointment missed
        02-10, appointment excused 02-12; barrier justice / under justice; PACEA 01-25 → 03-15 (completed);
        training 03-16 → 05-01; apprenticeship contract from 05-02 (open).
    Y3  intake 2024-12-05 (commune B); appointment attended 2024-12-10 (first: 5 days), appointment attended
        2025-01-05, appointment cancelled 01-07; proposals 2025-01-06: job (refused), training (completed).
    Y4  intake 2025-02-01; no event; proposal training 02-02, still proposed.
    Y5  intake 2025-01-02; no event; training 02-01 → 03-01, then nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from maillage.youth.enums import (
    BarrierDetail,
    BarrierDomain,
    ContractType,
    EndReason,
    EnrolmentStatus,
    EventKind,
    EventStatus,
    ProposalKind,
    ProposalStatus,
    SituationKind,
)
from maillage.youth.models import Youth
from tests.youth.factories import (
    BarrierFactory,
    EnrolmentFactory,
    EventFactory,
    ProposalFactory,
    SituationFactory,
    YouthFactory,
    local_dt,
)

TODAY = date(2025, 12, 15)


@dataclass
class Dataset:
    y1: Youth
    y2: Youth
    y3: Youth
    y4: Youth
    y5: Youth


def event(youth, day, *, kind=EventKind.APPOINTMENT, status=EventStatus.ATTENDED):
    return EventFactory(youth=youth, starts_at=local_dt(day), kind=kind, status=status)


def build(commune_a, commune_b) -> Dataset:
    y1 = YouthFactory(commune=commune_a, intake_on=date(2025, 1, 10))
    event(y1, date(2025, 1, 15))
    event(y1, date(2025, 1, 20), kind=EventKind.WORKSHOP)
    event(y1, date(2025, 3, 10))
    event(y1, date(2025, 3, 20), status=EventStatus.MISSED)
    BarrierFactory(youth=y1, domain=BarrierDomain.HOUSING, detail=BarrierDetail.PRECARIOUS_HOUSING)
    EnrolmentFactory(youth=y1, cej=True, start_on=date(2025, 2, 1))
    SituationFactory(
        youth=y1, kind=SituationKind.JOB, contract_type=ContractType.CDD, started_on=date(2025, 4, 1)
    )
    ProposalFactory(
        youth=y1, kind=ProposalKind.IMMERSION, proposed_on=date(2025, 2, 5), status=ProposalStatus.COMPLETED
    )

    y2 = YouthFactory(commune=commune_a, intake_on=date(2025, 1, 20))
    event(y2, date(2025, 1, 25), kind=EventKind.MESSAGE)
    event(y2, date(2025, 2, 3))
    event(y2, date(2025, 2, 10), status=EventStatus.MISSED)
    event(y2, date(2025, 2, 12), status=EventStatus.EXCUSED)
    BarrierFactory(youth=y2, domain=BarrierDomain.JUSTICE, detail=BarrierDetail.UNDER_JUSTICE)
    EnrolmentFactory(
        youth=y2,
        pacea=True,
        start_on=date(2025, 1, 25),
        ended_on=date(2025, 3, 15),
        status=EnrolmentStatus.COMPLETED,
        end_reason=EndReason.TRAINING,
    )
    SituationFactory(
        youth=y2, kind=SituationKind.TRAINING, started_on=date(2025, 3, 16), ended_on=date(2025, 5, 1)
    )
    SituationFactory(
        youth=y2,
        kind=SituationKind.JOB,
        contract_type=ContractType.APPRENTICESHIP,
        started_on=date(2025, 5, 2),
    )

    y3 = YouthFactory(commune=commune_b, intake_on=date(2024, 12, 5))
    event(y3, date(2024, 12, 10))
    event(y3, date(2025, 1, 5))
    event(y3, date(2025, 1, 7), status=EventStatus.CANCELLED)
    ProposalFactory(
        youth=y3, kind=ProposalKind.JOB, proposed_on=date(2025, 1, 6), status=ProposalStatus.REFUSED
    )
    ProposalFactory(
        youth=y3, kind=ProposalKind.TRAINING, proposed_on=date(2025, 1, 6), status=ProposalStatus.COMPLETED
    )

    y4 = YouthFactory(commune=commune_a, intake_on=date(2025, 2, 1))
    ProposalFactory(youth=y4, kind=ProposalKind.TRAINING, proposed_on=date(2025, 2, 2))

    y5 = YouthFactory(commune=commune_a, intake_on=date(2025, 1, 2))
    SituationFactory(
        youth=y5, kind=SituationKind.TRAINING, started_on=date(2025, 2, 1), ended_on=date(2025, 3, 1)
    )
    return Dataset(y1, y2, y3, y4, y5)
