"""Every money figure's one definition (issue 14): the lines of a client's month,
derived from the session records and the hours log as they are now.

- Facilitator pay, one line per recorded session of the client's classes: its
  outcome (billing.rules.session_outcome), the pay rule's row for that outcome, the
  payable hours, and the amount at the facilitator's rate card for the class on the
  session's date. The payee is whoever of the class's facilitators recorded it (a
  backup who stood in), else the class's facilitator.
- Client billing, one line per class and learner: the hours trained that the hours
  log credits from the month's sessions (reversals net out), each day priced at the
  client's rate for the class's programme on that day.

billing.statements adds the adjustments of closed months and freezes; nothing else
computes a figure.
"""

from __future__ import annotations

import contextlib
import datetime
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Sum

from billing.models import ClientRate, FacilitatorRate, PayRule
from billing.rules import (
    DEFAULT_RULES,
    DESCRIPTIONS,
    ZERO,
    Outcome,
    bill_amount,
    pay_amount,
    payable_hours,
    rule_words,
    session_outcome,
)
from classes.models import (
    AttendanceSession,
    BackupFacilitator,
    Class,
    LearnerAttendance,
    PlannedSessionRow,
)
from progression.models import HoursLog

NO_RATE = "no rate card"
STATUS_LABELS = dict(AttendanceSession.Status.choices)
RULE_LABELS = {outcome.value: text for outcome, text in DESCRIPTIONS.items()}
DEFAULT_NOTICE_HOURS = 24


def month_range(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last day of `month` (any day of it)."""
    first = month.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, following - datetime.timedelta(days=1)


def next_month(month: datetime.date) -> datetime.date:
    return month_range(month)[1] + datetime.timedelta(days=1)


@dataclass(frozen=True)
class Line:
    """One line of a statement. `key` names what it is about, the same in every
    computation of the month (a session, or a class and learner), so that a closed
    month's stored line and today's figure of it can be compared."""

    key: str
    klass_id: int
    class_code: str
    hours: Decimal
    amount: Decimal
    facilitator_id: int | None = None
    # The learners' hours present behind the line.
    present: Decimal = ZERO
    session_id: int | None = None
    session_date: datetime.date | None = None
    status: str = ""
    rule: str = ""
    learner_id: int | None = None
    learner_name: str = ""
    days: int = 0
    rate: str = ""
    description: str = ""
    # An adjustment: the closed month whose line it corrects.
    for_month: datetime.date | None = None
    # What the line's rule paid when it was priced (billing_pay_rules.pays).
    pays: str = ""

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def rule_label(self) -> str:
        """The pay rule's words ("Session held: its scheduled hours are paid")."""
        return rule_words(self.rule, self.pays) if self.rule else ""


@dataclass
class _Rates:
    """Date-ranged rate rows, found by date."""

    rows: dict[tuple, list] = field(default_factory=lambda: defaultdict(list))

    def add(self, key: tuple, row) -> None:
        self.rows[key].append(row)

    def on(self, key: tuple, day: datetime.date):
        for row in self.rows.get(key, ()):
            if row.valid_from <= day and (row.valid_until is None or day <= row.valid_until):
                return row
        return None


def _rate_text(row) -> str:
    if row is None:
        return NO_RATE
    per = "h" if row.basis == "hourly" else "day"
    return f"R {row.amount}/{per}"


def pay_rules() -> dict[str, str]:
    """What each outcome pays: the billing_pay_rules rows, the defaults for any missing."""
    rules = {outcome.value: pays.value for outcome, pays in DEFAULT_RULES.items()}
    rules.update(PayRule.objects.values_list("outcome", "pays"))
    return rules


def session_start(session_date: datetime.date, slots: str | None) -> datetime.datetime:
    """When the session starts, in the site's time zone: its first slot ("09:00-12:00,
    ..."), or the day's start if the plan no longer has the date."""
    start = datetime.time(0, 0)
    if slots:
        with contextlib.suppress(ValueError):  # a plan row always has "HH:MM-..."
            start = datetime.time.fromisoformat(slots.split("-", 1)[0].strip())
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return datetime.datetime.combine(session_date, start, tzinfo=zone)


def _classes(client_id: int, class_ids: Iterable[int] | None) -> dict[int, Class]:
    classes = Class.objects.filter(client_id=client_id).only(
        "id", "code", "facilitator_id", "client_id", "programme_id"
    )
    if class_ids is not None:
        classes = classes.filter(pk__in=list(class_ids))
    return {klass.pk: klass for klass in classes}


def facilitator_lines(
    *, client_id: int, month: datetime.date, class_ids: Iterable[int] | None = None
) -> list[Line]:
    """The pay lines of the client's month: one per recorded session, for every
    facilitator (each line names its payee), in date and class order."""
    first, last = month_range(month)
    classes = _classes(client_id, class_ids)
    sessions = list(
        AttendanceSession.objects.filter(klass_id__in=classes, session_date__range=(first, last))
        .exclude(status=AttendanceSession.Status.PENDING)
        .order_by("session_date", "klass_id")
    )
    if not sessions:
        return []
    present = dict(
        LearnerAttendance.objects.filter(session__in=sessions)
        .values("session_id")
        .annotate(total=Sum("hours_present"))
        .values_list("session_id", "total")
    )
    slots = {
        (row.klass_id, row.session_date): row.slots
        for row in PlannedSessionRow.objects.filter(
            klass_id__in=classes, session_date__range=(first, last)
        ).only("klass_id", "session_date", "slots")
    }
    backups = defaultdict(set)
    for klass_id, user_id in BackupFacilitator.objects.filter(klass_id__in=classes).values_list(
        "klass_id", "user_id"
    ):
        backups[klass_id].add(user_id)
    rates = _Rates()
    for rate in FacilitatorRate.objects.filter(klass_id__in=classes, valid_from__lte=last):
        rates.add((rate.klass_id, rate.facilitator_id), rate)
    notices = _Rates()
    for client_rate in ClientRate.objects.filter(client_id=client_id, valid_from__lte=last):
        notices.add((client_rate.programme_id,), client_rate)
    rules = pay_rules()
    lines = []
    for session in sessions:
        klass = classes[session.klass_id]
        payee = klass.facilitator_id
        if session.captured_by_id in backups[klass.pk]:
            payee = session.captured_by_id
        policy = notices.on((klass.programme_id,), session.session_date) or notices.on(
            (None,), session.session_date
        )
        notice_hours = policy.cancellation_notice_hours if policy else DEFAULT_NOTICE_HOURS
        outcome = session_outcome(
            status=session.status,
            hours_present=present.get(session.pk) or ZERO,
            starts_at=session_start(
                session.session_date, slots.get((klass.pk, session.session_date))
            ),
            recorded_at=session.captured_at,  # type: ignore[arg-type]
            notice_hours=notice_hours,
        )
        assert outcome is not None  # pending sessions were left out
        rate = rates.on((klass.pk, payee), session.session_date)
        hours = payable_hours(
            pays=rules[outcome],
            scheduled_hours=session.scheduled_hours,
            travel_allowance_hours=rate.travel_allowance_hours if rate else Decimal("1.0"),
        )
        amount = (
            pay_amount(
                basis=rate.basis,
                rate=rate.amount,
                hours=hours,
                scheduled_hours=session.scheduled_hours,
            )
            if rate
            else ZERO
        )
        lines.append(
            Line(
                key=f"session:{session.pk}",
                klass_id=klass.pk,
                class_code=klass.code,
                facilitator_id=payee,
                session_id=session.pk,
                session_date=session.session_date,
                status=session.status,
                rule=outcome.value,
                pays=rules[outcome],
                hours=hours,
                present=present.get(session.pk) or ZERO,
                amount=amount,
                rate=_rate_text(rate),
            )
        )
    return lines


def client_lines(
    *, client_id: int, month: datetime.date, class_ids: Iterable[int] | None = None
) -> list[Line]:
    """The billing lines of the client's month: one per class and learner with hours
    trained from the month's sessions (net of reversals), by class and learner."""
    first, last = month_range(month)
    classes = _classes(client_id, class_ids)
    days = (
        HoursLog.objects.filter(
            klass_id__in=classes, log_date__range=(first, last), session__isnull=False
        )
        .values("klass_id", "learner_id", "log_date")
        .annotate(hours=Sum("hours_trained"), present=Sum("hours_present"))
        .order_by("klass_id", "learner_id", "log_date")
    )
    rates = _Rates()
    for rate in ClientRate.objects.filter(client_id=client_id, valid_from__lte=last):
        rates.add((rate.programme_id,), rate)
    totals: dict[tuple[int, int], dict] = {}
    for day in days:
        klass = classes[day["klass_id"]]
        rate = rates.on((klass.programme_id,), day["log_date"]) or rates.on(
            (None,), day["log_date"]
        )
        entry = totals.setdefault(
            (klass.pk, day["learner_id"]),
            {"hours": ZERO, "present": ZERO, "amount": ZERO, "days": 0, "rates": set()},
        )
        entry["hours"] += day["hours"]
        entry["present"] += day["present"]
        entry["days"] += 1 if day["hours"] > 0 else 0
        entry["rates"].add(_rate_text(rate))
        if rate is not None:
            entry["amount"] += bill_amount(basis=rate.basis, rate=rate.amount, hours=day["hours"])
    names = _learner_names({learner for _, learner in totals})
    lines = []
    for (klass_id, learner_id), entry in totals.items():
        if entry["hours"] == 0 and entry["present"] == 0 and entry["amount"] == 0:
            continue
        lines.append(
            Line(
                key=f"learner:{klass_id}:{learner_id}",
                klass_id=klass_id,
                class_code=classes[klass_id].code,
                learner_id=learner_id,
                learner_name=names.get(learner_id, ""),
                hours=entry["hours"],
                present=entry["present"],
                days=entry["days"],
                amount=entry["amount"],
                rate=", ".join(sorted(entry["rates"])),
            )
        )
    lines.sort(key=lambda line: (line.class_code, line.learner_name, line.learner_id))
    return lines


def _learner_names(ids: set[int]) -> dict[int, str]:
    from learners.models import Learner

    return {
        learner.pk: f"{learner.surname}, {learner.first_names}"
        for learner in Learner.objects.filter(pk__in=ids).only("id", "surname", "first_names")
    }


def captured_hours(*, client_id: int, month: datetime.date) -> dict[int, Decimal]:
    """Per class, the scheduled hours of its captured sessions in the month (what the
    session records say was delivered; the reconciliation's first column)."""
    first, last = month_range(month)
    return dict(
        AttendanceSession.objects.filter(
            klass__client_id=client_id,
            session_date__range=(first, last),
            status=AttendanceSession.Status.CAPTURED,
        )
        .values("klass_id")
        .annotate(hours=Sum("scheduled_hours"))
        .values_list("klass_id", "hours")
    )


def billed_class_hours(*, client_id: int, month: datetime.date) -> dict[int, Decimal]:
    """Per class, the hours of the sessions the hours log credits in the month: for
    each session, its largest net hours trained of any learner (every roster learner
    is credited the session's hours), summed over sessions."""
    first, last = month_range(month)
    per_session = (
        HoursLog.objects.filter(
            klass__client_id=client_id, log_date__range=(first, last), session__isnull=False
        )
        .values("klass_id", "session_id", "learner_id")
        .annotate(hours=Sum("hours_trained"))
    )
    best: dict[tuple[int, int], Decimal] = {}
    for row in per_session:
        key = (row["klass_id"], row["session_id"])
        best[key] = max(best.get(key, ZERO), row["hours"])
    totals: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for (klass_id, _session), hours in best.items():
        totals[klass_id] += hours
    return dict(totals)


__all__ = ["Line", "Outcome", "client_lines", "facilitator_lines", "month_range", "pay_rules"]
