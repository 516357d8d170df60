"""Signed registers still missing: captured sessions without an uploaded scan of their
signed paper register, the longest-waiting first (the office's chase list before a
funder's verification visit).

A session counts once it is captured; a session voided since is pending again and
leaves the list, a session not held never had a register to sign. One query per
page (plus the count), through the scans' (session, uploaded_at) index.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from classes.models import AttendanceSession, Class, LearnerAttendance
from classes.registers.models import SignedRegister

CSV_HEADER = [
    "Facilitator",
    "Class",
    "Client",
    "Session date",
    "Learners",
    "Captured by",
    "Captured at",
    "Days since the session",
]
CSV_BATCH = 2000


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def missing_signed_registers(
    *, using: str, facilitator_id: int | None = None
) -> QuerySet[AttendanceSession]:
    """Captured sessions without a signed register, oldest first, each annotated with
    `learner_count` (the signatures to collect)."""
    scans = SignedRegister.objects.filter(session_id=OuterRef("pk"))
    learners = (
        LearnerAttendance.objects.filter(session_id=OuterRef("pk"))
        .order_by()
        .values("session_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    sessions = (
        AttendanceSession.objects.using(using)
        .filter(status=AttendanceSession.Status.CAPTURED)
        .filter(~Exists(scans))
        .select_related("klass__client", "klass__facilitator", "captured_by")
        .annotate(learner_count=Coalesce(Subquery(learners), Value(0), output_field=IntegerField()))
        .order_by("session_date", "klass__code", "pk")
    )
    if facilitator_id is not None:
        sessions = sessions.filter(klass__facilitator_id=facilitator_id)
    return sessions


def facilitator_choices(*, using: str) -> list[tuple[int, str]]:
    """(id, name) of every class's primary facilitator, for the filter."""
    users = (
        get_user_model()
        .objects.using(using)
        .filter(pk__in=Class.objects.values("facilitator_id"))
        .order_by("first_name", "last_name", "username")
    )
    return [(user.pk, _name(user)) for user in users]


def days_since(session: AttendanceSession, today: datetime.date) -> int:
    return (today - session.session_date).days


def csv_rows(
    *, today: datetime.date, using: str, facilitator_id: int | None = None
) -> Iterator[list]:
    sessions = missing_signed_registers(using=using, facilitator_id=facilitator_id)
    # learner_count is the queryset's annotation, which the stubs cannot see.
    for session in sessions.iterator(chunk_size=CSV_BATCH):
        klass = session.klass
        yield [
            _name(klass.facilitator),
            klass.code,
            klass.client.name,
            session.session_date.isoformat(),
            session.learner_count,  # type: ignore[attr-defined]
            _name(session.captured_by),
            # The site's time, as the pages show it.
            f"{timezone.localtime(session.captured_at):%Y-%m-%d %H:%M}"
            if session.captured_at
            else "",
            days_since(session, today),
        ]
