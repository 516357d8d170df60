"""What each alert rule finds due at a moment (issue 15). Read-only: the services
turn what is found into alert rows (alerts.services.raise_alerts).

Each rule reads the definitions the pages and reports use, never its own copy:
the stored plan's unrecorded sessions (the capture backlog's rows), the class's
learners as the facilitator sees them (classes.class_learners: projection and
attendance), the excessive-hours report's over-allocation, the missing-registers
report's captured sessions without a scan.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from alerts.models import Rule
from classes.class_learners import class_learners
from classes.models import BackupFacilitator, Class, PlannedSessionRow
from classes.roles import OFFICE_ADMINS
from progression.models import Progression
from reports.backlog import recordable_classes
from reports.common import hours_text, percent_text, person_name
from reports.excessive_hours import over_allocation
from reports.missing_registers import missing_signed_registers

EVENING, AGAIN, OFFICE = "evening", "again", "office"


@dataclass(frozen=True)
class Due:
    """An alert a rule finds due: one per recipient becomes a row."""

    rule: str
    subject: str
    period: str
    recipients: tuple  # users
    title: str
    body: str
    link: str
    klass: Class | None = None


@dataclass(frozen=True)
class Flagged:
    """A subject over a threshold now (a crossing rule); `due` is its alert, raised
    once when its crossing opens."""

    rule: str
    subject: str
    due: Due = field(compare=False)


def evening() -> datetime.time:
    return datetime.time.fromisoformat(settings.ALERTS_EVENING)


def at_evening(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, evening()))


def office_admins() -> tuple:
    users = get_user_model().objects.filter(groups__name=OFFICE_ADMINS, is_active=True)
    return tuple(users.order_by("pk"))


def facilitators_of(classes: Iterable[Class]) -> dict[int, tuple]:
    """Each class's primary facilitator, then its backups (active users only)."""
    classes = list(classes)
    found: dict[int, list] = {klass.pk: [] for klass in classes}
    for klass in classes:
        if klass.facilitator.is_active:
            found[klass.pk].append(klass.facilitator)
    backups = BackupFacilitator.objects.filter(
        klass__in=[k.pk for k in classes], user__is_active=True
    ).select_related("user")
    for backup in backups.order_by("user_id"):
        if backup.user not in found[backup.klass_id]:
            found[backup.klass_id].append(backup.user)
    return {pk: tuple(users) for pk, users in found.items()}


def capture_step(session_date: datetime.date, now: datetime.datetime) -> str | None:
    """Which reminder of a session not recorded is due at `now`: the evening of its
    day, again ALERTS_CAPTURE_AGAIN_DAYS later, then the office's
    ALERTS_CAPTURE_ESCALATE_DAYS later; None before the first. Pure."""
    steps = [
        (settings.ALERTS_CAPTURE_ESCALATE_DAYS, OFFICE),
        (settings.ALERTS_CAPTURE_AGAIN_DAYS, AGAIN),
        (0, EVENING),
    ]
    for days, step in steps:
        if now >= at_evening(session_date + datetime.timedelta(days=days)):
            return step
    return None


def plan_subject(class_id: int, session_date: datetime.date) -> str:
    return f"plan:{class_id}:{session_date.isoformat()}"


def capture_reminders(*, now: datetime.datetime) -> list[Due]:
    """Sessions of recordable classes, no older than ALERTS_LOOKBACK_DAYS, that nobody
    recorded: only the step due now is raised (a session first seen six days late
    goes to the office, without two facilitator reminders first)."""
    today = timezone.localtime(now).date()
    rows = list(
        PlannedSessionRow.objects.filter(
            blocked_reason="",
            recorded=False,
            session_date__gte=today - datetime.timedelta(days=settings.ALERTS_LOOKBACK_DAYS),
            session_date__lte=today,
            klass__in=recordable_classes(using="default"),
        )
        .select_related("klass__facilitator", "klass__client")
        .order_by("session_date", "klass_id")
    )
    people = facilitators_of({row.klass_id: row.klass for row in rows}.values())
    office = None
    found = []
    for row in rows:
        step = capture_step(row.session_date, now)
        if step is None:
            continue
        klass = row.klass
        when = f"{row.session_date:%A %-d %B %Y} ({row.slots})"
        if step == OFFICE:
            office = office_admins() if office is None else office
            recipients, rule = office, Rule.CAPTURE_ESCALATION
            link = reverse("reports:backlog")
            title = f"{klass.code}: {row.session_date:%-d %b} still not recorded"
            body = (
                f"The session of {klass.code} ({klass.client.name}) on {when} is still "
                f"not recorded, {(today - row.session_date).days} days later. Its "
                f"facilitator, {person_name(klass.facilitator)},"
                " was reminded."
            )
        else:
            recipients, rule = people[klass.pk], Rule.CAPTURE_REMINDER
            link = reverse("classes:capture", args=[klass.pk, row.session_date])
            title = f"Record {klass.code}'s session of {row.session_date:%-d %b}"
            body = (
                f"The session of {klass.code} on {when} is not recorded yet. Record who "
                "attended, or that the session did not happen."
            )
        found.append(
            Due(
                rule=rule,
                subject=plan_subject(klass.pk, row.session_date),
                period=step,
                recipients=recipients,
                title=title,
                body=body,
                link=link,
                klass=klass,
            )
        )
    return found


def progression_subject(progression_id: int) -> str:
    return f"progression:{progression_id}"


def at_risk(*, now: datetime.datetime) -> list[Flagged]:
    """Learners in progress whose remaining sessions cannot reach the allocation, or
    whose attendance is below their programme's minimum, with each reason."""
    today = timezone.localtime(now).date()
    classes = list(
        recordable_classes(using="default").select_related("facilitator", "client").order_by("pk")
    )
    people = facilitators_of(classes)
    office = office_admins()
    found = []
    for klass in classes:
        for row in class_learners(klass=klass, today=today):
            progression = row.progression
            if progression.status != Progression.Status.IN_PROGRESS or not row.enrolled:
                continue
            reasons = at_risk_reasons(
                projection_at_risk=row.at_risk,
                attendance=row.attendance,
                minimum=progression.programme.minimum_attendance_percent,
                hours_trained=progression.hours_trained,
                allocated=progression.programme.subject_duration,
            )
            if not reasons:
                continue
            name = str(progression.learner)
            due = Due(
                rule=Rule.AT_RISK,
                subject=progression_subject(progression.pk),
                period="",  # the crossing's
                recipients=people[klass.pk] + tuple(u for u in office if u not in people[klass.pk]),
                title=f"{name} ({klass.code}) is at risk",
                body=f"{name} in {klass.code} is at risk: " + "; ".join(reasons) + ".",
                link=reverse("classes:learners", args=[klass.pk]),
                klass=klass,
            )
            found.append(Flagged(Rule.AT_RISK, due.subject, due))
    return found


def at_risk_reasons(
    *,
    projection_at_risk: bool,
    attendance: Decimal | None,
    minimum: Decimal | None,
    hours_trained: Decimal,
    allocated: Decimal,
) -> list[str]:
    """Why a learner is at risk, in words; empty when they are not. Pure."""
    reasons = []
    if projection_at_risk:
        reasons.append(
            f"the remaining sessions cannot reach the {hours_text(allocated)} allocated "
            f"hours ({hours_text(hours_trained)} trained so far)"
        )
    if minimum is not None and attendance is not None and attendance < minimum:
        reasons.append(
            f"attendance {percent_text(attendance)}% is below the programme's minimum of "
            f"{percent_text(minimum)}%"
        )
    return reasons


def excessive_hours(*, now: datetime.datetime) -> list[Flagged]:
    """Learners on capped programmes trained beyond the allocation (the report's rows)."""
    office = office_admins()
    found = []
    rows = over_allocation().select_related("learner", "programme", "klass")
    for progression in rows.order_by("pk"):
        programme = progression.programme
        name = str(progression.learner)
        code = progression.klass.code if progression.klass else programme.code
        due = Due(
            rule=Rule.EXCESSIVE_HOURS,
            subject=progression_subject(progression.pk),
            period="",
            recipients=office,
            title=f"{name} ({code}) is beyond the allocated hours",
            body=(
                f"{name} in {code} has {hours_text(progression.hours_trained)} hours trained, "
                f"beyond the {hours_text(programme.subject_duration)} allocated to "
                f"{programme.code}, a capped programme."
            ),
            link=reverse("reports:excessive_hours"),
            klass=progression.klass,
        )
        found.append(Flagged(Rule.EXCESSIVE_HOURS, due.subject, due))
    return found


def registers_missing(*, now: datetime.datetime) -> list[Due]:
    """Captured sessions without a signed register, ALERTS_REGISTER_MISSING_DAYS after
    the session, no older than that plus ALERTS_LOOKBACK_DAYS."""
    today = timezone.localtime(now).date()
    latest = today - datetime.timedelta(days=settings.ALERTS_REGISTER_MISSING_DAYS)
    earliest = latest - datetime.timedelta(days=settings.ALERTS_LOOKBACK_DAYS)
    sessions = list(
        missing_signed_registers(using="default").filter(
            session_date__gte=earliest, session_date__lte=latest
        )
    )
    people = facilitators_of({s.klass_id: s.klass for s in sessions}.values())
    return [
        Due(
            rule=Rule.REGISTER_MISSING,
            subject=f"session:{session.pk}",
            period="due",
            recipients=people[session.klass_id],
            title=f"Upload {session.klass.code}'s signed register of {session.session_date:%-d %b}",
            body=(
                f"The session of {session.klass.code} on {session.session_date:%A %-d %B %Y} "
                "was recorded, but its signed paper register has not been uploaded yet."
            ),
            link=reverse("classes:session_detail", args=[session.klass_id, session.session_date]),
            klass=session.klass,
        )
        for session in sessions
    ]


def still_due(rule: str, subject: str) -> bool:
    """Whether a waiting alert still says something true when it is sent: a session
    recorded meanwhile needs no reminder. Crossing rules stay due (their crossing
    was true when it opened)."""
    if rule in (Rule.CAPTURE_REMINDER, Rule.CAPTURE_ESCALATION):
        _, class_id, day = subject.split(":")
        return PlannedSessionRow.objects.filter(
            klass_id=int(class_id),
            session_date=datetime.date.fromisoformat(day),
            recorded=False,
            blocked_reason="",
        ).exists()
    return True


def every_due(now: datetime.datetime) -> Iterator[Due]:
    yield from capture_reminders(now=now)
    yield from registers_missing(now=now)


CROSSING_RULES = {
    Rule.AT_RISK: at_risk,
    Rule.EXCESSIVE_HOURS: excessive_hours,
}
