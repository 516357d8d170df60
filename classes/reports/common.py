"""What the reports share: loading class schedules in bulk, parsing filters, and the
text of numbers and dates as the pages and the CSVs both show them."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice

from django.db.models import Prefetch, QuerySet

from classes.models import AttendanceSession, Class
from classes.schedule import PlannedSession, expand
from classes.selectors import spec_from_schedule

ROWS_PER_PAGE = 50
# CSV rows are computed this many at a time: each batch costs a fixed number of
# queries, and memory stays flat however many rows the download has.
CSV_BATCH = 500
SCHEDULE_DETAILS = (
    "schedule__slots",
    "schedule__exceptions",
    "schedule__pauses",
    "schedule__holiday_overrides",
)


# ---- Text: the page and the CSV show a value with the same characters.


def hours_text(value: Decimal | None) -> str:
    """126.00 → "126", 94.50 → "94.5"; None → ""."""
    if value is None:
        return ""
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def percent_text(value: Decimal | None) -> str:
    """A percentage from progression.progress, one decimal place; None → ""."""
    return "" if value is None else f"{value:.1f}"


def date_text(value: datetime.date | None) -> str:
    """ISO dates in the CSVs: Excel reads them as dates in every locale."""
    return "" if value is None else value.isoformat()


def person_name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


# ---- Schedules in bulk.


@dataclass(frozen=True)
class ClassPlan:
    """A class's planned sessions (the schedule engine's output) and its session rows."""

    klass: Class
    planned: list[PlannedSession]
    rows: dict[datetime.date, AttendanceSession]

    def remaining(
        self, today: datetime.date, until: datetime.date | None = None
    ) -> list[PlannedSession]:
        """Sessions still to come: not blocked, today or later (today's counts until it
        is recorded), not recorded yet, and not after `until` (a learner's leaving date)."""
        found = []
        for session in self.planned:
            if session.blocked or session.date < today:
                continue
            if until is not None and session.date > until:
                break
            row = self.rows.get(session.date)
            if row is None or row.status == AttendanceSession.Status.PENDING:
                found.append(session)
        return found


def with_schedules(classes: QuerySet[Class]) -> QuerySet[Class]:
    """The classes with everything the schedule engine and the session states need,
    prefetched: a fixed number of queries however many classes there are."""
    return classes.prefetch_related(
        *SCHEDULE_DETAILS,
        Prefetch(
            "sessions",
            queryset=AttendanceSession.objects.only(
                "id", "klass_id", "session_date", "status", "scheduled_hours"
            ),
            to_attr="session_rows",
        ),
    )


def plan_of(klass: Class) -> ClassPlan:
    """The plan of a class loaded through `with_schedules` (no queries)."""
    schedule = getattr(klass, "schedule", None)
    planned = expand(spec_from_schedule(schedule, klass)) if schedule is not None else []
    return ClassPlan(klass, planned, {row.session_date: row for row in klass.session_rows})


def class_plans(class_ids: Iterable[int], *, using: str) -> dict[int, ClassPlan]:
    ids = set(class_ids)
    if not ids:
        return {}
    classes = with_schedules(Class.objects.using(using).filter(pk__in=ids))
    return {klass.pk: plan_of(klass) for klass in classes}


def batched(iterable: Iterable, size: int) -> Iterator[list]:
    """Lists of up to `size` items (itertools.batched arrives in Python 3.12)."""
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch
