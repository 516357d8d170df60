"""One seeded class: its schedule, learners, sessions, attendance and hours-log rows.

Dates come from the real schedule engine (`classes.schedule.expand`), so every
session row is on a date the class's schedule produces and is not blocked.
Hours are counted in half hours (ints) here: exact, and cheap at a million rows.
"""

from __future__ import annotations

import datetime
import math
import zoneinfo
from dataclasses import dataclass, field

from classes.plan import plan_rows
from classes.schedule import ScheduleSpec, Slot, expand

SAST = zoneinfo.ZoneInfo("Africa/Johannesburg")
ONE_SLOT = (("09:00", "12:00"),)  # 3 hours
TWO_SLOTS = (("08:00", "10:00"), ("10:30", "12:30"))  # 4 hours, around a tea break
EXCEPTION_REASONS = ["Client stocktake", "Site closed for maintenance", "Year-end shutdown"]
CANCEL_NOTES = ["", "", "Client closed the plant for a safety day", "Learners on shift change"]


def half_hours(h2: int) -> str:
    """Half hours as the decimal text PostgreSQL reads (5 → "2.5")."""
    sign = "-" if h2 < 0 else ""
    h2 = abs(h2)
    return f"{sign}{h2 // 2}.{5 if h2 % 2 else 0}"


def captured_at(day: datetime.date) -> datetime.datetime:
    # Facilitators capture in the afternoon after the morning session.
    return datetime.datetime.combine(day, datetime.time(15, 0), tzinfo=SAST)


@dataclass
class Enrolled:
    """One learner's place in a seeded class, and what their progression adds up to."""

    learner_id: int
    progression_id: int
    first: int  # index of the first session on their roster
    last: int  # index of the last recorded session on it (inclusive)
    open: bool  # still enrolled: also on the class's pending (unrecorded) sessions
    page: int = 0
    trained: int = 0  # half hours
    present: int = 0


@dataclass
class ClassPlan:
    index: int
    code: str
    programme: tuple[int, int, int]  # id, total pages, class type id
    facilitator_id: int
    stopped: bool
    weekdays: list[int]
    pattern: str
    slots: tuple[tuple[str, str], ...]
    recorded: int  # sessions with a row
    pending: int  # later sessions left to capture (load test, capture pages)
    learners: int
    window: int  # sessions a learner stays (one LP's worth)
    dates: list[datetime.date] = field(default_factory=list)
    exceptions: dict[datetime.date, str] = field(default_factory=dict)
    start: datetime.date | None = None
    end: datetime.date | None = None
    class_id: int = 0

    @property
    def h2(self) -> int:
        return 6 if self.slots == ONE_SLOT else 8

    def spec(self) -> ScheduleSpec:
        assert self.start is not None, "plan_dates first"
        return ScheduleSpec(
            pattern=self.pattern,
            start_date=self.start,
            end_date=self.end,
            slots=tuple(
                Slot(day, datetime.time.fromisoformat(a), datetime.time.fromisoformat(b))
                for day in self.weekdays
                for a, b in self.slots
            ),
            exceptions=self.exceptions,
            stop_date=self.dates[-1] if self.stopped and self.dates else None,
        )


def plan_dates(plan: ClassPlan, rng, last_day: datetime.date) -> None:
    """The class's session dates up to `last_day`: `recorded + pending` open dates,
    two planned exceptions among them, and a start date on the first of them."""
    needed = plan.recorded + plan.pending
    per_week = len(plan.weekdays) * (0.5 if plan.pattern == "biweekly" else 1)
    weeks = math.ceil(needed / per_week * 1.1) + 6
    while True:
        plan.start, plan.end = last_day - datetime.timedelta(weeks=weeks), last_day
        candidates = [p.date for p in expand(plan.spec()) if not p.blocked]
        if len(candidates) >= needed + 3:
            break
        weeks += 12
    candidates = candidates[-(needed + 2) :]
    for day in rng.sample(candidates[1:], 2):
        plan.exceptions[day] = rng.choice(EXCEPTION_REASONS)
    plan.dates = [day for day in candidates if day not in plan.exceptions]
    plan.start = plan.dates[0]
    # Active classes go on meeting after today; a stopped class ends on its stop date.
    plan.end = last_day + datetime.timedelta(days=rng.randint(60, 300))
    produced = [p.date for p in expand(plan.spec()) if not p.blocked and p.date <= last_day]
    if produced != plan.dates:  # the engine is the truth; never seed a date it would not make
        raise AssertionError(f"{plan.code}: seeded dates differ from the schedule's")


def plan_windows(plan: ClassPlan, rng, reserve_learner, reserve_progression) -> list[Enrolled]:
    """Rolling intake: learners join through the class's life, each for about one
    LP's worth of sessions; those whose window reaches the end are still enrolled."""
    k = plan.recorded
    enrolled = []
    for j in range(plan.learners):
        first = 0 if j == 0 else rng.randint(0, k - 1)
        length = max(2, round(plan.window * rng.uniform(0.7, 1.3)))
        last = min(k - 1, first + length - 1)
        is_open = not plan.stopped and first + length - 1 >= k - 1
        enrolled.append(Enrolled(reserve_learner(), reserve_progression(), first, last, is_open))
    if not plan.stopped and not any(e.open for e in enrolled):
        enrolled[-1].last, enrolled[-1].open = k - 1, True
    enrolled.sort(key=lambda e: e.first)
    return enrolled


def write_sessions(plan: ClassPlan, enrolled: list[Enrolled], rng, tables) -> int:
    """Session rows, their history, attendance and ledger rows. Returns ledger rows."""
    rosters: list[list[Enrolled]] = [[] for _ in range(plan.recorded)]
    for e in enrolled:
        for i in range(e.first, e.last + 1):
            rosters[i].append(e)
    programme_id, total_pages, _ = plan.programme
    class_id, h2 = plan.class_id, plan.h2
    trained = half_hours(h2)
    facilitator = plan.facilitator_id
    ledger_rows = 0
    for i, day in enumerate(plan.dates[: plan.recorded]):
        at = captured_at(day)
        roster = rosters[i]
        draw = rng.random()
        # A session with nobody enrolled cannot be captured; it was cancelled.
        if draw < 0.05 or not roster:
            status, action = "client_cancelled", "not_held"
        elif draw < 0.08:
            status, action = "agent_absent", "not_held"
        else:
            status, action = "captured", "captured"
        notes = rng.choice(CANCEL_NOTES) if action == "not_held" else ""
        session_id = tables.sessions.add(
            day, status, trained, notes, at, at, at, facilitator, class_id, 1
        )
        history_id = tables.history.add(
            action, "pending", status, notes, at, facilitator, session_id
        )
        if action != "captured":
            continue
        for e in roster:
            draw = rng.random()
            present = h2 if draw < 0.72 else rng.randint(1, h2 - 1) if draw < 0.86 else 0
            page = None
            if present:
                step = max(1, 2 * total_pages // plan.window)
                e.page = min(total_pages, e.page + rng.randint(1, step))
                page = e.page
            shown = half_hours(present)
            tables.attendance.add(
                trained, shown, page, at, at, e.learner_id, session_id, day, programme_id
            )
            tables.changes.add(None, shown, None, page, history_id, e.learner_id)
            tables.ledger.add(
                day,
                trained,
                shown,
                "attendance",
                "",
                at,
                facilitator,
                class_id,
                e.learner_id,
                session_id,
                programme_id,
                e.progression_id,
                None,
            )
            e.trained += h2
            e.present += present
            ledger_rows += 1
    return ledger_rows


def write_plan(plan: ClassPlan, table) -> None:
    """The class's stored plan, as classes.services.schedule.rebuild_plan writes it:
    every session the engine produces, the recorded ones marked."""
    recorded = set(plan.dates[: plan.recorded])
    for row in plan_rows(expand(plan.spec())):
        table.add(
            row.session_date,
            row.slots,
            row.scheduled_hours,
            row.blocked_reason,
            row.session_date in recorded,
            plan.class_id,
        )
