"""Excessive hours: learners trained beyond their programme's allocated hours, on the
programme types an admin marked as capped (`ClassType.hours_capped`).

A resolution recorded by an admin (reports.services) hides the flag
for RESOLUTION_HIDES_FOR; after that the learner shows again if still over. Rows under
a resolution are listed separately, with the date they show again.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from classes.selectors import latest_page_subquery
from progression.models import Progression
from progression.progress import (
    attendance_percent,
    overage_hours,
    page_percent,
    progress_percent,
    progress_shown,
)
from reports.common import (
    CSV_BATCH,
    ROWS_PER_PAGE,
    CountedPaginator,
    date_text,
    hours_text,
    percent_text,
    person_name,
    user_namer,
)
from reports.models import ExcessiveHoursResolution

RESOLUTION_HIDES_FOR = datetime.timedelta(days=30)

CSV_HEADER = [
    "Surname",
    "First names",
    "Class",
    "Facilitator",
    "LP",
    "Hours trained",
    "Allocated hours",
    "Overage hours",
    "Progress %",
    "Uncapped progress %",
    "Attendance %",
    "Page %",
    "Last resolution",
    "Resolved by",
    "Resolved on",
    "Resolution notes",
    "Hidden until",
]


@dataclass(frozen=True)
class ExcessiveRow:
    progression: Progression
    overage: Decimal
    progress: Decimal | None  # shown, capped at 100 like everywhere else
    uncapped: Decimal | None
    attendance: Decimal | None
    page: Decimal | None
    last_resolution: ExcessiveHoursResolution | None
    hidden_until: datetime.date | None  # None: flagged now

    @property
    def allocated(self) -> Decimal:
        return self.progression.programme.subject_duration

    @property
    def resolved_on(self) -> datetime.date | None:
        r = self.last_resolution
        return timezone.localdate(r.resolved_at) if r is not None else None


class PageRow(NamedTuple):
    """A row of the report's page, what the `excessive_rows` tag shows: plain values
    read with values_list. Five model instances a row (progression, learner,
    programme, class, facilitator; and the resolutions) were most of a full page's
    time, so that the page at 1,000,000 ledger rows (fifty rows) took 1.4-1.7 times as
    long as at 10,000 (three; bench/HISTORY.md, issue 10)."""

    progression_id: int
    surname: str
    first_names: str
    class_id: int | None  # None: the progression has no class
    class_code: str
    facilitator: str  # person_name() of the class's facilitator
    programme_code: str
    hours_trained: Decimal
    allocated: Decimal
    overage: Decimal
    progress: Decimal | None  # shown, capped at 100 like everywhere else
    uncapped: Decimal | None
    attendance: Decimal | None
    page: Decimal | None
    resolution: str  # the last resolution's kind, its label; "" when there is none
    resolved_by: str
    resolved_on: datetime.date | None
    notes: str
    hidden_until: datetime.date | None  # None: flagged now


@dataclass(frozen=True)
class ExcessiveHours:
    """One page of the report: its flagged rows, then its rows under a recent
    resolution (the whole report lists every flagged row first), the counts of the
    whole report and the pager."""

    flagged: list[PageRow]
    resolved: list[PageRow]  # over, but hidden by a recent resolution
    flagged_count: int
    resolved_count: int
    page: object  # django.core.paginator.Page


def over_allocation() -> QuerySet[Progression]:
    """In-progress progressions of capped programme types, trained beyond allocation."""
    return Progression.objects.filter(
        status=Progression.Status.IN_PROGRESS,
        programme__class_type__hours_capped=True,
        hours_trained__gt=F("programme__subject_duration"),
    )


def hidden_since(now: datetime.datetime) -> datetime.datetime:
    """Resolutions recorded after this moment still hide their flag."""
    return now - RESOLUTION_HIDES_FOR


def _recent(now: datetime.datetime) -> Exists:
    """Whether the outer progression has a resolution that still hides its flag."""
    return Exists(
        ExcessiveHoursResolution.objects.filter(
            progression_id=OuterRef("pk"), resolved_at__gt=hidden_since(now)
        )
    )


def _rows(*, now: datetime.datetime, using: str) -> QuerySet[Progression]:
    return (
        over_allocation()
        .using(using)
        .select_related("learner", "programme", "klass__facilitator")
        .annotate(latest_page=latest_page_subquery(), hidden=_recent(now))
        .prefetch_related(
            Prefetch(
                "excessive_hours_resolutions",
                queryset=ExcessiveHoursResolution.objects.select_related("resolved_by").order_by(
                    "-resolved_at", "-id"
                ),
                to_attr="resolutions",
            )
        )
    )


def in_report_order(*, now: datetime.datetime, using: str) -> QuerySet[Progression]:
    """Flagged rows first, then those under a recent resolution; in each, the largest
    overage first (the learner furthest beyond their hours), then by name."""
    return _rows(now=now, using=using).order_by(
        "hidden",
        (F("programme__subject_duration") - F("hours_trained")).asc(),
        "learner__surname",
        "learner__first_names",
        "id",
    )


def excessive_hours(
    *, now: datetime.datetime, using: str, page: str | None = None, per_page: int = ROWS_PER_PAGE
) -> ExcessiveHours:
    """A page of flagged and recently resolved rows, in a fixed number of queries."""
    counts = (
        over_allocation()
        .using(using)
        .annotate(hidden=_recent(now))
        .aggregate(total=Count("pk"), resolved=Count("pk", filter=Q(hidden=True)))
    )
    # The page's ids first, in the report's order: that query reads the index
    # learner_lp_tracking_over_hours and the learners' names only; then the page's
    # rows with all they show. One query instead, with every column of every table,
    # read each progression in progress (bench/HISTORY.md, issue 10).
    ids = in_report_order(now=now, using=using).values_list("pk", flat=True)
    paginator = CountedPaginator(ids, per_page, count=counts["total"])
    current = paginator.get_page(page)
    flagged, resolved = [], []
    for row in page_rows(list(current), now=now, using=using):
        (resolved if row.hidden_until else flagged).append(row)
    return ExcessiveHours(
        flagged, resolved, counts["total"] - counts["resolved"], counts["resolved"], current
    )


# What a page's row reads of the progression and the tables it joins (PageRow).
PAGE_COLUMNS = (
    "pk",
    "learner__surname",
    "learner__first_names",
    "klass_id",
    "klass__code",
    "klass__facilitator__first_name",
    "klass__facilitator__last_name",
    "klass__facilitator__username",
    "programme__code",
    "hours_trained",
    "programme__subject_duration",
    "hours_present",
    "latest_page",
    "programme__total_pages",
    "hidden",
)
# ... and of each resolution of the page's progressions, newest first.
RESOLUTION_COLUMNS = (
    "progression_id",
    "kind",
    "notes",
    "resolved_at",
    "resolved_by__first_name",
    "resolved_by__last_name",
    "resolved_by__username",
)
KIND_LABELS = dict(ExcessiveHoursResolution.Kind.choices)


def page_rows(ids: list[int], *, now: datetime.datetime, using: str) -> list[PageRow]:
    """The rows of these progressions, in this order (the page's ids), in two queries:
    the progressions with what they show, and their resolutions (the last is shown)."""
    if not ids:
        return []
    found = {
        values[0]: values
        for values in over_allocation()
        .using(using)
        .filter(pk__in=ids)
        .annotate(latest_page=latest_page_subquery(), hidden=_recent(now))
        .order_by()  # the page's order is the ids'
        .values_list(*PAGE_COLUMNS)
    }
    last: dict[int, tuple] = {}
    for values in (
        ExcessiveHoursResolution.objects.using(using)
        .filter(progression_id__in=ids)
        .order_by("-resolved_at", "-id")
        .values_list(*RESOLUTION_COLUMNS)
    ):
        last.setdefault(values[0], values)
    name = user_namer()
    rows = []
    for pk in ids:
        if pk not in found:  # no longer over its hours since the ids were read
            continue
        (
            _,
            surname,
            first_names,
            class_id,
            class_code,
            first,
            last_name,
            username,
            programme_code,
            trained,
            allocated,
            present,
            latest_page,
            total_pages,
            hidden,
        ) = found[pk]
        resolution = last.get(pk)
        if resolution is None:
            kind, notes, resolved_by, resolved_on, hidden_until = "", "", "", None, None
        else:
            _, code, notes, at, *by = resolution
            kind, resolved_by = str(KIND_LABELS.get(code, code)), name(*by)
            resolved_on = timezone.localdate(at)
            hidden_until = timezone.localdate(at + RESOLUTION_HIDES_FOR) if hidden else None
        rows.append(
            PageRow(
                progression_id=pk,
                surname=surname,
                first_names=first_names,
                class_id=class_id,
                class_code=class_code or "",
                facilitator=name(first, last_name, username) if class_id is not None else "",
                programme_code=programme_code,
                hours_trained=trained,
                allocated=allocated,
                overage=overage_hours(trained, allocated),
                progress=progress_shown(trained, allocated),
                uncapped=progress_percent(trained, allocated),
                attendance=attendance_percent(present, trained),
                page=page_percent(latest_page, total_pages),
                resolution=kind,
                resolved_by=resolved_by,
                resolved_on=resolved_on,
                notes=notes,
                hidden_until=hidden_until,
            )
        )
    return rows


def over_allocation_row(
    progression_id: int, *, now: datetime.datetime, using: str
) -> ExcessiveRow | None:
    """One progression's row if it is over its hours (flagged or resolved), else None."""
    progression = _rows(now=now, using=using).filter(pk=progression_id).first()
    return excessive_row(progression) if progression is not None else None


def excessive_row(progression: Progression) -> ExcessiveRow:
    """The row of a progression loaded with `resolutions` (newest first) and `latest_page`."""
    programme = progression.programme
    last = progression.resolutions[0] if progression.resolutions else None
    hidden_until = None
    if getattr(progression, "hidden", False) and last is not None:
        hidden_until = timezone.localdate(last.resolved_at + RESOLUTION_HIDES_FOR)
    return ExcessiveRow(
        progression=progression,
        overage=overage_hours(progression.hours_trained, programme.subject_duration),
        progress=progress_shown(progression.hours_trained, programme.subject_duration),
        uncapped=progress_percent(progression.hours_trained, programme.subject_duration),
        attendance=attendance_percent(progression.hours_present, progression.hours_trained),
        page=page_percent(progression.latest_page, programme.total_pages),
        last_resolution=last,
        hidden_until=hidden_until,
    )


def csv_rows(*, now: datetime.datetime, using: str) -> Iterator[list]:
    """Every row, flagged then resolved, in the pages' order, streamed in chunks."""
    for progression in in_report_order(now=now, using=using).iterator(chunk_size=CSV_BATCH):
        row = excessive_row(progression)
        p, last = row.progression, row.last_resolution
        yield [
            p.learner.surname,
            p.learner.first_names,
            p.klass.code if p.klass else "",
            person_name(p.klass.facilitator) if p.klass else "",
            p.programme.code,
            hours_text(p.hours_trained),
            hours_text(row.allocated),
            hours_text(row.overage),
            percent_text(row.progress),
            percent_text(row.uncapped),
            percent_text(row.attendance),
            percent_text(row.page),
            last.get_kind_display() if last else "",
            person_name(last.resolved_by) if last else "",
            date_text(row.resolved_on),
            last.notes if last else "",
            date_text(row.hidden_until),
        ]
