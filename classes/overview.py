"""What the attendance pages show about a class's sessions: state, summary, month grid.

Pure functions over the schedule engine's output and the recorded session rows.
Whether a session may be recorded (`can_record`) is the capture service's one rule,
`recording_refusal`, asked here with what the page loaded; the service asks it again.
"""

from __future__ import annotations

import calendar
import datetime
from collections import Counter
from dataclasses import dataclass

from classes.models import AttendanceSession, Class
from classes.schedule import PlannedSession
from classes.services.capture import recording_refusal

Status = AttendanceSession.Status

CAPTURED = Status.CAPTURED
CLIENT_CANCELLED = Status.CLIENT_CANCELLED
AGENT_ABSENT = Status.AGENT_ABSENT
BLOCKED = "blocked"
WAITING = "waiting"
UPCOMING = "upcoming"
CLOSED = "closed"  # pending, but the class is not active

STATE_LABELS = {
    CAPTURED: "Captured",
    CLIENT_CANCELLED: "Client cancelled",
    AGENT_ABSENT: "Facilitator absent",
    BLOCKED: "No session",
    WAITING: "To capture",
    UPCOMING: "Upcoming",
    CLOSED: "Not recordable",
}


@dataclass(frozen=True)
class SessionView:
    date: datetime.date
    planned: PlannedSession | None
    row: AttendanceSession | None
    state: str
    can_record: bool

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def reason(self) -> str | None:
        return self.planned.blocked_reason if self.planned else None

    @property
    def hours(self):
        if self.row is not None:
            return self.row.scheduled_hours
        return self.planned.hours if self.planned else None


@dataclass(frozen=True)
class Summary:
    scheduled: int
    captured: int
    exceptions: int
    waiting: int
    upcoming: int
    blocked: int


def session_views(
    klass: Class,
    planned: list[PlannedSession],
    rows: dict[datetime.date, AttendanceSession],
    today: datetime.date,
) -> list[SessionView]:
    """Every session of the class, planned or recorded, in date order."""
    recordable_class = klass.status in (Class.Status.ACTIVE, Class.Status.STOPPED)
    planned_by_date = {p.date: p for p in planned}
    views = []
    # Recorded rows whose date the schedule no longer produces are shown too: their
    # hours count, whatever the schedule says today.
    for day in sorted(planned_by_date.keys() | rows.keys()):
        plan, row = planned_by_date.get(day), rows.get(day)
        if row is not None and row.status != Status.PENDING:
            state = row.status
        elif plan is None:
            continue  # a pending row for a date no longer scheduled: nothing to do
        elif plan.blocked:
            state = BLOCKED
        elif day > today:
            state = UPCOMING
        elif not recordable_class:
            state = CLOSED
        else:
            state = WAITING
        can_record = plan is not None and (
            recording_refusal(
                klass=klass,
                session_date=day,
                planned=plan,
                has_schedule=True,
                today=today,
                row=row,
            )
            is None
        )
        views.append(SessionView(day, plan, row, state, can_record=can_record))
    return views


def summarize(views: list[SessionView]) -> Summary:
    counts = Counter(v.state for v in views)
    return Summary(
        scheduled=sum(1 for v in views if v.state != BLOCKED),
        captured=counts[CAPTURED],
        exceptions=counts[CLIENT_CANCELLED] + counts[AGENT_ABSENT],
        waiting=counts[WAITING],
        upcoming=counts[UPCOMING],
        blocked=counts[BLOCKED],
    )


@dataclass(frozen=True)
class CalendarDay:
    date: datetime.date
    in_month: bool
    session: SessionView | None


def month_grid(views: list[SessionView], year: int, month: int) -> list[list[CalendarDay]]:
    """Weeks (Monday first) of the month, each day with its session if any."""
    by_date = {v.date: v for v in views}
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    return [[CalendarDay(d, d.month == month, by_date.get(d)) for d in week] for week in weeks]


def parse_month(value: str | None, default: datetime.date) -> tuple[int, int]:
    """`YYYY-MM` from the query string; anything else means the default's month."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        datetime.date(year, month, 1)
    except ValueError:
        return default.year, default.month
    if not 2000 <= year <= 2100:
        return default.year, default.month
    return year, month


def shift_month(year: int, month: int, by: int) -> datetime.date:
    """The first day of the month `by` months from year-month."""
    index = year * 12 + (month - 1) + by
    return datetime.date(index // 12, index % 12 + 1, 1)
