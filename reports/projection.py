"""The projection of progression.progress.project(), made ready for a CSV's many rows
(RemainingPlan); the definition itself is progression.progress's."""

from __future__ import annotations

import datetime
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from decimal import Decimal
from itertools import accumulate

from progression.progress import Projection, Session, project

__all__ = ["NO_SESSIONS", "Projection", "RemainingPlan", "Session", "project"]


ZERO = Decimal("0")


class RemainingPlan:
    """A class's remaining sessions made ready for many projections: a CSV projects
    thousands of learners over the same couple of thousand classes, and project()
    walks a class's sessions for each. Here the running total of their hours is kept
    once, and each projection is two binary searches.

    `projection(...)` is project() over the sessions up to `until` (the end of the
    learner's enrolment; None: all), the same answer for every input:
    tests/reports/test_progress.py compares the two.
    """

    def __init__(self, dates: Sequence[datetime.date], hours: Sequence[Decimal]):
        self.dates = list(dates)  # in date order
        self.cumulative = list(accumulate(hours))  # exact: Decimal sums of tenths

    def projection(
        self, *, hours_trained: Decimal, allocated: Decimal, until: datetime.date | None
    ) -> Projection:
        # The sessions up to `until` are a prefix of the date-ordered list.
        count = len(self.dates) if until is None else bisect_right(self.dates, until)
        planned_hours = self.cumulative[count - 1] if count else ZERO
        if hours_trained >= allocated:
            return Projection(None, reached=True, at_risk=False, remaining_hours=planned_hours)
        # The first session whose running total reaches what is still to train, as
        # project() adds them one by one (hours_trained + total >= allocated).
        index = bisect_left(self.cumulative, allocated - hours_trained, 0, count)
        if index < count:
            return Projection(
                self.dates[index], reached=False, at_risk=False, remaining_hours=planned_hours
            )
        return Projection(None, reached=False, at_risk=True, remaining_hours=planned_hours)


NO_SESSIONS = RemainingPlan((), ())
