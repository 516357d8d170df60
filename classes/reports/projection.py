"""When a learner will reach their programme's hours at the class's current schedule.

Pure: numbers and planned sessions in, a projection out. Every session credits its
scheduled hours to every learner on the roster (DESIGN §2), so the projection follows
hours trained, not hours present.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol


class Session(Protocol):
    """What a projection reads of a planned session (classes.schedule.PlannedSession,
    classes.stored_plan.RemainingSession)."""

    @property
    def date(self) -> datetime.date: ...

    @property
    def hours(self) -> Decimal: ...


@dataclass(frozen=True)
class Projection:
    # The date of the planned session at which hours trained reach the allocation;
    # None when they already have, or when the remaining sessions cannot get there.
    completion: datetime.date | None
    reached: bool  # the allocation is already trained
    at_risk: bool  # the remaining scheduled sessions cannot reach the allocation
    remaining_hours: Decimal  # the hours those sessions would add


def project(
    *, hours_trained: Decimal, allocated: Decimal, remaining: Sequence[Session]
) -> Projection:
    """`remaining`: the class's sessions still to come, in date order (unblocked)."""
    planned_hours = sum((session.hours for session in remaining), Decimal("0"))
    if hours_trained >= allocated:
        return Projection(None, reached=True, at_risk=False, remaining_hours=planned_hours)
    cumulative = Decimal(hours_trained)
    for session in remaining:
        cumulative += session.hours
        if cumulative >= allocated:
            return Projection(
                session.date, reached=False, at_risk=False, remaining_hours=planned_hours
            )
    return Projection(None, reached=False, at_risk=True, remaining_hours=planned_hours)
