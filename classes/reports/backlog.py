"""Capture backlog: sessions past their date that nobody has recorded yet.

"Past" is before today in the site's time zone; a session is in the backlog when the
class pages would offer to capture it (classes.overview's "to capture" state: planned,
not blocked, the class active or stopped after it, no recorded row) and its day is
over. Grouped by facilitator and class, the longest-waiting first: the office's
Monday chase list.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet

from classes.models import Class
from classes.overview import WAITING, session_views
from classes.reports.common import date_text, hours_text, person_name, plan_of, with_schedules

CSV_HEADER = [
    "Facilitator",
    "Class",
    "Client",
    "Session date",
    "Hours",
    "Days overdue",
]


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
    classes: list[BacklogClass] = field(default_factory=list)

    @property
    def oldest(self) -> OverdueSession:
        return min((c.oldest for c in self.classes), key=lambda s: s.date)

    @property
    def session_count(self) -> int:
        return sum(len(c.sessions) for c in self.classes)


@dataclass(frozen=True)
class Backlog:
    groups: list[BacklogGroup]

    @property
    def session_count(self) -> int:
        return sum(g.session_count for g in self.groups)

    @property
    def class_count(self) -> int:
        return sum(len(g.classes) for g in self.groups)


def recordable_classes(*, using: str, facilitator_id: int | None = None) -> QuerySet[Class]:
    """Classes whose sessions can still be captured: active, or stopped (up to the stop
    date, which the schedule engine applies). Draft classes record nothing."""
    classes = Class.objects.using(using).filter(
        status__in=[Class.Status.ACTIVE, Class.Status.STOPPED], schedule__isnull=False
    )
    if facilitator_id is not None:
        classes = classes.filter(facilitator_id=facilitator_id)
    return classes.select_related("client", "facilitator")


def capture_backlog(
    *, today: datetime.date, using: str, facilitator_id: int | None = None
) -> Backlog:
    """The overdue sessions, in a fixed number of queries however many there are."""
    by_facilitator: dict[int, BacklogGroup] = {}
    for klass in with_schedules(recordable_classes(using=using, facilitator_id=facilitator_id)):
        plan = plan_of(klass)
        overdue = [
            OverdueSession(view.date, view.hours, (today - view.date).days)
            for view in session_views(klass, plan.planned, plan.rows, today)
            if view.state == WAITING and view.date < today
        ]
        if overdue:
            group = by_facilitator.setdefault(klass.facilitator_id, BacklogGroup(klass.facilitator))
            group.classes.append(BacklogClass(klass, overdue))
    groups = list(by_facilitator.values())
    for group in groups:
        group.classes.sort(key=lambda c: (c.oldest.date, c.klass.code))
    # The facilitator furthest behind first; ties by name, so the order is stable.
    groups.sort(key=lambda g: (g.oldest.date, person_name(g.facilitator), g.facilitator.pk))
    return Backlog(groups)


def csv_rows(backlog: Backlog) -> Iterator[list]:
    """One line per overdue session, in the page's order."""
    for group in backlog.groups:
        for entry in group.classes:
            for session in entry.sessions:
                yield [
                    person_name(group.facilitator),
                    entry.klass.code,
                    entry.klass.client.name,
                    date_text(session.date),
                    hours_text(session.hours),
                    session.days_overdue,
                ]
