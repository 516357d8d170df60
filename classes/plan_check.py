"""Is the stored plan what the schedule engine produces? (manage.py check_plans)

For every class: its rows in class_planned_sessions equal the engine's sessions for
its schedule as it is now (date, slots, hours, blocked reason), and each row's
`recorded` says whether a recorded session row exists for its date. A mismatch means
something changed a schedule without `rebuild_plan` (a hand-made SQL fix), or the
engine changed (a `holidays` upgrade): `manage.py rebuild_plans` repairs it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Prefetch

from classes.models import AttendanceSession, Class, PlannedSessionRow
from classes.plan import PlanRow
from classes.services.schedule import engine_plan, with_schedule

CHECK_BATCH = 200  # classes loaded at a time: memory stays flat however many there are


@dataclass(frozen=True)
class PlanMismatch:
    class_id: int
    class_code: str
    session_date: datetime.date
    stored: PlanRow | None  # None: the engine has a session the stored plan lacks
    engine: PlanRow | None  # None: a stored session the engine does not produce
    stored_recorded: bool | None = None
    recorded: bool | None = None

    def describe(self) -> str:
        where = f"class {self.class_code} ({self.class_id}), {self.session_date}"
        if self.stored is None:
            assert self.engine is not None  # one of the two is always there
            return f"{where}: missing from the stored plan (engine: {_row(self.engine)})"
        if self.engine is None:
            return f"{where}: stored ({_row(self.stored)}) but not produced by the schedule"
        if self.stored != self.engine:  # both present here
            return f"{where}: stored {_row(self.stored)}, engine {_row(self.engine)}"
        state = "recorded" if self.recorded else "not recorded"
        return f"{where}: stored as {'' if self.stored_recorded else 'not '}recorded, is {state}"


def _row(row: PlanRow) -> str:
    blocked = f", blocked: {row.blocked_reason}" if row.blocked_reason else ""
    return f"{row.slots}, {row.scheduled_hours} h{blocked}"


def check_plans() -> list[PlanMismatch]:
    return list(plan_mismatches())


def plan_mismatches() -> Iterator[PlanMismatch]:
    ids = list(Class.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), CHECK_BATCH):
        batch = ids[start : start + CHECK_BATCH]
        classes = with_schedule(Class.objects.filter(pk__in=batch).order_by("pk")).prefetch_related(
            Prefetch(
                "planned_sessions",
                queryset=PlannedSessionRow.objects.order_by("session_date"),
                to_attr="stored_plan",
            )
        )
        recorded = set(
            AttendanceSession.objects.filter(klass_id__in=batch)
            .exclude(status=AttendanceSession.Status.PENDING)
            .values_list("klass_id", "session_date")
        )
        for klass in classes:
            yield from _class_mismatches(klass, recorded)


def _class_mismatches(klass: Class, recorded: set) -> Iterator[PlanMismatch]:
    engine = {row.session_date: row for row in engine_plan(klass)}
    stored = {
        row.session_date: (
            PlanRow(row.session_date, row.slots, row.scheduled_hours, row.blocked_reason),
            row.recorded,
        )
        for row in klass.stored_plan  # type: ignore[attr-defined]  # Prefetch to_attr
    }
    for day in sorted(engine.keys() | stored.keys()):
        mine, flag = stored.get(day, (None, None))
        theirs = engine.get(day)
        is_recorded = (klass.pk, day) in recorded
        if mine != theirs or (mine is not None and flag != is_recorded):
            yield PlanMismatch(klass.pk, klass.code, day, mine, theirs, flag, is_recorded)
