"""Reads of the stored plan (class_planned_sessions), for pages and reports that show
many classes: one query for any number of classes, no schedule expanded.

A page about one class (its attendance page, a session, the capture form) may ask the
schedule engine directly; `manage.py check_plans` keeps the two equal.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import NamedTuple

from django.contrib.postgres.aggregates import ArrayAgg
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import F, Q, QuerySet

from attendance_project import db
from classes.models import Class, PlannedSessionRow
from classes.plan import parse_slots
from classes.schedule import PlannedSession

# Whether the class has a schedule at all, and its stored plan's row for the day (none
# when the schedule produces no session that day): one round trip, on any database.
PLANNED_ON = """
SELECT EXISTS (SELECT 1 FROM class_schedules WHERE class_id = %(class_id)s) AS has_schedule,
       p.slots, p.blocked_reason
FROM (SELECT 1) AS one
LEFT JOIN class_planned_sessions p ON p.class_id = %(class_id)s AND p.session_date = %(day)s
"""


def planned_session_on(class_id: int, day: datetime.date) -> tuple[bool, PlannedSession | None]:
    """(has a schedule, the planned session on `day` or None), from the stored plan:
    what recording a session needs to know of the schedule, without expanding it."""
    with db.statement_cursor(connections[DEFAULT_DB_ALIAS]) as cursor:
        cursor.execute(PLANNED_ON, {"class_id": class_id, "day": day})
        has_schedule, slots, reason = cursor.fetchone()
    return planned_from_row(day, has_schedule, slots, reason)


def planned_from_row(
    day: datetime.date, has_schedule, slots: str | None, reason: str | None
) -> tuple[bool, PlannedSession | None]:
    """PLANNED_ON's row as (has a schedule, the planned session or None)."""
    if slots is None:
        return bool(has_schedule), None
    return True, PlannedSession(day, parse_slots(slots, day.weekday()), reason or None)


class RemainingSession(NamedTuple):
    """A planned session still to come: what a projection needs of it."""

    date: datetime.date
    hours: Decimal


def planned_sessions(
    class_ids: Iterable[int], *, using: str = DEFAULT_DB_ALIAS
) -> dict[int, list[PlannedSession]]:
    """Each class's planned sessions, blocked ones included, in date order (classes
    without a plan map to an empty list)."""
    ids = set(class_ids)
    found: dict[int, list[PlannedSession]] = {pk: [] for pk in ids}
    rows = (
        PlannedSessionRow.objects.using(using)
        .filter(klass_id__in=ids)
        .order_by("klass_id", "session_date")
        .values_list("klass_id", "session_date", "slots", "scheduled_hours", "blocked_reason")
    )
    # A class's days repeat the same few slot texts: each is parsed once.
    slots: dict[tuple[str, int], tuple] = {}
    for class_id, day, text, _hours, reason in rows:
        key = (text, day.weekday())
        if key not in slots:
            slots[key] = parse_slots(text, day.weekday())
        found[class_id].append(PlannedSession(day, slots[key], reason or None))
    return found


def remaining_sessions(
    class_ids: Iterable[int], *, today: datetime.date, using: str = DEFAULT_DB_ALIAS
) -> dict[int, list[RemainingSession]]:
    """Each class's sessions still to come, in date order: planned, not blocked, today
    or later (today's counts until it is recorded), and not recorded yet. Classes
    with none map to an empty list."""
    ids = set(class_ids)
    found: dict[int, list[RemainingSession]] = {pk: [] for pk in ids}
    if ids:
        for class_id, (dates, hours) in remaining_by_class(ids, today=today, using=using).items():
            found[class_id] = list(map(RemainingSession, dates, hours))
    return found


# For the sort of every class's remaining sessions (80,000 at the bench's scale):
# PostgreSQL's default 4 MB made it spill to disk.
REMAINING_WORK_MEM = "32MB"


def remaining_by_class(
    classes: Iterable[int] | QuerySet, *, today: datetime.date, using: str = DEFAULT_DB_ALIAS
) -> dict[int, tuple[list[datetime.date], list[Decimal]]]:
    """remaining_sessions() as two lists per class, its dates and their hours, for the
    classes (ids, or a queryset of ids: a subquery) that have any: a CSV of every
    learner reads some 80,000 sessions, and a tuple each was a tenth of it."""
    rows = PlannedSessionRow.objects.using(using).filter(
        klass_id__in=classes, blocked_reason="", recorded=False, session_date__gte=today
    )
    found: dict[int, tuple[list[datetime.date], list[Decimal]]] = {}
    if connections[using].vendor == "postgresql":
        # One row per class, its dates and hours as two arrays in date order: a row
        # per session cost more than the rest of a CSV batch (bench/HISTORY.md).
        per_class = (
            rows.values("klass_id")
            .annotate(
                dates=ArrayAgg("session_date", order_by="session_date"),
                hours=ArrayAgg("scheduled_hours", order_by="session_date"),
            )
            .order_by()
            .values_list("klass_id", "dates", "hours")
        )
        # Read from the cursor: psycopg parses the arrays; the queryset would convert
        # every element again in Python.
        sql, params = per_class.query.get_compiler(using=using).as_sql()
        with transaction.atomic(using=using), connections[using].cursor() as cursor:
            cursor.execute(f"SET LOCAL work_mem = '{REMAINING_WORK_MEM}'")
            cursor.execute(sql, params)
            for class_id, dates, hours in cursor.fetchall():
                found[class_id] = (dates, hours)
        return found
    for class_id, day, hours in rows.order_by("klass_id", "session_date").values_list(
        "klass_id", "session_date", "scheduled_hours"
    ):
        dates, hours_of = found.setdefault(class_id, ([], []))
        dates.append(day)
        hours_of.append(hours)
    return found


def waiting_sessions(
    classes: QuerySet[Class], *, today: datetime.date
) -> QuerySet[PlannedSessionRow]:
    """The sessions of `classes` waiting to be captured, oldest first: planned, not
    blocked, not recorded, today or earlier, of a class that records (active, or stopped
    up to its stop date, where its plan ends). The set form of `recording_refusal`
    (classes.services.capture) for many sessions at once; a test holds the two equal."""
    return (
        PlannedSessionRow.objects.filter(
            klass__in=classes,
            blocked_reason="",
            recorded=False,
            session_date__lte=today,
            klass__status__in=[Class.Status.ACTIVE, Class.Status.STOPPED],
        )
        .filter(Q(klass__stop_date__isnull=True) | Q(session_date__lte=F("klass__stop_date")))
        .select_related("klass", "klass__client")
        .order_by("session_date", "klass__code")
    )
