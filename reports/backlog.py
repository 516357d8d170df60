"""Capture backlog: sessions past their date that nobody has recorded yet.

"Past" is before today in the site's time zone; a session is in the backlog when the
class pages would offer to capture it (classes.overview's "to capture" state: planned,
not blocked, the class active or stopped after it, no recorded row) and its day is
over. Grouped by facilitator and class, the longest-waiting first: the office's
Monday chase list.

Read from the stored plan (class_planned_sessions): its open rows before today are
the backlog, found through a partial index however many sessions were ever held. One
grouped query summarises the backlog per class (oldest date, count); the order of
facilitators and classes is worked out from that summary (a row per class with a
backlog, not per session), and a page or a CSV batch then reads only the sessions of
the classes it covers.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from classes.models import AttendanceSession, Class, PlannedSessionRow
from reports.common import date_text, hours_text, user_namer

CSV_HEADER = [
    "Facilitator",
    "Class",
    "Client",
    "Session date",
    "Hours",
    "Days overdue",
]
CSV_CLASSES = 200  # classes whose sessions the CSV reads at a time


@dataclass(frozen=True)
class OverdueSession:
    date: datetime.date
    hours: Decimal
    days_overdue: int


@dataclass
class BacklogClass:
    klass: Class
    sessions: list[OverdueSession] = field(default_factory=list)

    @property
    def oldest(self) -> OverdueSession:
        return self.sessions[0]


@dataclass
class BacklogGroup:
    facilitator: object  # the class's primary facilitator (a user)
    # The facilitator's whole backlog, not only the sessions on this page.
    session_count: int
    classes: list[BacklogClass] = field(default_factory=list)


@dataclass(frozen=True)
class BacklogTotals:
    session_count: int
    class_count: int
    facilitator_count: int


@dataclass(frozen=True)
class BacklogPage:
    """One page of the backlog: its groups (a facilitator or class may continue from
    the previous page), the totals of the whole backlog and the pager."""

    groups: list[BacklogGroup]
    totals: BacklogTotals
    page: object  # django.core.paginator.Page

    @property
    def session_count(self) -> int:
        return self.totals.session_count

    @property
    def class_count(self) -> int:
        return self.totals.class_count

    @property
    def facilitator_count(self) -> int:
        return self.totals.facilitator_count


def recordable_classes(*, using: str, facilitator_id: int | None = None) -> QuerySet[Class]:
    """Classes whose sessions can still be captured: active, or stopped (up to the stop
    date, which the stored plan already ends on). Draft classes record nothing."""
    classes = Class.objects.using(using).filter(
        status__in=[Class.Status.ACTIVE, Class.Status.STOPPED], schedule__isnull=False
    )
    if facilitator_id is not None:
        classes = classes.filter(facilitator_id=facilitator_id)
    return classes


def facilitator_choices(*, using: str) -> list[tuple[int, str]]:
    """(id, name) of the primary facilitators of recordable classes, for the filter."""
    user_model = get_user_model()
    users = (
        user_model.objects.using(using)
        .filter(pk__in=recordable_classes(using=using).values("facilitator_id"))
        .order_by("first_name", "last_name", "username")
        .values_list("pk", "first_name", "last_name", "username")
    )
    # Read from the cursor, as class_choices does: the queryset's per-row machinery was
    # most of the cost of 200 names.
    sql, params = users.query.get_compiler(using=using).as_sql()
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    name = user_namer()
    return [(pk, name(first, last, username)) for pk, first, last, username in found]


def overdue(*, today: datetime.date, using: str, facilitator_id: int | None = None):
    """The planned sessions before today that nobody recorded, of recordable classes."""
    rows = PlannedSessionRow.objects.using(using).filter(
        blocked_reason="",
        recorded=False,
        session_date__lt=today,
        klass__status__in=[Class.Status.ACTIVE, Class.Status.STOPPED],
    )
    if facilitator_id is not None:
        rows = rows.filter(klass__facilitator_id=facilitator_id)
    return rows


class ClassBacklog(NamedTuple):
    """One class's part of the backlog, from the grouped summary (a tuple: there are
    some 2,000 of them for every page)."""

    class_id: int
    facilitator_id: int
    oldest: datetime.date
    count: int


@dataclass(frozen=True)
class Summary:
    """The backlog per class, in the report's order, and its totals."""

    classes: list[ClassBacklog]
    facilitator_sessions: dict[int, int]
    facilitator_names: dict[int, str]  # as person_name() gives them

    @cached_property
    def totals(self) -> BacklogTotals:
        return BacklogTotals(
            sum(c.count for c in self.classes), len(self.classes), len(self.facilitator_sessions)
        )


# The backlog per class: grouped on the plan rows alone (read from the partial index
# class_planned_sessions_open), then joined to the classes and their facilitators.
SUMMARY = """
SELECT c.id, c.code, u.id, u.first_name, u.last_name, u.username, p.oldest, p.sessions
FROM (
    SELECT class_id, MIN(session_date) AS oldest, COUNT(*) AS sessions
    FROM class_planned_sessions
    WHERE blocked_reason = '' AND NOT recorded AND session_date < %(today)s
    GROUP BY class_id
) p
JOIN classes c ON c.id = p.class_id
JOIN {users} u ON u.id = c.facilitator_id
WHERE c.status IN (%(active)s, %(stopped)s) {facilitator}
"""


def summary(*, today: datetime.date, using: str, facilitator_id: int | None = None) -> Summary:
    """One grouped query; then the order: the facilitator furthest behind first (ties
    by name, then id), within a facilitator the class waiting longest (ties by code)."""
    user_table = get_user_model()._meta.db_table
    facilitator = "AND c.facilitator_id = %(facilitator)s" if facilitator_id is not None else ""
    statement = SUMMARY.format(
        users=connections[using].ops.quote_name(user_table), facilitator=facilitator
    )
    params = {
        "today": today,
        "facilitator": facilitator_id,
        "active": Class.Status.ACTIVE.value,
        "stopped": Class.Status.STOPPED.value,
    }
    with connections[using].cursor() as cursor:
        cursor.execute(statement, params)
        grouped = cursor.fetchall()
    name = user_namer()
    names: dict[int, str] = {}
    oldest_of: dict[int, datetime.date] = {}
    sessions: dict[int, int] = {}
    for _, _, user_id, first, last, username, oldest, count in grouped:
        if user_id in sessions:
            sessions[user_id] += count
            if oldest < oldest_of[user_id]:
                oldest_of[user_id] = oldest
        else:
            names[user_id] = name(first, last, username)
            oldest_of[user_id] = oldest
            sessions[user_id] = count
    # The facilitators (a couple of hundred) are ranked first, so that the classes
    # (some 2,000) sort on a number, a date and a code: sorting them on the
    # facilitator's whole key compared names, and was half the summary's Python time.
    # The fetched rows themselves are sorted: a tuple more a class was a sixth of it.
    ranked = sorted(names, key=lambda user: (oldest_of[user], names[user], user))
    rank = {user: n for n, user in enumerate(ranked)}
    grouped.sort(key=lambda row: (rank[row[2]], row[6], row[1]))
    classes = [ClassBacklog(row[0], row[2], row[6], row[7]) for row in grouped]
    return Summary(classes, sessions, names)


def _sessions_of(
    classes: list[ClassBacklog], *, today: datetime.date, using: str, details: bool
) -> list:
    """The overdue sessions of these classes, in the report's order (the classes' order,
    then date): rows with their class, client and facilitator, or, for the CSV, values."""
    if not classes:
        return []
    position = {c.class_id: n for n, c in enumerate(classes)}
    # A pending session row (a voided session) keeps the hours it was created with.
    pending_hours = (
        AttendanceSession.objects.filter(
            klass_id=OuterRef("klass_id"), session_date=OuterRef("session_date")
        )
        .order_by()
        .values("scheduled_hours")[:1]
    )
    rows = (
        overdue(today=today, using=using)
        # From the oldest of these classes' sessions on: the index range is theirs.
        .filter(klass_id__in=position, session_date__gte=min(c.oldest for c in classes))
        .annotate(hours=Coalesce(Subquery(pending_hours), F("scheduled_hours")))
    )
    if details:
        found = list(
            rows.select_related("klass__client", "klass__facilitator")
            .only(
                "session_date",
                "klass__code",
                "klass__facilitator_id",
                "klass__client__name",
                "klass__facilitator__first_name",
                "klass__facilitator__last_name",
                "klass__facilitator__username",
            )
            .order_by()
        )
        found.sort(key=lambda row: (position[row.klass_id], row.session_date))
        return found
    found = list(
        rows.order_by().values_list(
            "klass_id", "klass__code", "klass__client__name", "session_date", "hours"
        )
    )
    found.sort(key=lambda row: (position[row[0]], row[3]))
    return found


class _OverdueRows:
    """The backlog as the paginator's sequence: its length from the summary, and a
    slice reads only the sessions of the classes the slice covers."""

    def __init__(self, summary: Summary, *, today: datetime.date, using: str):
        self.summary, self.today, self.using = summary, today, using

    def __len__(self) -> int:
        return self.summary.totals.session_count

    def __getitem__(self, index: slice) -> list:
        start, stop = index.start or 0, index.stop
        covered, skip, seen = [], 0, 0
        for backlog in self.summary.classes:
            if seen + backlog.count > start and seen < stop:
                if not covered:
                    skip = start - seen
                covered.append(backlog)
            seen += backlog.count
            if seen >= stop:
                break
        rows = _sessions_of(covered, today=self.today, using=self.using, details=True)
        return rows[skip : skip + (stop - start)]


def backlog_page(
    *,
    today: datetime.date,
    using: str,
    page: str | None,
    per_page: int,
    facilitator_id: int | None = None,
) -> BacklogPage:
    """One page of the backlog, in a fixed number of queries however long it is."""
    found = summary(today=today, using=using, facilitator_id=facilitator_id)
    current = Paginator(_OverdueRows(found, today=today, using=using), per_page).get_page(page)
    groups: list[BacklogGroup] = []
    for row in current:
        klass = row.klass
        if not groups or groups[-1].facilitator.pk != klass.facilitator_id:
            sessions = found.facilitator_sessions[klass.facilitator_id]
            groups.append(BacklogGroup(klass.facilitator, sessions))
        group = groups[-1]
        if not group.classes or group.classes[-1].klass.pk != klass.pk:
            group.classes.append(BacklogClass(klass))
        group.classes[-1].sessions.append(
            OverdueSession(row.session_date, row.hours, (today - row.session_date).days)
        )
    return BacklogPage(groups, found.totals, current)


def csv_rows(
    *, today: datetime.date, using: str, facilitator_id: int | None = None
) -> Iterator[list]:
    """One line per overdue session, in the page's order, every page: the sessions of
    CSV_CLASSES classes at a time, so memory stays flat however long the backlog."""
    found = summary(today=today, using=using, facilitator_id=facilitator_id)
    names = found.facilitator_names
    for start in range(0, len(found.classes), CSV_CLASSES):
        batch = found.classes[start : start + CSV_CLASSES]
        facilitator = {c.class_id: c.facilitator_id for c in batch}
        for class_id, code, client, day, hours in _sessions_of(
            batch, today=today, using=using, details=False
        ):
            name = names[facilitator[class_id]]
            yield [name, code, client, date_text(day), hours_text(hours), (today - day).days]
