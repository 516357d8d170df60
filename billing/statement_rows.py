"""The lists of facilitators' statements (issue 14): a facilitator's own, month by
month and client by client, and the office's list of everyone's for one month.

Reads only. The figures are billing.statements' (open months: the lines of
billing.payable and the adjustments due, as open_view composes them; closed
months: the stored statements); this module only finds which statements there are
and reads each one's totals and claim state in as few queries as it can.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.db.models.functions import TruncMonth

from billing.models import ClaimAction, Statement
from billing.payable import facilitator_lines
from billing.statements import (
    FACILITATOR,
    StatementView,
    adjustments_due,
    months_adjusted_in,
    previous_month,
)
from classes.closed_months import MonthClose
from classes.models import AttendanceSession, BackupFacilitator, Class
from learners.models import Client


@dataclass(frozen=True)
class StatementRow:
    """One facilitator's statement of one client's month, as a list shows it."""

    month: datetime.date
    client_id: int
    client_name: str
    facilitator_id: int
    facilitator_name: str
    hours: Decimal
    amount: Decimal
    closed: bool
    claim_status: str = ""  # the latest claim step's action; "" before any
    claimed_hours: Decimal | None = None  # of the latest submitted step

    @property
    def discrepancy(self) -> Decimal | None:
        """Claimed minus payable hours (None before any claim)."""
        return None if self.claimed_hours is None else self.claimed_hours - self.hours


def person(user) -> str:
    return user.get_full_name() or user.get_username()


def open_views(
    *, client_id: int, month: datetime.date, closed: set[datetime.date]
) -> dict[int, StatementView]:
    """Every facilitator's statement of an open client-month, computed once for all
    of them: open_view's lines and adjustments, grouped by payee instead of filtered
    for one (billing.statements.open_view is the one-facilitator form)."""
    views: dict[int, StatementView] = {}

    def view_of(party: int) -> StatementView:
        return views.setdefault(
            party,
            StatementView(kind=FACILITATOR, client_id=client_id, month=month, facilitator_id=party),
        )

    for line in facilitator_lines(client_id=client_id, month=month):
        if line.facilitator_id is not None:
            view_of(line.facilitator_id).lines.append(line)
    for earlier in months_adjusted_in(month, closed):
        due = adjustments_due(FACILITATOR, client_id=client_id, for_month=earlier)
        for party, adjustments in due.items():
            if party is not None:
                view_of(party).adjustments.extend(adjustments)
    return views


def _closed_by_client(client_ids) -> dict[int, set[datetime.date]]:
    closed: dict[int, set[datetime.date]] = defaultdict(set)
    for client_id, month in MonthClose.objects.filter(client_id__in=list(client_ids)).values_list(
        "client_id", "month"
    ):
        closed[client_id].add(month)
    return closed


def _claims(actions) -> dict[tuple, tuple[str, Decimal | None]]:
    """Per (facilitator, client, month): the latest step's action and the hours of
    the latest submitted step, from actions in step order."""
    claims: dict[tuple, tuple[str, Decimal | None]] = {}
    for action in actions.order_by("step").values(
        "facilitator_id", "client_id", "month", "action", "claimed_hours"
    ):
        key = (action["facilitator_id"], action["client_id"], action["month"])
        claimed = claims.get(key, ("", None))[1]
        if action["action"] == ClaimAction.Action.SUBMITTED:
            claimed = action["claimed_hours"]
        claims[key] = (action["action"], claimed)
    return claims


def _months_back(current: datetime.date, earliest: datetime.date) -> list[datetime.date]:
    months = []
    month = current
    while month >= earliest:
        months.append(month)
        month = previous_month(month)
    return months


def facilitator_rows(*, facilitator, today: datetime.date) -> list[StatementRow]:
    """The facilitator's statements: for each client they have lines for, every
    month from the current one back to the first with a line of theirs (a session
    of their classes, a stored statement or a claim), latest first; a month without
    anything for them shows as nothing payable."""
    current = today.replace(day=1)
    backed_up = BackupFacilitator.objects.filter(user=facilitator).values("klass_id")
    recorded = (
        AttendanceSession.objects.exclude(status=AttendanceSession.Status.PENDING)
        .filter(Q(klass__facilitator=facilitator) | Q(klass_id__in=backed_up))
        .annotate(month=TruncMonth("session_date"))
        .values_list("klass__client_id", "month")
        .order_by()
        .distinct()
    )
    stored = {
        (statement.client_id, statement.month): statement
        for statement in Statement.objects.filter(kind=FACILITATOR, facilitator=facilitator).only(
            "client_id", "month", "hours", "amount"
        )
    }
    claims = _claims(ClaimAction.objects.filter(facilitator=facilitator))
    earliest: dict[int, datetime.date] = {}
    candidates = [*recorded, *stored, *((c, m) for _, c, m in claims)]
    for client_id, month in candidates:
        earliest[client_id] = min(month, earliest.get(client_id, month))
    names = dict(Client.objects.filter(pk__in=list(earliest)).values_list("pk", "name"))
    closed = _closed_by_client(earliest)
    rows = []
    for client_id, first in earliest.items():
        for month in _months_back(current, min(first, current)):
            if month in closed[client_id]:
                statement = stored.get((client_id, month))
                hours = statement.hours if statement else Decimal("0")
                amount = statement.amount if statement else Decimal("0")
            else:
                view = open_views(client_id=client_id, month=month, closed=closed[client_id]).get(
                    facilitator.pk
                )
                hours = view.hours if view else Decimal("0")
                amount = view.amount if view else Decimal("0")
            status, claimed = claims.get((facilitator.pk, client_id, month), ("", None))
            rows.append(
                StatementRow(
                    month=month,
                    client_id=client_id,
                    client_name=names.get(client_id, ""),
                    facilitator_id=facilitator.pk,
                    facilitator_name=person(facilitator),
                    hours=hours,
                    amount=amount,
                    closed=month in closed[client_id],
                    claim_status=status,
                    claimed_hours=claimed,
                )
            )
    rows.sort(key=lambda row: (-row.month.toordinal(), row.client_name, row.client_id))
    return rows


def month_rows(*, month: datetime.date) -> list[StatementRow]:
    """Every facilitator's statement of the month, for every client: the stored ones
    where the client's month is closed, today's where it is open; by facilitator
    and client."""
    month = month.replace(day=1)
    client_ids = set(Class.objects.order_by().values_list("client_id", flat=True).distinct())
    closed = _closed_by_client(client_ids)
    claims = _claims(ClaimAction.objects.filter(month=month))
    figures: dict[tuple[int, int], tuple[Decimal, Decimal]] = {}
    stored = Statement.objects.filter(kind=FACILITATOR, month=month).values_list(
        "facilitator_id", "client_id", "hours", "amount"
    )
    for facilitator_id, client_id, hours, amount in stored:
        figures[facilitator_id, client_id] = (hours, amount)
    for client_id in sorted(client_ids):
        if month in closed[client_id]:
            continue
        for party, view in open_views(
            client_id=client_id, month=month, closed=closed[client_id]
        ).items():
            figures[party, client_id] = (view.hours, view.amount)
    for facilitator_id, client_id, _ in claims:
        figures.setdefault((facilitator_id, client_id), (Decimal("0"), Decimal("0")))
    users = {
        user.pk: user
        for user in get_user_model()
        .objects.filter(pk__in={f for f, _ in figures})
        .only("id", "username", "first_name", "last_name")
    }
    names = dict(Client.objects.filter(pk__in={c for _, c in figures}).values_list("pk", "name"))
    rows = [
        StatementRow(
            month=month,
            client_id=client_id,
            client_name=names.get(client_id, ""),
            facilitator_id=facilitator_id,
            facilitator_name=person(users[facilitator_id]),
            hours=hours,
            amount=amount,
            closed=month in closed[client_id],
            claim_status=claims.get((facilitator_id, client_id, month), ("", None))[0],
            claimed_hours=claims.get((facilitator_id, client_id, month), ("", None))[1],
        )
        for (facilitator_id, client_id), (hours, amount) in figures.items()
    ]
    rows.sort(key=lambda row: (row.facilitator_name.lower(), row.client_name, row.client_id))
    return rows
