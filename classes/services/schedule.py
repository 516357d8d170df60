"""Storing each class's planned sessions (table class_planned_sessions).

The schedule engine (classes.schedule) decides which dates a class meets on; this
service writes its answer down, so that pages and reports read the plan with SQL
instead of expanding every class's schedule on every request. Whatever shapes the
plan (the schedule and its slots, exception dates, pauses and holiday overrides, the
class's status and stop date) is changed in a transaction that also calls
`rebuild_plan` for that class; `manage.py rebuild_plans` rebuilds every class (after
upgrading the `holidays` package, say) and `manage.py check_plans` compares the
stored plan with the engine (classes.plan_check).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import transaction
from django.db.models import QuerySet

from classes.models import AttendanceSession, Class, PlannedSessionRow
from classes.plan import PlanRow, plan_rows
from classes.schedule import expand
from classes.selectors import spec_from_schedule

SCHEDULE_DETAILS = (
    "schedule__slots",
    "schedule__exceptions",
    "schedule__pauses",
    "schedule__holiday_overrides",
)
INSERT_BATCH = 2000
REBUILD_BATCH = 100  # classes per transaction in rebuild_all_plans


def rebuild_plan(*, klass: Class) -> int:
    """Store the class's planned sessions as the engine produces them now, replacing
    the stored ones, in the caller's transaction; return how many there are."""
    with transaction.atomic():
        # Lock the class row: two admins changing the same class's schedule at once
        # (its slots in one tab, an exception in another) must not each store a plan
        # built without the other's change; the second waits, then reads both. The
        # trigger that marks sessions recorded takes the same row (classes/plan_sql.py).
        locked = with_schedule(Class.objects.select_for_update(of=("self",))).get(pk=klass.pk)
        return _store([locked])


def rebuild_all_plans(*, log: Callable[[str], None] | None = None) -> int:
    """Rebuild every class's plan, a batch of classes per transaction (a fixed number
    of queries per batch); return the number of classes."""
    ids = list(Class.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), REBUILD_BATCH):
        batch = ids[start : start + REBUILD_BATCH]
        with transaction.atomic():
            classes = with_schedule(
                Class.objects.select_for_update(of=("self",)).filter(pk__in=batch).order_by("pk")
            )
            _store(list(classes))
        if log is not None:
            log(f"{start + len(batch):,} of {len(ids):,} classes")
    return len(ids)


def with_schedule(classes: QuerySet[Class]) -> QuerySet[Class]:
    """Classes with what the engine needs of their schedules (a fixed number of queries)."""
    return classes.prefetch_related(*SCHEDULE_DETAILS)


def engine_plan(klass: Class) -> list[PlanRow]:
    """What the engine produces for a class loaded through `with_schedule`, as rows."""
    schedule = getattr(klass, "schedule", None)
    return plan_rows(expand(spec_from_schedule(schedule, klass))) if schedule else []


def _store(classes: Iterable[Class]) -> int:
    classes = list(classes)
    ids = [klass.pk for klass in classes]
    recorded = set(
        AttendanceSession.objects.filter(klass_id__in=ids)
        .exclude(status=AttendanceSession.Status.PENDING)
        .values_list("klass_id", "session_date")
    )
    PlannedSessionRow.objects.filter(klass_id__in=ids).delete()
    rows = [
        PlannedSessionRow(
            klass_id=klass.pk,
            session_date=row.session_date,
            slots=row.slots,
            scheduled_hours=row.scheduled_hours,
            blocked_reason=row.blocked_reason,
            recorded=(klass.pk, row.session_date) in recorded,
        )
        for klass in classes
        for row in engine_plan(klass)
    ]
    PlannedSessionRow.objects.bulk_create(rows, batch_size=INSERT_BATCH)
    return len(rows)
