"""Attendance per week, per progression, for the trend pictures.

From the hours log (the ledger the totals are sums of), so a corrected or voided
session changes the trend as it changes the totals. Percentages come from
progression.progress, like every other number on the reports.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.db.models.functions import TruncWeek

from progression.models import HoursLog
from progression.progress import attendance_percent

TREND_WEEKS = 8


@dataclass(frozen=True)
class WeekAttendance:
    week: datetime.date  # the Monday
    percent: Decimal | None  # None: no hours trained that week (no session held)


def monday_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def weekly_attendance(
    progression_ids: Iterable[int],
    *,
    today: datetime.date,
    using: str,
    weeks: int = TREND_WEEKS,
) -> dict[int, list[WeekAttendance]]:
    """For each progression, the last `weeks` weeks up to this one, oldest first.

    One query for all the progressions, summed per week in the database.
    """
    ids = list(progression_ids)
    mondays = [monday_of(today) - datetime.timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    sums: dict[tuple[int, datetime.date], tuple[Decimal, Decimal]] = {}
    if ids:
        rows = (
            HoursLog.objects.using(using)
            .filter(progression_id__in=ids, log_date__gte=mondays[0], log_date__lte=today)
            .annotate(week=TruncWeek("log_date"))
            .values("progression_id", "week")
            .annotate(trained=Sum("hours_trained"), present=Sum("hours_present"))
            .order_by()
        )
        for row in rows:
            week = row["week"]
            week = week.date() if isinstance(week, datetime.datetime) else week
            sums[(row["progression_id"], week)] = (row["trained"], row["present"])
    trends = {}
    for pk in ids:
        series = []
        for monday in mondays:
            trained, present = sums.get((pk, monday), (None, None))
            series.append(WeekAttendance(monday, attendance_percent(present, trained)))
        trends[pk] = series
    return trends
