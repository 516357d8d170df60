"""The month's reconciliation (issue 14), a selector: for every client, what the
session records say was delivered, what the hours log bills, what the facilitators
are paid and what they claimed, side by side, the mismatches first.

Two kinds of row:

- a class: captured hours (billing.payable.captured_hours: the scheduled hours of its
  captured sessions), billed hours (billing.payable.billed_class_hours: the session
  hours the hours log credits) and the facilitators' payable hours for it
  (billing.payable.facilitator_lines). Captured ≠ billed is a mismatch: a session
  was captured but not credited to anyone (no programme in progress), or its ledger
  rows were reversed without new ones. Payable hours differ from captured by design
  (a travel allowance, a late cancellation), so they are shown, not compared.
- a facilitator's statement for the client's month: its payable hours (the
  statement's, as billing.statements gives it: the stored one of a closed month,
  adjustments included, which is what a claim is reviewed against) and the hours of
  the latest submitted claim. Claimed ≠ payable, or no claim for a statement with
  lines, is a mismatch.

Nothing here computes a figure: every number comes from billing.payable or
billing.statements.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model

from attendance_project.people import person_name
from billing.month_overview import facilitator_parties
from billing.payable import billed_class_hours, captured_hours, facilitator_lines
from billing.rules import ZERO
from billing.services import claim_state
from billing.statements import FACILITATOR, statement_view
from classes.models import Class
from learners.models import Client

CLASS_ROW = "class"
STATEMENT_ROW = "statement"

BILLED_NOT_CAPTURED = "billed {billed} h ≠ captured {captured} h"
CLAIMED_NOT_PAYABLE = "claimed {claimed} h ≠ payable {payable} h"
NO_CLAIM = "no claim submitted for {payable} h payable"


def hours_text(value: Decimal) -> str:
    """Hours as the pages show them: one decimal (hours come in half-hour steps),
    two if a sum ever has a finer part."""
    return f"{value:.1f}" if (value * 10) % 1 == 0 else f"{value:.2f}"


@dataclass
class ReconciliationRow:
    kind: str  # CLASS_ROW or STATEMENT_ROW
    client_id: int
    client_name: str
    # A class row: the class; a statement row: the facilitator.
    klass_id: int | None = None
    class_code: str = ""
    facilitator_id: int | None = None
    facilitator_name: str = ""
    captured: Decimal | None = None
    billed: Decimal | None = None
    payable: Decimal | None = None
    claimed: Decimal | None = None
    claim_status: str = ""
    mismatches: list[str] = field(default_factory=list)

    @property
    def is_mismatch(self) -> bool:
        return bool(self.mismatches)


@dataclass
class Reconciliation:
    month: datetime.date
    rows: list[ReconciliationRow]

    @property
    def mismatches(self) -> list[ReconciliationRow]:
        return [row for row in self.rows if row.is_mismatch]

    @property
    def matching(self) -> list[ReconciliationRow]:
        return [row for row in self.rows if not row.is_mismatch]


def _class_rows(client: Client, month: datetime.date) -> list[ReconciliationRow]:
    captured = captured_hours(client_id=client.pk, month=month)
    billed = billed_class_hours(client_id=client.pk, month=month)
    payable: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for line in facilitator_lines(client_id=client.pk, month=month):
        payable[line.klass_id] += line.hours
    class_ids = set(captured) | set(billed) | set(payable)
    codes = dict(Class.objects.filter(pk__in=class_ids).values_list("pk", "code"))
    rows = []
    for klass_id in class_ids:
        captured_h = captured.get(klass_id, ZERO)
        billed_h = billed.get(klass_id, ZERO)
        row = ReconciliationRow(
            kind=CLASS_ROW,
            client_id=client.pk,
            client_name=client.name,
            klass_id=klass_id,
            class_code=codes.get(klass_id, ""),
            captured=captured_h,
            billed=billed_h,
            payable=payable.get(klass_id, ZERO),
        )
        if captured_h != billed_h:
            row.mismatches.append(
                BILLED_NOT_CAPTURED.format(
                    billed=hours_text(billed_h), captured=hours_text(captured_h)
                )
            )
        rows.append(row)
    return rows


def _statement_rows(client: Client, month: datetime.date) -> list[ReconciliationRow]:
    parties = facilitator_parties(client_id=client.pk, month=month)
    people = {user.pk: user for user in get_user_model().objects.filter(pk__in=parties)}
    rows = []
    for facilitator_id in parties:
        view = statement_view(
            FACILITATOR, client_id=client.pk, month=month, facilitator_id=facilitator_id
        )
        state = claim_state(facilitator_id=facilitator_id, client_id=client.pk, month=month)
        claimed = state.submitted.claimed_hours if state.submitted else None
        row = ReconciliationRow(
            kind=STATEMENT_ROW,
            client_id=client.pk,
            client_name=client.name,
            facilitator_id=facilitator_id,
            facilitator_name=person_name(people[facilitator_id]),
            payable=view.hours,
            claimed=claimed,
            claim_status=state.status,
        )
        if claimed is None:
            if view.all_lines:
                row.mismatches.append(NO_CLAIM.format(payable=hours_text(view.hours)))
        elif claimed != view.hours:
            row.mismatches.append(
                CLAIMED_NOT_PAYABLE.format(
                    claimed=hours_text(claimed), payable=hours_text(view.hours)
                )
            )
        rows.append(row)
    return rows


def _order(row: ReconciliationRow) -> tuple:
    return (
        not row.is_mismatch,
        row.client_name,
        row.kind != CLASS_ROW,
        row.class_code,
        row.facilitator_name,
    )


def reconciliation(*, month: datetime.date) -> Reconciliation:
    """Every client's rows for the month (clients with a class), mismatches first,
    then by client, classes before statements."""
    month = month.replace(day=1)
    rows: list[ReconciliationRow] = []
    for client in Client.objects.filter(pk__in=Class.objects.values("client_id")).order_by("name"):
        rows += _class_rows(client, month)
        rows += _statement_rows(client, month)
    rows.sort(key=_order)
    return Reconciliation(month=month, rows=rows)


CSV_HEADER = [
    "client",
    "row",
    "class",
    "facilitator",
    "captured_hours",
    "billed_hours",
    "payable_hours",
    "claimed_hours",
    "claim_status",
    "mismatch",
]


def csv_rows(report: Reconciliation):
    for row in report.rows:
        yield [
            row.client_name,
            row.kind,
            row.class_code,
            row.facilitator_name,
            row.captured,
            row.billed,
            row.payable,
            row.claimed,
            row.claim_status,
            "; ".join(row.mismatches),
        ]
