"""The office's month at a glance (issue 14), a selector: for each client with a
class, whether the month is closed (by whom, when), its client statement's totals,
and each facilitator statement's totals and claim state. Every figure is a
statement's (billing.statements): the stored one of a closed month, else today's.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model

from attendance_project.people import person_name
from billing.models import ClaimAction, Statement
from billing.rules import ZERO
from billing.services import claim_state
from billing.statements import (
    CLIENT,
    FACILITATOR,
    StatementView,
    facilitators_with_lines,
    statement_view,
)
from classes.models import Class, MonthClose
from learners.models import Client


@dataclass
class FacilitatorStatementRow:
    facilitator_id: int
    name: str
    view: StatementView
    claim_status: str
    claimed_hours: Decimal | None


@dataclass
class ClientMonth:
    client: Client
    close: MonthClose | None
    statement: StatementView
    facilitators: list[FacilitatorStatementRow] = field(default_factory=list)

    @property
    def pay_hours(self) -> Decimal:
        return sum((row.view.hours for row in self.facilitators), ZERO)

    @property
    def pay_amount(self) -> Decimal:
        return sum((row.view.amount for row in self.facilitators), ZERO)


@dataclass
class MonthOverview:
    month: datetime.date
    clients: list[ClientMonth]

    @property
    def billed_amount(self) -> Decimal:
        return sum((entry.statement.amount for entry in self.clients), ZERO)

    @property
    def pay_amount(self) -> Decimal:
        return sum((entry.pay_amount for entry in self.clients), ZERO)

    @property
    def closed_count(self) -> int:
        return sum(1 for entry in self.clients if entry.close is not None)


def facilitator_parties(*, client_id: int, month: datetime.date) -> set[int]:
    """The facilitators with a statement for the client's month: lines (or an
    adjustment due) today, a stored statement of the closed month, or a claim."""
    parties = facilitators_with_lines(client_id=client_id, month=month)
    parties |= set(
        Statement.objects.filter(
            kind=Statement.Kind.FACILITATOR, client_id=client_id, month=month
        ).values_list("facilitator_id", flat=True)
    )
    parties |= set(
        ClaimAction.objects.filter(client_id=client_id, month=month).values_list(
            "facilitator_id", flat=True
        )
    )
    return {party for party in parties if party is not None}


def month_overview(*, month: datetime.date) -> MonthOverview:
    month = month.replace(day=1)
    closes = {
        close.client_id: close
        for close in MonthClose.objects.filter(month=month).select_related("closed_by")
    }
    clients = Client.objects.filter(pk__in=Class.objects.values("client_id")).order_by("name")
    entries = []
    for client in clients:
        entry = ClientMonth(
            client=client,
            close=closes.get(client.pk),
            statement=statement_view(CLIENT, client_id=client.pk, month=month),
        )
        parties = facilitator_parties(client_id=client.pk, month=month)
        for user in get_user_model().objects.filter(pk__in=parties):
            state = claim_state(facilitator_id=user.pk, client_id=client.pk, month=month)
            entry.facilitators.append(
                FacilitatorStatementRow(
                    facilitator_id=user.pk,
                    name=person_name(user),
                    view=statement_view(
                        FACILITATOR, client_id=client.pk, month=month, facilitator_id=user.pk
                    ),
                    claim_status=state.status,
                    claimed_hours=state.submitted.claimed_hours if state.submitted else None,
                )
            )
        entry.facilitators.sort(key=lambda row: (row.name, row.facilitator_id))
        entries.append(entry)
    return MonthOverview(month=month, clients=entries)
