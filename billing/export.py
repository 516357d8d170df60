"""The accounting export (issue 14): a month's client billing as Xero sales invoices
and its approved facilitator pay as Xero bills, in the CSV layout of Xero's import
templates (docs/billing-export.md says which and why).

Only what is final goes out, read from the stored statements of closed months (the
figures a close froze, never recomputed):

- invoices: the client statements of the month (a statement exists once the client's
  month is closed);
- bills: the facilitator statements of the month whose claim is approved
  (billing.services.claim_state).

One CSV row per stored statement line (adjustments of earlier months included, as
their own lines), so an invoice or a bill adds up to its statement's amount: Xero
groups the rows of one InvoiceNumber into one document. The numbers are derived from
the month and the parties, so exporting again gives the same numbers and Xero
refuses a second import of the same document instead of doubling it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model

from attendance_project.csv_export import BOM, csv_line, safe_cell
from attendance_project.people import person_name
from billing.models import Statement, StatementLine
from billing.payable import month_range
from billing.rules import CENT, rule_words
from billing.services import claim_state
from billing.statements import CLIENT, facilitators_with_lines, hours_text, open_view
from classes.models import MonthClose
from learners.models import Client

# Xero's import templates, column for column (the sales invoice and the bill
# templates share this layout); * marks the columns Xero requires.
XERO_COLUMNS = [
    "*ContactName",
    "EmailAddress",
    "POAddressLine1",
    "POAddressLine2",
    "POAddressLine3",
    "POAddressLine4",
    "POCity",
    "PORegion",
    "POPostalCode",
    "POCountry",
    "*InvoiceNumber",
    "Reference",
    "*InvoiceDate",
    "*DueDate",
    "InventoryItemCode",
    "*Description",
    "*Quantity",
    "*UnitAmount",
    "Discount",
    "*AccountCode",
    "*TaxType",
    "TrackingName1",
    "TrackingOption1",
    "TrackingName2",
    "TrackingOption2",
    "Currency",
]
CURRENCY = "ZAR"
XERO_DATE = "%d/%m/%Y"

# The settings, read when a file is made (never at import): the Xero organisation's
# account codes and tax rate name, and the payment terms.
DEFAULT_SALES_ACCOUNT = "200"
DEFAULT_PAY_ACCOUNT = "310"
DEFAULT_TAX_TYPE = "No VAT"
DEFAULT_DUE_DAYS = 30

NOT_CLOSED = "{month} is not closed for this client yet"
CLAIM_NOT_APPROVED = "the claim is {status}"
NO_CLAIM = "no claim was submitted"


def sales_account() -> str:
    return str(getattr(settings, "BILLING_SALES_ACCOUNT", DEFAULT_SALES_ACCOUNT))


def pay_account() -> str:
    return str(getattr(settings, "BILLING_PAY_ACCOUNT", DEFAULT_PAY_ACCOUNT))


def tax_type() -> str:
    return str(getattr(settings, "BILLING_TAX_TYPE", DEFAULT_TAX_TYPE))


def due_days() -> int:
    return int(getattr(settings, "BILLING_DUE_DAYS", DEFAULT_DUE_DAYS))


def invoice_number(*, month: datetime.date, client_id: int) -> str:
    return f"INV-{month:%Y-%m}-{client_id}"


def bill_number(*, month: datetime.date, facilitator_id: int, client_id: int) -> str:
    return f"BILL-{month:%Y-%m}-{facilitator_id}-{client_id}"


def document_dates(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The invoice (or bill) date, the month's last day, and its due date."""
    last = month_range(month)[1]
    return last, last + datetime.timedelta(days=due_days())


def quantity_and_unit(line: StatementLine) -> tuple[Decimal, Decimal]:
    """Quantity × unit amount that make exactly the line's amount: the hours (or,
    for a daily rate, the days) at the rate when that divides to the cent, else one
    of the whole amount (an adjustment, a mixed-rate month)."""
    for quantity in (line.hours, Decimal(line.days)):
        if quantity > 0 and line.amount >= 0:
            unit = (line.amount / quantity).quantize(CENT)
            if unit * quantity == line.amount:
                return quantity, unit
    return Decimal("1"), line.amount


def line_description(line: StatementLine, *, facilitator: bool) -> str:
    if line.kind == StatementLine.Kind.ADJUSTMENT:
        return line.description or f"Adjustment for {line.for_month:%B %Y}"
    if facilitator:
        when = line.session_date.strftime(XERO_DATE) if line.session_date else ""
        rule = rule_words(line.rule, line.pays)
        return (
            f"{line.klass.code} session of {when}, {hours_text(line.hours)} h at {line.rate} "
            f"({rule})"
        )
    learner = f"{line.learner.surname}, {line.learner.first_names}" if line.learner else ""
    days = f"{line.days} day{'s' if line.days != 1 else ''}"
    return (
        f"{line.klass.code} {learner}: {hours_text(line.hours)} h trained ({days}) at {line.rate}"
    )


@dataclass
class Document:
    """One invoice or bill of the export: its stored statement and what it holds."""

    number: str
    statement: Statement
    contact: str
    email: str

    @property
    def amount(self) -> Decimal:
        return self.statement.amount


@dataclass
class LeftOut:
    """A statement of the month that is not in the export, and why."""

    kind: str
    client: Client
    facilitator_name: str
    reason: str


@dataclass
class MonthExport:
    month: datetime.date
    invoices: list[Document] = field(default_factory=list)
    bills: list[Document] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)


def invoices(month: datetime.date) -> list[Document]:
    """The client statements of the month: stored, so closed."""
    month = month.replace(day=1)
    statements = Statement.objects.filter(kind=Statement.Kind.CLIENT, month=month).select_related(
        "client"
    )
    return [
        Document(
            number=invoice_number(month=month, client_id=statement.client_id),
            statement=statement,
            contact=statement.client.name,
            email=statement.client.contact_email,
        )
        for statement in statements.order_by("client__name", "client_id")
    ]


def _facilitator_statements(month: datetime.date):
    return (
        Statement.objects.filter(kind=Statement.Kind.FACILITATOR, month=month)
        .select_related("client", "facilitator")
        .order_by("client__name", "facilitator__last_name", "facilitator__first_name", "pk")
    )


def bills(month: datetime.date) -> list[Document]:
    """The facilitator statements of the month (stored, so closed) whose claim is
    approved."""
    month = month.replace(day=1)
    found = []
    for statement in _facilitator_statements(month):
        assert statement.facilitator_id is not None  # a facilitator statement names one
        state = claim_state(
            facilitator_id=statement.facilitator_id, client_id=statement.client_id, month=month
        )
        if state.status != "approved":
            continue
        found.append(
            Document(
                number=bill_number(
                    month=month,
                    facilitator_id=statement.facilitator_id,
                    client_id=statement.client_id,
                ),
                statement=statement,
                contact=person_name(statement.facilitator),
                email=statement.facilitator.email if statement.facilitator else "",
            )
        )
    return found


def month_export(month: datetime.date) -> MonthExport:
    """What the month's export holds, and what it leaves out and why: the
    statements of clients whose month is not closed (with something on them), and
    facilitator statements whose claim is not approved."""
    month = month.replace(day=1)
    export = MonthExport(month=month, invoices=invoices(month), bills=bills(month))
    not_closed = NOT_CLOSED.format(month=f"{month:%B %Y}")
    closed = set(MonthClose.objects.filter(month=month).values_list("client_id", flat=True))
    users = get_user_model().objects
    for client in Client.objects.exclude(pk__in=closed).order_by("name"):
        parties = facilitators_with_lines(client_id=client.pk, month=month)
        if open_view(CLIENT, client_id=client.pk, month=month).all_lines:
            export.left_out.append(LeftOut("client", client, "", not_closed))
        for user in sorted(users.filter(pk__in=parties), key=person_name):
            export.left_out.append(LeftOut("facilitator", client, person_name(user), not_closed))
    exported = {document.statement.pk for document in export.bills}
    for statement in _facilitator_statements(month):
        if statement.pk in exported:
            continue
        assert statement.facilitator_id is not None
        state = claim_state(
            facilitator_id=statement.facilitator_id, client_id=statement.client_id, month=month
        )
        reason = CLAIM_NOT_APPROVED.format(status=state.status) if state.status else NO_CLAIM
        export.left_out.append(
            LeftOut("facilitator", statement.client, person_name(statement.facilitator), reason)
        )
    return export


def _rows(documents: list[Document], *, month: datetime.date, facilitator: bool) -> Iterator[list]:
    invoice_date, due_date = document_dates(month)
    account = pay_account() if facilitator else sales_account()
    tax = tax_type()
    for document in documents:
        statement = document.statement
        reference = f"{month:%Y-%m} statement {statement.checksum[:12]}"
        if facilitator:
            reference = f"{statement.client.name}, {reference}"
        lines = statement.lines.select_related("klass", "learner").order_by("id")
        for line in lines:
            quantity, unit = quantity_and_unit(line)
            yield [
                document.contact,
                document.email,
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                document.number,
                reference,
                invoice_date.strftime(XERO_DATE),
                due_date.strftime(XERO_DATE),
                "",
                line_description(line, facilitator=facilitator),
                hours_text(quantity),
                unit,
                "",
                account,
                tax,
                "",
                "",
                "",
                "",
                CURRENCY,
            ]


def xero_csv(documents: list[Document], *, month: datetime.date, facilitator: bool) -> str:
    """The Xero import file: UTF-8 with a byte-order mark, CRLF lines, every text
    cell guarded against formula injection (attendance_project.csv_export)."""
    lines = [BOM + csv_line(XERO_COLUMNS)]
    for row in _rows(documents, month=month.replace(day=1), facilitator=facilitator):
        lines.append(csv_line(safe_cell(cell) for cell in row))
    return "".join(lines)


def invoices_csv(month: datetime.date) -> str:
    return xero_csv(invoices(month), month=month, facilitator=False)


def bills_csv(month: datetime.date) -> str:
    return xero_csv(bills(month), month=month, facilitator=True)
