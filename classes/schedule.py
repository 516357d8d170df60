"""The schedule engine: from a class's schedule, the dates it meets.

Pure functions, no database: a `ScheduleSpec` (built from the schedule tables by
`classes.selectors.schedule_spec`) goes in, `PlannedSession`s come out. Every rule
about which dates are sessions and which of them are blocked lives here.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

import holidays

WEEKLY, BIWEEKLY, MONTHLY = "weekly", "biweekly", "monthly"
# A schedule that ends by total hours and never reaches them (say every date is
# blocked) stops being expanded after this long.
MAX_SPAN = datetime.timedelta(days=366 * 5)
ONE_DAY = datetime.timedelta(days=1)

EXCEPTION_REASON = "{reason}"
PAUSE_REASON = "Class paused: {reason}"
PAUSE_REASON_BARE = "Class paused"


@dataclass(frozen=True)
class Slot:
    weekday: int  # Monday = 0, as datetime.date.weekday()
    start: datetime.time
    end: datetime.time

    @property
    def hours(self) -> Decimal:
        minutes = (self.end.hour * 60 + self.end.minute) - (
            self.start.hour * 60 + self.start.minute
        )
        return Decimal(minutes) / 60


@dataclass(frozen=True)
class Pause:
    start: datetime.date  # the first day without sessions
    resume: datetime.date  # the first day with sessions again
    reason: str = ""


@dataclass(frozen=True)
class ScheduleSpec:
    pattern: str
    start_date: datetime.date
    slots: tuple[Slot, ...]
    end_date: datetime.date | None = None
    total_hours: Decimal | None = None
    day_of_month: int | None = None
    exceptions: dict[datetime.date, str] = field(default_factory=dict)
    pauses: tuple[Pause, ...] = ()
    holiday_overrides: frozenset[datetime.date] = frozenset()
    # A stopped class has no sessions after its stop date.
    stop_date: datetime.date | None = None


@dataclass(frozen=True)
class PlannedSession:
    date: datetime.date
    slots: tuple[Slot, ...]
    blocked_reason: str | None = None

    @property
    def weekday(self) -> int:
        return self.date.weekday()

    @property
    def hours(self) -> Decimal:
        return sum((slot.hours for slot in self.slots), Decimal("0"))

    @property
    def start(self) -> datetime.time:
        return self.slots[0].start

    @property
    def end(self) -> datetime.time:
        return self.slots[-1].end

    @property
    def blocked(self) -> bool:
        return self.blocked_reason is not None


@cache
def _south_african_holidays(year: int) -> dict[datetime.date, str]:
    # The holidays package applies the Public Holidays Act: Easter-based dates and
    # a Sunday holiday observed on the Monday ("... (observed)").
    return dict(holidays.country_holidays("ZA", years=year))


def public_holiday(day: datetime.date) -> str | None:
    """The name of the South African public holiday on `day`, if it is one."""
    return _south_african_holidays(day.year).get(day)


def blocked_reason(spec: ScheduleSpec, day: datetime.date) -> str | None:
    """Why no session can be held on `day`, or None: exception, pause, public holiday."""
    if day in spec.exceptions:
        return EXCEPTION_REASON.format(reason=spec.exceptions[day])
    for pause in spec.pauses:
        if pause.start <= day < pause.resume:
            return PAUSE_REASON.format(reason=pause.reason) if pause.reason else PAUSE_REASON_BARE
    if day not in spec.holiday_overrides:
        return public_holiday(day)
    return None


def _slots_by_weekday(spec: ScheduleSpec) -> dict[int, tuple[Slot, ...]]:
    by_day: dict[int, list[Slot]] = {}
    for slot in sorted(spec.slots, key=lambda s: (s.weekday, s.start)):
        by_day.setdefault(slot.weekday, []).append(slot)
    return {day: tuple(slots) for day, slots in by_day.items()}


def _monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def _monthly_dates(spec: ScheduleSpec, weekdays: set[int]) -> Iterator[datetime.date]:
    """One date a month: the first taught weekday on or after the day of the month.

    The day is clamped to short months (31 → 30 or 28/29). With Saturday slots and
    day 1 this is "the first Saturday of every month".
    """
    year, month = spec.start_date.year, spec.start_date.month
    while True:
        last = calendar.monthrange(year, month)[1]
        anchor = datetime.date(year, month, min(spec.day_of_month or 1, last))
        for offset in range(7):
            day = anchor + datetime.timedelta(days=offset)
            if day.weekday() in weekdays:
                yield day
                break
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _candidate_dates(spec: ScheduleSpec, weekdays: set[int]) -> Iterator[datetime.date]:
    """Every date the pattern meets on, from the start date on (unbounded)."""
    if spec.pattern == MONTHLY:
        for day in _monthly_dates(spec, weekdays):
            if day >= spec.start_date:
                yield day
        return
    start_week = _monday(spec.start_date)
    day = spec.start_date
    while True:
        weeks_since_start = (_monday(day) - start_week).days // 7
        if day.weekday() in weekdays and (spec.pattern != BIWEEKLY or weeks_since_start % 2 == 0):
            yield day
        day += ONE_DAY


def expand(spec: ScheduleSpec) -> list[PlannedSession]:
    """All sessions of the schedule, blocked ones included (with their reason).

    The schedule ends on its end date; without one, on the session that completes
    its total hours (blocked sessions do not count). A stopped class ends on its stop
    date at the latest.
    """
    by_weekday = _slots_by_weekday(spec)
    if not by_weekday:
        return []
    last_day = spec.end_date or spec.start_date + MAX_SPAN
    if spec.stop_date is not None:
        last_day = min(last_day, spec.stop_date)
    sessions = []
    hours_so_far = Decimal("0")
    for day in _candidate_dates(spec, set(by_weekday)):
        if day > last_day:
            break
        session = PlannedSession(day, by_weekday[day.weekday()], blocked_reason(spec, day))
        sessions.append(session)
        if spec.end_date is None and spec.total_hours is not None and not session.blocked:
            hours_so_far += session.hours
            if hours_so_far >= spec.total_hours:
                break
    return sessions


def session_on(spec: ScheduleSpec, day: datetime.date) -> PlannedSession | None:
    """The session the schedule has on `day`, or None when it does not meet then."""
    for session in expand(spec):
        if session.date == day:
            return session
        if session.date > day:
            break
    return None


def end_date(spec: ScheduleSpec) -> datetime.date | None:
    """The last session date (the computed end when the schedule ends by hours)."""
    sessions = expand(spec)
    return sessions[-1].date if sessions else None
