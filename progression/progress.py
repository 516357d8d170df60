"""The one definition of progress (DESIGN §2), used by the admin, every report and
every CSV. Pure functions: numbers in, numbers out.

- Progress = hours trained ÷ the LP's allocated hours. Shown capped at 100 %; the
  uncapped value feeds the excessive-hours report.
- Attendance = hours present ÷ hours trained.
- Page progress = latest completed page ÷ the LP's total pages. The latest page is
  read from the attendance rows, which belong to the classes app above this one
  (`classes.selectors.latest_page_subquery`); its callers pass it in here.

Percentages are Decimals rounded half-up to one decimal place; None when the
denominator is zero or missing (a learner with no hours has no attendance rate).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

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
