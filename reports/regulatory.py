"""The regulatory export: one row per progression active in a date range, with what
funders and regulators ask for (identity, equity fields, programme, hours, status)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db import connections
from django.db.models import Case, Q, QuerySet, TextField, Value, When
from django.db.models.lookups import Exact

from attendance_project.csv_export import CRLF, csv_blocks, csv_lines, stream_cells
from classes.selectors import latest_page_subquery
from learners.models import Learner
from progression.models import Progression
from progression.progress import (
    attendance_percent,
    page_percent,
    progress_shown,
)
from reports.common import (
    CSV_BATCH,
    CsvCell,
    DateText,
    HoursText,
    csv_line_sql,
    date_text,
    hours_text,
    label_text,
    or_empty,
    percent_text,
    progress_cells_sql,
)

YES, NO = "Yes", "No"

CSV_HEADER = [
    "Surname",
    "First names",
    "SA ID number",
    "Passport number",
    "Race",
    "Gender",
    "Programme code",
    "Programme name",
    "Programme hours",
    "Class",
    "Client",
    "Employer",
    "Start date",
    "Completion date",
    "Hours trained",
    "Hours present",
    "Hours absent",
    "Progress %",
    "Attendance %",
    "Page %",
    "Status",
    "Portfolio submitted",
]


def portfolio_submitted(progression: Progression) -> bool:
    """Whether a portfolio of evidence was uploaded (with the completion, in the admin)."""
    return bool(progression.portfolio)


@dataclass(frozen=True)
class DateRange:
    start: datetime.date
    end: datetime.date

    def as_query(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}


@dataclass(frozen=True)
class RegulatoryRow:
    progression: Progression
    progress: Decimal | None
    attendance: Decimal | None
    page: Decimal | None
    portfolio: bool


def in_range(dates: DateRange, *, using: str) -> QuerySet[Progression]:
    """Progressions active at some point in the range, in the export's order (also the
    access log's learners of an export)."""
    return (
        Progression.objects.using(using)
        .filter(
            Q(completion_date__isnull=True) | Q(completion_date__gte=dates.start),
            start_date__lte=dates.end,
        )
        .order_by("learner__surname", "learner__first_names", "learner_id", "start_date", "id")
    )


def active_progressions(dates: DateRange, *, using: str) -> QuerySet[Progression]:
    """Progressions active at some point in the range: started by its end, and not
    completed before its start; with what a page's rows show."""
    return (
        in_range(dates, using=using)
        .select_related("learner__employer", "programme", "klass__client")
        .annotate(latest_page=latest_page_subquery())
    )


def regulatory_row(progression: Progression) -> RegulatoryRow:
    programme = progression.programme
    return RegulatoryRow(
        progression=progression,
        progress=progress_shown(progression.hours_trained, programme.subject_duration),
        attendance=attendance_percent(progression.hours_present, progression.hours_trained),
        page=page_percent(progression.latest_page, programme.total_pages),
        portfolio=portfolio_submitted(progression),
    )


# The CSV reads values, not model instances. On PostgreSQL every cell is text the
# database writes (reports.common: the same characters as the page's), so
# Python only guards and joins them; elsewhere (the development SQLite database) the
# same cells are formatted in Python. tests/reports/test_report_text.py compares the
# two ways.
CSV_COLUMNS = [
    "learner__surname",
    "learner__first_names",
    "learner__id_number",
    "learner__passport_number",
    "learner__race",
    "learner__gender",
    "programme__code",
    "programme__name",
    "programme__subject_duration",
    "programme__total_pages",
    "klass__code",
    "klass__client__name",
    "learner__employer__name",
    "start_date",
    "completion_date",
    "hours_trained",
    "hours_present",
    "hours_absent",
    "status",
    "portfolio",
    "latest_page",
]
RACES = dict(Learner.Race.choices)
GENDERS = dict(Learner.Gender.choices)
STATUSES = dict(Progression.Status.choices)
# The cells that hold text a person typed (names, document numbers, codes): the
# CSV's formula guard applies to them; the others are numbers, dates and labels.
TEXT_COLUMNS = (0, 1, 2, 3, 6, 7, 9, 10, 11)


# What the database's way reads of each row: the cells' columns (the latest page is
# a lookup, added after the rows are ordered) and its keys.
ROW_COLUMNS = [
    *(name for name in CSV_COLUMNS if name != "latest_page"),
    "learner_id",
    "programme_id",
]


def _csv_lookups(column) -> dict:
    """Per row, after the rows are ordered (attendance_project.csv_export.stream_cells)."""
    return {
        "latest_page": latest_page_subquery(
            learner=column("learner_id"), programme=column("programme_id")
        )
    }


def _csv_line(column) -> dict:
    """Each row's CSV line, written by PostgreSQL over the ROW_COLUMNS of the row and its
    lookups (attendance_project.csv_export.stream_cells): the cells of CSV_HEADER, as
    the page shows them (reports.common), guarded and quoted as csv_lines()
    does."""

    def typed(name):  # a TEXT_COLUMNS cell: text a person typed
        return CsvCell(column(name), guard=True)

    return {
        "line": csv_line_sql(
            [
                typed("learner__surname"),
                typed("learner__first_names"),
                typed("learner__id_number"),
                typed("learner__passport_number"),
                CsvCell(label_text(column("learner__race"), RACES)),
                CsvCell(label_text(column("learner__gender"), GENDERS)),
                typed("programme__code"),
                typed("programme__name"),
                or_empty(HoursText(column("programme__subject_duration"))),
                typed("klass__code"),
                typed("klass__client__name"),
                typed("learner__employer__name"),
                or_empty(DateText(column("start_date"))),
                or_empty(DateText(column("completion_date"))),
                or_empty(HoursText(column("hours_trained"))),
                or_empty(HoursText(column("hours_present"))),
                or_empty(HoursText(column("hours_absent"))),
                *progress_cells_sql(column),
                CsvCell(label_text(column("status"), STATUSES)),
                Case(
                    When(Exact(or_empty(column("portfolio")), Value("")), then=Value(NO)),
                    default=Value(YES),
                    output_field=TextField(),
                ),
            ]
        )
    }


def csv_text(dates: DateRange, *, using: str, in_database: bool | None = None) -> Iterator[str]:
    """The CSV of every row in the range (all pages), in the pages' order, streamed in
    blocks of text: written by the database (PostgreSQL) unless `in_database` is
    False, then formatted in Python (csv_rows)."""
    if in_database is None:
        in_database = connections[using].vendor == "postgresql"
    if not in_database:
        yield from csv_lines(CSV_HEADER, csv_rows(dates, using=using), TEXT_COLUMNS)
        return
    rows = stream_cells(
        in_range(dates, using=using),
        ROW_COLUMNS,
        _csv_line,
        lookups=_csv_lookups,
        chunk_size=CSV_BATCH,
    )
    yield from csv_blocks(CSV_HEADER, (line + CRLF for (line,) in rows))


def csv_rows(dates: DateRange, *, using: str) -> Iterator[list]:
    """Every row in the range (all pages), in the pages' order, as cells formatted in
    Python (the development SQLite database's CSV; csv_text's twin)."""
    rows = in_range(dates, using=using).annotate(latest_page=latest_page_subquery())
    for row in rows.values_list(*CSV_COLUMNS).iterator(chunk_size=CSV_BATCH):
        (
            surname, first_names, id_number, passport, race, gender,
            code, name, allocated, total_pages, class_code, client, employer,
            start, completion, trained, present, absent, status, portfolio, latest_page,
        ) = row  # fmt: skip
        yield [
            surname,
            first_names,
            id_number or "",
            passport or "",
            RACES.get(race, race),
            GENDERS.get(gender, gender),
            code,
            name,
            hours_text(allocated),
            class_code or "",
            client or "",
            employer or "",
            date_text(start),
            date_text(completion),
            hours_text(trained),
            hours_text(present),
            hours_text(absent),
            percent_text(progress_shown(trained, allocated)),
            percent_text(attendance_percent(present, trained)),
            percent_text(page_percent(latest_page, total_pages)),
            STATUSES.get(status, status),
            YES if portfolio else NO,
        ]
