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


# The same projection as project(), computed by the database for every row of a CSV
# at once (a CSV batch reading each class's remaining sessions back into Python cost
# more than the rest of the CSV; bench/HISTORY.md, issue 10). For a progression row of
# learner_lp_tracking: the date of the remaining session (planned, not blocked, not
# recorded, today or later, not after the learner's enrolment in the class ends) at
# which the hours trained reach the programme's allocation; NULL when they cannot
# (at risk) or the progression is not in progress. "Reached" (hours trained already at
# the allocation) is decided beside it, as project() does first.
# tests/reports/test_progress.py compares the two.
COMPLETION_SQL = """
CASE WHEN "learner_lp_tracking"."status" = 'in_progress' THEN (
    SELECT r.session_date FROM (
        SELECT p.session_date,
               SUM(p.scheduled_hours) OVER (ORDER BY p.session_date) AS cumulative
        FROM class_planned_sessions p
        WHERE p.class_id = "learner_lp_tracking"."class_id"
          AND p.blocked_reason = '' AND NOT p.recorded AND p.session_date >= %s
          AND p.session_date <= COALESCE((
              SELECT e.end_date FROM class_enrolments e
              WHERE e.learner_id = "learner_lp_tracking"."learner_id"
                AND e.class_id = "learner_lp_tracking"."class_id"
          ), %s)
    ) r
    WHERE r.cumulative >= (
        SELECT lp.subject_duration FROM class_type_subjects lp
        WHERE lp.id = "learner_lp_tracking"."class_type_subject_id"
    ) - "learner_lp_tracking"."hours_trained"
    ORDER BY r.session_date
    LIMIT 1
) END"""
NO_END = datetime.date(9999, 12, 31)


def completion_sql(*, today: datetime.date) -> tuple[str, list]:
    """COMPLETION_SQL and its parameters, for RawSQL on a progressions queryset."""
    return COMPLETION_SQL, [today, NO_END]
