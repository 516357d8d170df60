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
from typing import Any

from django.db import connections
from django.db.models import Case, OuterRef, QuerySet, Subquery, TextField, Value, When
from django.db.models.functions import Cast
from django.db.models.lookups import Exact

from attendance_project.csv_export import CRLF, csv_blocks, csv_lines, stream_cells
from classes.models import Enrolment
from classes.selectors import latest_page_subquery
from classes.stored_plan import RemainingSession, remaining_by_class, remaining_sessions
from progression.models import Progression
from progression.progress import (
    attendance_percent,
    page_percent,
    progress_shown,
)
from reports.common import (
    CSV_BATCH,
    CsvCell,
    HoursText,
    csv_line_sql,
    date_text,
    hours_text,
    label_text,
    or_empty,
    percent_text,
    progress_cells_sql,
)
from reports.projection import NO_SESSIONS, Projection, RemainingPlan, project
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
    rows = Progression.objects.using(using)
    if filters.class_id is not None:
        rows = rows.filter(klass_id=filters.class_id)
    if filters.client_id is not None:
        rows = rows.filter(klass__client_id=filters.client_id)
    if filters.status:
        rows = rows.filter(status=filters.status)
    enrolment_end = _enrolment_end(learner=OuterRef("learner_id"), klass=OuterRef("klass_id"))
    return rows.annotate(enrolment_end=enrolment_end).order_by(
        "learner__surname", "learner__first_names", "learner_id", "start_date", "id"
    )


def _enrolment_end(*, learner: Any, klass: Any) -> Subquery:
    """The end date of the learner's enrolment in the class (the projection stops there).
    One enrolment per learner and class (UNIQUE): no order needed, none joined."""
    ends = Enrolment.objects.filter(learner_id=learner, klass_id=klass).order_by()
    return Subquery(ends.values("end_date")[:1])


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
        projection = _projection(
            progression.hours_trained,
            programme.subject_duration,
            remaining.get(progression.klass_id, []),
            until=progression.enrolment_end,
        )
    return ProgressRow(
        progression=progression,
        progress=progress_shown(progression.hours_trained, programme.subject_duration),
        attendance=attendance_percent(progression.hours_present, progression.hours_trained),
        page=page_percent(progression.latest_page, programme.total_pages),
        projection=projection,
        trend=trend,
    )


def _projection(
    trained: Decimal,
    allocated: Decimal,
    sessions: Sequence[RemainingSession],
    *,
    until: datetime.date | None,
) -> Projection:
    """An in-progress progression's projection over its class's remaining sessions (no
    class or no schedule: none, so nothing will add hours), up to the end of the
    learner's enrolment in the class."""
    if until is not None:
        sessions = [s for s in sessions if s.date <= until]
    return project(hours_trained=trained, allocated=allocated, remaining=sessions)


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


# The CSV reads values, not model instances. On PostgreSQL every cell but the
# projection's two is text the database writes (reports.common: the same
# characters as the page's); elsewhere (the development SQLite database) the same
# cells are formatted in Python (tests/reports/test_report_text.py compares the two
# ways). The projection is the page's (RemainingPlan answers as project() does) over
# each class's remaining sessions, read once for the whole download.
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
    "latest_page",
]
# What the projection reads, after the cells (and the end of the enrolment).
PROJECTION_COLUMNS = ["status", "hours_trained", "programme__subject_duration", "klass_id"]
# What the database's way reads of each row: the cells' columns (the latest page is
# a lookup) and the lookups' keys.
ROW_COLUMNS = [
    *(name for name in CSV_COLUMNS if name != "latest_page"),
    "klass_id",
    "learner_id",
    "programme_id",
]
STATUSES = dict(Progression.Status.choices)
# The cells that hold text a person typed (names, codes): the CSV's formula guard
# applies to them; the others are numbers, dates and labels the report writes.
TEXT_COLUMNS = (0, 1, 2, 3, 4)


def _csv_line(column) -> dict:
    """Each row's CSV line up to "Total pages", written by PostgreSQL over the
    ROW_COLUMNS of the row and its lookups (attendance_project.csv_export.stream_cells):
    the cells of CSV_HEADER as the page shows them (reports.common), guarded and
    quoted as csv_lines() does; then what the projection reads."""

    def typed(name):  # a TEXT_COLUMNS cell: text a person typed
        return CsvCell(column(name), guard=True)

    line = csv_line_sql(
        [
            typed("learner__surname"),
            typed("learner__first_names"),
            typed("klass__code"),
            typed("klass__client__name"),
            typed("programme__code"),
            CsvCell(label_text(column("status"), STATUSES)),
            or_empty(HoursText(column("hours_trained"))),
            or_empty(HoursText(column("hours_present"))),
            or_empty(HoursText(column("hours_absent"))),
            or_empty(HoursText(column("programme__subject_duration"))),
            *progress_cells_sql(column),
            or_empty(Cast(column("latest_page"), TextField())),
            or_empty(Cast(column("programme__total_pages"), TextField())),
        ]
    )
    return {
        "line": line,
        **{name: column(name) for name in (*PROJECTION_COLUMNS, "enrolment_end")},
    }


def _csv_lookups(column) -> dict:
    """Per row, after the rows are ordered (attendance_project.csv_export.stream_cells):
    the latest page, and for an in-progress row (the only ones projected) the end of
    the learner's enrolment in the class."""
    learner, klass = column("learner_id"), column("klass_id")
    return {
        "latest_page": latest_page_subquery(learner=learner, programme=column("programme_id")),
        "enrolment_end": Case(
            When(
                Exact(column("status"), Value(IN_PROGRESS)),
                then=_enrolment_end(learner=learner, klass=klass),
            )
        ),
    }


def csv_text(
    filters: ProgressFilters,
    *,
    today: datetime.date,
    using: str,
    in_database: bool | None = None,
) -> Iterator[str]:
    """The CSV of every progression the filters select (all pages), in the pages'
    order, streamed in blocks of text: written by the database (PostgreSQL) unless
    `in_database` is False, then formatted in Python (csv_rows)."""
    if in_database is None:
        in_database = connections[using].vendor == "postgresql"
    if not in_database:
        rows = csv_rows(filters, today=today, using=using)
        yield from csv_lines(CSV_HEADER, rows, TEXT_COLUMNS)
        return
    yield from csv_blocks(CSV_HEADER, _lines(filters, today=today, using=using))


def _lines(filters: ProgressFilters, *, today: datetime.date, using: str) -> Iterator[str]:
    """csv_text's lines, computed once the header is on its way."""
    projected = _projector(filters, today=today, using=using)
    rows = stream_cells(
        _selected(filters, using=using),
        ROW_COLUMNS,
        _csv_line,
        lookups=_csv_lookups,
        chunk_size=CSV_BATCH,
    )
    # The projection's two cells are a date or fixed words: nothing to quote.
    for line, *rest in rows:
        yield f"{line},{','.join(projected(*rest))}{CRLF}"


def _projector(filters: ProgressFilters, *, today: datetime.date, using: str):
    """projected(status, hours trained, allocated, class id, enrolment end): the
    "Projected completion" and "At risk" cells of a row, from the remaining sessions of
    every class the filters reach, read once (RemainingPlan answers as project())."""
    in_progress = _selected(filters, using=using).filter(
        status=Progression.Status.IN_PROGRESS, klass__isnull=False
    )
    plans = {
        class_id: RemainingPlan(dates, hours)
        for class_id, (dates, hours) in remaining_by_class(
            in_progress.order_by().values("klass_id"), today=today, using=using
        ).items()
    }

    def projected(status, trained, allocated, class_id, until) -> tuple[str, str]:
        if status != IN_PROGRESS:
            return NOT_PROJECTED
        projection = plans.get(class_id, NO_SESSIONS).projection(
            hours_trained=trained, allocated=allocated, until=until
        )
        if projection.reached:
            return REACHED, ""
        if projection.at_risk:
            return "", AT_RISK
        return date_text(projection.completion), ""

    return projected


def csv_rows(filters: ProgressFilters, *, today: datetime.date, using: str) -> Iterator[list]:
    """Every progression the filters select (all pages), in the pages' order, as cells
    formatted in Python (the development SQLite database's CSV; csv_text's twin)."""
    projected = _projector(filters, today=today, using=using)
    selected = _selected(filters, using=using)
    values = selected.annotate(latest_page=latest_page_subquery()).values_list(
        *CSV_COLUMNS, "klass_id", "enrolment_end"
    )
    for row in values.iterator(chunk_size=CSV_BATCH):
        (
            surname, first_names, class_code, client, lp, status, trained, present, absent,
            allocated, total_pages, latest_page, class_id, enrolment_end,
        ) = row  # fmt: skip
        yield [
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
            *projected(status, trained, allocated, class_id, enrolment_end),
        ]


IN_PROGRESS = Progression.Status.IN_PROGRESS.value
NOT_PROJECTED = ("", "")
