"""Statements (issue 14): a facilitator's pay or a client's billing for a month, as
billing.payable computes it while the month is open, or as the close stored it.

A closed month never changes: a correction or void touching it afterwards changes
today's figures of its lines, and the difference is an **adjustment** line on the
statement of the next open month after it (the first month after it that is not
closed). When that month closes, its adjustments are stored with it, so each change
is adjusted exactly once: the adjustment due for a closed month is today's figure
minus everything stored for that month (its lines and its earlier adjustments).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db.models import Sum

from billing.models import Statement, StatementLine
from billing.payable import Line, client_lines, facilitator_lines, month_range, next_month
from billing.rules import ZERO
from classes.models import MonthClose

FACILITATOR = Statement.Kind.FACILITATOR
CLIENT = Statement.Kind.CLIENT


def previous_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def closed_months(client_id: int) -> set[datetime.date]:
    return set(MonthClose.objects.filter(client_id=client_id).values_list("month", flat=True))


def live_lines(kind: str, *, client_id: int, month: datetime.date) -> list[Line]:
    compute = facilitator_lines if kind == FACILITATOR else client_lines
    return compute(client_id=client_id, month=month)


def _party(kind: str, line: Line) -> int | None:
    return line.facilitator_id if kind == FACILITATOR else None


def _stored(kind: str, *, client_id: int, for_month: datetime.date) -> dict[tuple, dict]:
    """Everything stored for `for_month`'s lines, per (party, key): hours and amount
    summed over its closed line and the adjustments already stored for it."""
    rows = (
        StatementLine.objects.filter(
            statement__kind=kind, statement__client_id=client_id, for_month=for_month
        )
        .values(
            "statement__facilitator_id",
            "key",
            "klass_id",
            "klass__code",
            "session_id",
            "session_date",
            "status",
            "learner_id",
            "learner__surname",
            "learner__first_names",
        )
        .annotate(hours=Sum("hours"), present=Sum("hours_present"), amount=Sum("amount"))
    )
    stored: dict[tuple, dict] = {}
    for row in rows:
        party_key = (row["statement__facilitator_id"], row["key"])
        entry = stored.setdefault(
            party_key,
            {
                "hours": ZERO,
                "present": ZERO,
                "amount": ZERO,
                "klass_id": row["klass_id"],
                "code": row["klass__code"],
                "session_id": row["session_id"],
                "session_date": row["session_date"],
                "status": row["status"],
                "learner_id": row["learner_id"],
                "learner_name": f"{row['learner__surname']}, {row['learner__first_names']}"
                if row["learner_id"]
                else "",
            },
        )
        entry["hours"] += row["hours"]
        entry["present"] += row["present"]
        entry["amount"] += row["amount"]
    return stored


def hours_text(hours: Decimal) -> str:
    """Hours as people write them: 3, 4.5 (not 3.00, 4.50)."""
    return f"{hours.normalize():f}" if hours else "0"


def _described(line: Line, for_month: datetime.date, before: dict | None) -> str:
    def figures(hours: Decimal, present: Decimal, amount: Decimal) -> str:
        return (
            f"{hours_text(hours)} h paid or billed, {hours_text(present)} h present, R {amount:.2f}"
        )

    was = figures(before["hours"], before["present"], before["amount"]) if before else "nothing"
    what = line.session_date.isoformat() if line.session_date else line.learner_name
    return (
        f"Adjustment for {for_month:%B %Y} ({line.class_code} {what}): "
        f"closed with {was}; now {figures(line.hours, line.present, line.amount)}"
    )


def adjustments_due(
    kind: str, *, client_id: int, for_month: datetime.date
) -> dict[int | None, list[Line]]:
    """Per party, the adjustments closed month `for_month` needs now: today's figure
    of each of its lines minus what is stored for it, where they differ."""
    live = {
        (_party(kind, line), line.key): line
        for line in live_lines(kind, client_id=client_id, month=for_month)
    }
    stored = _stored(kind, client_id=client_id, for_month=for_month)
    due: dict[int | None, list[Line]] = defaultdict(list)
    for party_key in sorted(set(live) | set(stored), key=lambda k: (k[0] or 0, k[1])):
        party, key = party_key
        now = live.get(party_key)
        before = stored.get(party_key)
        hours = (now.hours if now else ZERO) - (before["hours"] if before else ZERO)
        present = (now.present if now else ZERO) - (before["present"] if before else ZERO)
        amount = (now.amount if now else ZERO) - (before["amount"] if before else ZERO)
        if hours == 0 and present == 0 and amount == 0:
            continue
        base = now or Line(
            key=key,
            klass_id=before["klass_id"],  # type: ignore[index]
            class_code=before["code"],  # type: ignore[index]
            hours=ZERO,
            amount=ZERO,
            facilitator_id=party,
            session_id=before["session_id"],  # type: ignore[index]
            session_date=before["session_date"],  # type: ignore[index]
            learner_id=before["learner_id"],  # type: ignore[index]
            learner_name=before["learner_name"],  # type: ignore[index]
        )
        due[party].append(
            replace(
                base,
                hours=hours,
                present=present,
                amount=amount,
                for_month=for_month,
                description=_described(base, for_month, before),
            )
        )
    return due


def months_adjusted_in(month: datetime.date, closed: set[datetime.date]) -> list[datetime.date]:
    """The closed months whose adjustments go on `month`'s statements: the run of
    closed months just before it (for each, `month` is the next open one)."""
    found = []
    earlier = previous_month(month)
    while earlier in closed:
        found.append(earlier)
        earlier = previous_month(earlier)
    return sorted(found)


@dataclass
class StatementView:
    """A statement as shown and printed: its lines and adjustments, totals, and
    whether it is the stored one of a closed month."""

    kind: str
    client_id: int
    month: datetime.date
    facilitator_id: int | None
    lines: list[Line] = field(default_factory=list)
    adjustments: list[Line] = field(default_factory=list)
    stored: Statement | None = None
    closed: bool = False
    adjusted_later: bool = False

    @property
    def all_lines(self) -> list[Line]:
        return [*self.lines, *self.adjustments]

    @property
    def hours(self) -> Decimal:
        return sum((line.hours for line in self.all_lines), ZERO)

    @property
    def present(self) -> Decimal:
        return sum((line.present for line in self.all_lines), ZERO)

    @property
    def amount(self) -> Decimal:
        return sum((line.amount for line in self.all_lines), ZERO)

    @property
    def period(self) -> tuple[datetime.date, datetime.date]:
        return month_range(self.month)


def _line_from_row(row: StatementLine) -> Line:
    return Line(
        key=row.key,
        klass_id=row.klass_id,
        class_code=row.klass.code,
        hours=row.hours,
        present=row.hours_present,
        amount=row.amount,
        facilitator_id=row.statement.facilitator_id,
        session_id=row.session_id,
        session_date=row.session_date,
        status=row.status,
        rule=row.rule,
        pays=row.pays,
        learner_id=row.learner_id,
        learner_name=f"{row.learner.surname}, {row.learner.first_names}" if row.learner else "",
        days=row.days,
        rate=row.rate,
        description=row.description if row.kind == row.Kind.ADJUSTMENT else "",
        for_month=row.for_month if row.kind == row.Kind.ADJUSTMENT else None,
    )


def open_view(
    kind: str, *, client_id: int, month: datetime.date, facilitator_id: int | None = None
) -> StatementView:
    """The statement as it is computed now (the month is open, or for freezing it)."""
    month = month.replace(day=1)
    party = facilitator_id if kind == FACILITATOR else None
    lines = [
        line
        for line in live_lines(kind, client_id=client_id, month=month)
        if _party(kind, line) == party
    ]
    adjustments = []
    for earlier in months_adjusted_in(month, closed_months(client_id)):
        adjustments += adjustments_due(kind, client_id=client_id, for_month=earlier).get(party, [])
    return StatementView(
        kind=kind,
        client_id=client_id,
        month=month,
        facilitator_id=party,
        lines=lines,
        adjustments=adjustments,
    )


def statement_view(
    kind: str, *, client_id: int, month: datetime.date, facilitator_id: int | None = None
) -> StatementView:
    """The statement of the month: the stored one if the month is closed, else today's."""
    month = month.replace(day=1)
    party = facilitator_id if kind == FACILITATOR else None
    if month not in closed_months(client_id):
        return open_view(kind, client_id=client_id, month=month, facilitator_id=party)
    stored = Statement.objects.filter(
        kind=kind, client_id=client_id, month=month, facilitator_id=party
    ).first()
    view = StatementView(
        kind=kind, client_id=client_id, month=month, facilitator_id=party, closed=True
    )
    if stored is not None:
        view.stored = stored
        rows = stored.lines.select_related("klass", "statement", "learner").order_by("id")
        for row in rows:
            line = _line_from_row(row)
            (view.adjustments if row.kind == row.Kind.ADJUSTMENT else view.lines).append(line)
    view.adjusted_later = was_adjusted_later(kind, client_id=client_id, month=month, party=party)
    return view


def was_adjusted_later(
    kind: str, *, client_id: int, month: datetime.date, party: int | None
) -> bool:
    """Whether a closed month's figures were changed after the close: an adjustment
    for it is stored in a later statement, or is due on the next open month."""
    later = StatementLine.objects.filter(
        statement__kind=kind,
        statement__client_id=client_id,
        statement__facilitator_id=party,
        for_month=month,
        kind=StatementLine.Kind.ADJUSTMENT,
    )
    if later.exists():
        return True
    return bool(adjustments_due(kind, client_id=client_id, for_month=month).get(party))


def facilitators_with_lines(*, client_id: int, month: datetime.date) -> set[int]:
    """The facilitators who have a statement for the client's month: a line, or an
    adjustment due on it."""
    month = month.replace(day=1)
    parties = {line.facilitator_id for line in facilitator_lines(client_id=client_id, month=month)}
    for earlier in months_adjusted_in(month, closed_months(client_id)):
        parties |= set(adjustments_due(FACILITATOR, client_id=client_id, for_month=earlier))
    return {party for party in parties if party is not None}


__all__ = [
    "CLIENT",
    "FACILITATOR",
    "StatementView",
    "facilitators_with_lines",
    "next_month",
    "open_view",
    "statement_view",
]
