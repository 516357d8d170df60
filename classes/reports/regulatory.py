"""The regulatory export: one row per progression active in a date range, with what
funders and regulators ask for (identity, equity fields, programme, hours, status)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet

from classes.reports.common import CSV_BATCH, date_text, hours_text, percent_text
from classes.selectors import latest_page_subquery
from progression.models import Progression
from progression.progress import (
    attendance_percent,
    page_percent,
    progress_shown,
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


def active_progressions(dates: DateRange, *, using: str) -> QuerySet[Progression]:
    """Progressions active at some point in the range: started by its end, and not
    completed before its start."""
    return (
        Progression.objects.using(using)
        .filter(
            Q(completion_date__isnull=True) | Q(completion_date__gte=dates.start),
            start_date__lte=dates.end,
        )
        .select_related("learner__employer", "programme", "klass__client")
        .annotate(latest_page=latest_page_subquery())
        .order_by("learner__surname", "learner__first_names", "learner_id", "start_date", "id")
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


def csv_rows(queryset: QuerySet[Progression]) -> Iterator[list]:
    """Every row in the range (all pages), streamed from the database in chunks."""
    for progression in queryset.iterator(chunk_size=CSV_BATCH):
        yield csv_row(regulatory_row(progression))


def csv_row(row: RegulatoryRow) -> list:
    p, learner = row.progression, row.progression.learner
    return [
        learner.surname,
        learner.first_names,
        learner.id_number or "",
        learner.passport_number or "",
        learner.get_race_display(),
        learner.get_gender_display(),
        p.programme.code,
        p.programme.name,
        hours_text(p.programme.subject_duration),
        p.klass.code if p.klass else "",
        p.klass.client.name if p.klass else "",
        learner.employer.name if learner.employer else "",
        date_text(p.start_date),
        date_text(p.completion_date),
        hours_text(p.hours_trained),
        hours_text(p.hours_present),
        hours_text(p.hours_absent),
        percent_text(row.progress),
        percent_text(row.attendance),
        percent_text(row.page),
        p.get_status_display(),
        YES if row.portfolio else NO,
    ]
