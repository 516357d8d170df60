"""The one definition of progress (DESIGN §2), used by the admin, every report and
every CSV. Pure functions: numbers in, numbers out.

- Progress = hours trained ÷ the LP's allocated hours. Shown capped at 100 %; the
  uncapped value feeds the excessive-hours report.
- Attendance = hours present ÷ hours trained.
- Page progress = latest completed page ÷ the LP's total pages. The latest page is
  read from the attendance rows, which belong to the classes app above this one
  (`classes.selectors.latest_page_subquery`); its callers pass it in here.

- At risk = the class's remaining scheduled sessions (up to the end of the learner's
  enrolment) cannot bring hours trained to the allocation (`project`). Every session
  credits its scheduled hours to every learner on the roster (DESIGN §2), so the
  projection follows hours trained, not hours present.

Percentages are Decimals rounded half-up to one decimal place; None when the
denominator is zero or missing (a learner with no hours has no attendance rate).

`Percent` is the same definition written for PostgreSQL, for queries that compute it
for tens of thousands of rows at once (the report CSVs); tests/reports/test_report_text.py
compares the two over arbitrary values.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from django.db.models import DecimalField, Func

HUNDRED = Decimal("100")
ONE_PLACE = Decimal("0.1")


def percent(part, whole) -> Decimal | None:
    """part ÷ whole as a percentage, one decimal place; None without a whole."""
    if part is None or not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def progress_percent(hours_trained, allocated_hours) -> Decimal | None:
    """Uncapped: above 100 when a learner was trained beyond the LP's hours."""
    return percent(hours_trained, allocated_hours)


def progress_shown(hours_trained, allocated_hours) -> Decimal | None:
    """What people see: progress capped at 100 %."""
    value = progress_percent(hours_trained, allocated_hours)
    return None if value is None else min(value, HUNDRED.quantize(ONE_PLACE))


def attendance_percent(hours_present, hours_trained) -> Decimal | None:
    return percent(hours_present, hours_trained)


def page_percent(latest_page, total_pages) -> Decimal | None:
    return percent(latest_page, total_pages)


def overage_hours(hours_trained, allocated_hours) -> Decimal:
    """Hours trained beyond the allocation (0 when within it)."""
    return max(Decimal(hours_trained) - Decimal(allocated_hours), Decimal("0"))


class Session(Protocol):
    """What a projection reads of a planned session: its date and scheduled hours."""

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


class Percent(Func):
    """percent(part, whole) in SQL (PostgreSQL), capped at 100 with `capped` as
    progress_shown() is: part × 100 ÷ whole rounded half up (PostgreSQL rounds a
    numeric half away from zero, as ROUND_HALF_UP does) to one decimal place; NULL
    without a part or a whole, or with a zero whole.

    PostgreSQL divides to at least 16 significant digits, Python to 28: the quotient
    of two numbers of at most two decimal places below 10^8 is either a half-tenth
    exactly or at least 10^-11 away from one, so the two never round it apart.
    """

    output_field = DecimalField(max_digits=12, decimal_places=1)

    def __init__(self, part, whole, *, capped: bool = False):
        super().__init__(part, whole)
        self.capped = capped

    def as_sql(self, compiler, connection, **extra):
        part, whole = self.get_source_expressions()
        part_sql, part_params = compiler.compile(part)
        whole_sql, whole_params = compiler.compile(whole)
        value = f"round(({part_sql})::numeric * 100 / NULLIF(({whole_sql})::numeric, 0), 1)"
        if self.capped:
            # Not LEAST(): it skips a NULL, and would turn "no whole" into 100.
            value = f"CASE WHEN {value} > 100.0 THEN 100.0 ELSE {value} END"
        params = (*part_params, *whole_params)
        return value, params * 2 if self.capped else params
