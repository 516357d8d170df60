"""Learner progress: per learner and LP (progression), hours, the three percentages,
the projected completion date at the class's current schedule and the at-risk flag.

The percentages come from progression.progress (the one definition); the projection
from reports.projection over the class's remaining sessions in its stored plan
(classes.stored_plan: one query for a page or a CSV batch, no schedule expanded).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DateField, OuterRef, QuerySet, Subquery
from django.db.models.expressions import RawSQL

from classes.latest_pages import rows_with_latest_page
from classes.models import Enrolment
from classes.selectors import latest_page_subquery
from classes.stored_plan import RemainingSession, remaining_sessions
from progression.models import Progression
from progression.progress import (
    attendance_percent,
    page_percent,
    progress_shown,
)
from reports.common import (
    CSV_BATCH,
    date_text,
    hours_text,
    percent_text,
)
from reports.projection import Projection, completion_sql, project
from reports.trend import WeekAttendance, weekly_attendance

AT_RISK = "At risk"
REACHED = "Reached"

CSV_HEADER = [
    "Surname",
    "First names",
    "Class",
    "Client",
    "LP",
    "Status",
    "Hours trained",
    "Hours present",
    "Hours absent",
    "Allocated hours",
    "Progress %",
    "Attendance %",
    "Page %",
    "Latest page",
    "Total pages",
    "Projected completion",
    "At risk",
]


@dataclass(frozen=True)
class ProgressFilters:
    class_id: int | None = None
    client_id: int | None = None
    status: str = ""

    def as_query(self) -> dict[str, str]:
        """The filters as query-string values (for the CSV link and the pager)."""
        return {
            "class": str(self.class_id or ""),
            "client": str(self.client_id or ""),
            "status": self.status,
        }


@dataclass(frozen=True)
class ProgressRow:
    progression: Progression
    progress: Decimal | None  # shown: capped at 100
    attendance: Decimal | None
    page: Decimal | None
    projection: Projection | None  # None: not in progress, nothing to project
    trend: Sequence[WeekAttendance] = ()

    @property
    def learner(self):
        return self.progression.learner

    @property
    def allocated(self) -> Decimal:
        return self.progression.programme.subject_duration

    @property
    def at_risk(self) -> bool:
        return self.projection is not None and self.projection.at_risk

    @property
    def projected_text(self) -> str:
        """Projected completion as text: "Reached", a date (ISO in the CSV), or ""."""
        if self.projection is None:
            return ""
        return REACHED if self.projection.reached else date_text(self.projection.completion)


def _selected(filters: ProgressFilters, *, using: str) -> QuerySet[Progression]:
    """The progressions the filters select, in the report's order, and the end date of
    each one's enrolment in its class (the projection stops there)."""
    # One enrolment per learner and class (UNIQUE): no order needed, none joined.
    enrolment_end = (
        Enrolment.objects.filter(learner_id=OuterRef("learner_id"), klass_id=OuterRef("klass_id"))
        .order_by()
        .values("end_date")[:1]
    )
    rows = Progression.objects.using(using)
    if filters.class_id is not None:
        rows = rows.filter(klass_id=filters.class_id)
    if filters.client_id is not None:
        rows = rows.filter(klass__client_id=filters.client_id)
    if filters.status:
        rows = rows.filter(status=filters.status)
    return rows.annotate(enrolment_end=Subquery(enrolment_end)).order_by(
        "learner__surname", "learner__first_names", "learner_id", "start_date", "id"
    )


def progressions(filters: ProgressFilters, *, using: str) -> QuerySet[Progression]:
    """The progressions the report lists, with what a page's rows need."""
    return (
        _selected(filters, using=using)
        .select_related("learner", "programme", "klass__client")
        .annotate(latest_page=latest_page_subquery())
    )


def progress_row(
    progression: Progression,
    *,
    remaining: dict[int, list[RemainingSession]],
    trend: Sequence[WeekAttendance] = (),
) -> ProgressRow:
    """`remaining`: the sessions still to come of the progressions' classes
    (classes.stored_plan.remaining_sessions)."""
    programme = progression.programme
    projection = None
    if progression.status == Progression.Status.IN_PROGRESS:
        # No class or no schedule: nothing is planned, so nothing will add hours.
        sessions = remaining.get(progression.klass_id, [])
        until = progression.enrolment_end
        if until is not None:
            sessions = [s for s in sessions if s.date <= until]
        projection = project(
            hours_trained=progression.hours_trained,
            allocated=programme.subject_duration,
            remaining=sessions,
        )
    return ProgressRow(
        progression=progression,
        progress=progress_shown(progression.hours_trained, programme.subject_duration),
        attendance=attendance_percent(progression.hours_present, progression.hours_trained),
        page=page_percent(progression.latest_page, programme.total_pages),
        projection=projection,
        trend=trend,
    )


def progress_rows(
    progressions: Sequence[Progression], *, today: datetime.date, using: str, trends: bool = True
) -> list[ProgressRow]:
    """Rows for a page of progressions: a fixed number of queries for any page size."""
    in_progress = [p for p in progressions if p.status == Progression.Status.IN_PROGRESS]
    remaining = remaining_sessions(
        {p.klass_id for p in in_progress if p.klass_id}, today=today, using=using
    )
    weekly = (
        weekly_attendance((p.pk for p in progressions), today=today, using=using) if trends else {}
    )
    return [progress_row(p, remaining=remaining, trend=weekly.get(p.pk, ())) for p in progressions]


# The CSV reads values, not model instances, with the latest page of every row from
# one grouped query (classes.latest_pages) and the projected completion computed by the
# database (reports.projection.COMPLETION_SQL, project()'s twin).
CSV_COLUMNS = [
    "learner__surname",
    "learner__first_names",
    "klass__code",
    "klass__client__name",
    "programme__code",
    "status",
    "hours_trained",
    "hours_present",
    "hours_absent",
    "programme__subject_duration",
    "programme__total_pages",
    "completion",
]
STATUSES = dict(Progression.Status.choices)
# The cells that hold text a person typed (names, codes): the CSV's formula guard
# applies to them; the others are numbers, dates and labels the report writes.
TEXT_COLUMNS = (0, 1, 2, 3, 4)


def csv_rows(filters: ProgressFilters, *, today: datetime.date, using: str) -> Iterator[list]:
    """Every progression the filters select (all pages), in the pages' order, streamed."""
    rows = _selected(filters, using=using).annotate(
        completion=RawSQL(*completion_sql(today=today), output_field=DateField())
    )
    for row in rows_with_latest_page(rows, CSV_COLUMNS, chunk_size=CSV_BATCH):
        yield _csv_line(row)


def _csv_line(row: tuple) -> list:
    (
        surname, first_names, class_code, client, lp, status, trained, present, absent,
        allocated, total_pages, completion, latest_page,
    ) = row  # fmt: skip
    projected = at_risk = ""
    if status == Progression.Status.IN_PROGRESS:
        # As project(): reached first, then the session that reaches the allocation.
        if trained >= allocated:
            projected = REACHED
        elif completion is not None:
            projected = date_text(completion)
        else:
            at_risk = AT_RISK
    return [
        surname,
        first_names,
        class_code or "",
        client or "",
        lp,
        STATUSES.get(status, status),
        hours_text(trained),
        hours_text(present),
        hours_text(absent),
        hours_text(allocated),
        percent_text(progress_shown(trained, allocated)),
        percent_text(attendance_percent(present, trained)),
        percent_text(page_percent(latest_page, total_pages)),
        latest_page or "",
        total_pages,
        projected,
        at_risk,
    ]
