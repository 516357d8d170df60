"""The regulatory export: one row per progression active in a date range, with what
funders and regulators ask for (identity, equity fields, programme, hours, status)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet

from classes.latest_pages import rows_with_latest_page
from classes.selectors import latest_page_subquery
from learners.models import Learner
from progression.models import Progression
from progression.progress import (
    attendance_percent,
    page_percent,
    progress_shown,
)
from reports.common import date_text, hours_text, percent_text

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


def _in_range(dates: DateRange, *, using: str) -> QuerySet[Progression]:
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
        _in_range(dates, using=using)
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


# The CSV reads values, not model instances (a fifth of the time per row), with the
# latest page of every row from one grouped query (classes.latest_pages).
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
]
RACES = dict(Learner.Race.choices)
GENDERS = dict(Learner.Gender.choices)
STATUSES = dict(Progression.Status.choices)
# The cells that hold text a person typed (names, document numbers, codes): the
# CSV's formula guard applies to them; the others are numbers, dates and labels.
TEXT_COLUMNS = (0, 1, 2, 3, 6, 7, 9, 10, 11)


def csv_rows(dates: DateRange, *, using: str) -> Iterator[list]:
    """Every row in the range (all pages), in the pages' order, streamed from the
    database in chunks."""
    for row in rows_with_latest_page(_in_range(dates, using=using), CSV_COLUMNS):
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
