"""The stored plan's rows (table class_planned_sessions) to and from the schedule
engine's `PlannedSession`s. Pure functions: no database.

The engine (classes.schedule) stays the one definition of which dates a class meets
on; a stored row is one of its `PlannedSession`s written down: the date, the day's
slots as text, their hours and the blocked reason.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from classes.schedule import PlannedSession, Slot

SLOT_SEPARATOR = ", "
TIME_SEPARATOR = "-"


def slots_text(slots: Iterable[Slot]) -> str:
    """ "09:00-12:00, 13:30-15:00": the day's slots in order, as ops read them in psql."""
    return SLOT_SEPARATOR.join(
        f"{slot.start:%H:%M}{TIME_SEPARATOR}{slot.end:%H:%M}" for slot in slots
    )


def parse_slots(text: str, weekday: int) -> tuple[Slot, ...]:
    """The slots of `slots_text`, back (the weekday is the session date's)."""
    slots = []
    for part in text.split(SLOT_SEPARATOR):
        start, end = part.split(TIME_SEPARATOR)
        slots.append(
            Slot(weekday, datetime.time.fromisoformat(start), datetime.time.fromisoformat(end))
        )
    return tuple(slots)


@dataclass(frozen=True)
class PlanRow:
    """One row of class_planned_sessions, as written and as compared (check_plans)."""

    session_date: datetime.date
    slots: str
    scheduled_hours: Decimal
    blocked_reason: str  # empty: not blocked (the column is NOT NULL, '' by default)

    def planned(self) -> PlannedSession:
        return PlannedSession(
            self.session_date,
            parse_slots(self.slots, self.session_date.weekday()),
            self.blocked_reason or None,
        )


def plan_rows(planned: Iterable[PlannedSession]) -> list[PlanRow]:
    """The rows that store the engine's sessions."""
    return [
        PlanRow(
            session_date=session.date,
            slots=slots_text(session.slots),
            # numeric(5,1): the hours of half-hour slots are exact at one place.
            scheduled_hours=session.hours.quantize(Decimal("0.1")),
            blocked_reason=session.blocked_reason or "",
        )
        for session in planned
    ]
