"""The accounting export (issue 14): Xero sales invoices of the closed client
statements, Xero bills of the closed and approved facilitator statements; what is
left out, and why; totals that are the statements' amounts."""

import csv
import io
from collections import defaultdict
from decimal import Decimal

import pytest
from django.urls import reverse

from billing.export import XERO_COLUMNS, bill_number, invoice_number
from billing.models import Statement
from billing.services import close_month, review_claim
from learners.models import Client
from tests.billing.cases import approve, build_reconciled_month
from tests.billing.conftest import FEBRUARY

pytestmark = pytest.mark.usefixtures("ledger_checked")


@pytest.fixture
def reconciled_month(february, own_facilitator, other_facilitator, office_admin):
    return build_reconciled_month(
        february=february,
        own_facilitator=own_facilitator,
        other_facilitator=other_facilitator,
        office_admin=office_admin,
    )


def download(client, name, month=FEBRUARY):
    response = client.get(reverse(f"billing:{name}", args=[month]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 with its byte-order mark
    text = body.decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(text)))
    assert header == XERO_COLUMNS
    return list(csv.DictReader(io.StringIO(text)))


def totals(rows) -> dict[str, Decimal]:
    """Per document number, the sum of quantity × unit amount, as Xero adds it up."""
    found: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        found[row["*InvoiceNumber"]] += Decimal(row["*Quantity"]) * Decimal(row["*UnitAmount"])
    return dict(found)


@pytest.fixture
def closed_first_client(reconciled_month, office_admin, own_facilitator, other_facilitator):
    """The first client's February closed (the own facilitator's claim approved,
    Sipho's never made); Beta Mining's still open, its claim approved."""
    february, beta, sipho_class = reconciled_month
    approve(office_admin, own_facilitator, february)
    approve(office_admin, other_facilitator, beta)
    close_month(month=FEBRUARY, closed_by=office_admin, client_ids=[february.client_id])
    return reconciled_month


def test_invoices_are_the_closed_client_statements_line_by_line(
    client, office_admin, closed_first_client
):
    february, beta, _ = closed_first_client
    statement = Statement.objects.get(kind="client", client=february.client)
    client.force_login(office_admin)

    rows = download(client, "export_invoices")

    number = invoice_number(month=FEBRUARY, client_id=february.client_id)
    assert number == f"INV-2026-02-{february.client_id}"
    # One row per stored line: three learners of one class, one of the other.
    assert len(rows) == statement.lines.count() == 4
    assert {row["*InvoiceNumber"] for row in rows} == {number}
    assert totals(rows) == {number: statement.amount} == {number: Decimal("840.00")}
    first = rows[0]
    assert first["*ContactName"] == february.client.name
    assert (first["*InvoiceDate"], first["*DueDate"]) == ("28/02/2026", "30/03/2026")
    assert (first["*Quantity"], first["*UnitAmount"]) == ("6", "40.00")
    assert (first["*AccountCode"], first["*TaxType"], first["Currency"]) == ("200", "No VAT", "ZAR")
    assert first["*Description"].startswith(f"{february.code} ")
    assert "6 h trained (2 days) at R 40.00/h" in first["*Description"]
    assert statement.checksum[:12] in first["Reference"]


def test_bills_are_the_closed_statements_whose_claim_is_approved(
    client, office_admin, own_facilitator, closed_first_client
):
    february, _, _ = closed_first_client
    statement = Statement.objects.get(kind="facilitator", facilitator=own_facilitator)
    client.force_login(office_admin)

    rows = download(client, "export_bills")

    # Sipho's statement is closed but unclaimed; Beta's claim is approved but its
    # month is open: neither is billed.
    number = bill_number(
        month=FEBRUARY, facilitator_id=own_facilitator.pk, client_id=february.client_id
    )
    assert number == f"BILL-2026-02-{own_facilitator.pk}-{february.client_id}"
    assert totals(rows) == {number: statement.amount} == {number: Decimal("1750.00")}
    assert len(rows) == statement.lines.count() == 4
    assert {row["*ContactName"] for row in rows} == {"Thandi Mokoena"}
    assert {row["EmailAddress"] for row in rows} == {own_facilitator.email}
    assert [(row["*Quantity"], row["*UnitAmount"]) for row in rows] == [
        ("3", "250.00"),  # captured
        ("1", "250.00"),  # everyone absent: the travel allowance
        ("1", "0.00"),  # facilitator absent: nothing
        ("3", "250.00"),  # cancelled late
    ]
    assert {row["*AccountCode"] for row in rows} == {"310"}


def test_the_export_page_says_what_is_in_and_what_is_left_out(
    client, office_admin, closed_first_client
):
    february, beta, _ = closed_first_client
    client.force_login(office_admin)

    response = client.get(reverse("billing:export"), {"month": "2026-02"})

    assert response.status_code == 200
    html = response.content.decode()
    assert f"INV-2026-02-{february.client_id}: {february.client.name}, R 840.00" in html
    assert "Thandi Mokoena for " in html
    assert "Client billing of Beta Mining: February 2026 is not closed for this client yet." in html
    assert "Pay of Pieter Botha for Beta Mining: February 2026 is not closed" in html
    assert f"Pay of Sipho Zulu for {february.client.name}: no claim was submitted." in html
    assert reverse("billing:export_invoices", args=[FEBRUARY]) in html
    assert reverse("billing:export_bills", args=[FEBRUARY]) in html


def test_a_disputed_claim_is_left_out_of_the_bills(
    client, office_admin, other_facilitator, reconciled_month
):
    february, beta, _ = reconciled_month
    review_claim(
        reviewer=office_admin,
        facilitator_id=other_facilitator.pk,
        client_id=beta.client_id,
        month=FEBRUARY,
        approve=False,
        notes="Two sessions, six hours",
        expected_step=1,
    )
    close_month(month=FEBRUARY, closed_by=office_admin)
    client.force_login(office_admin)

    assert download(client, "export_bills") == []
    invoices = download(client, "export_invoices")
    page = client.get(reverse("billing:export"), {"month": "2026-02"}).content.decode()

    assert "Pay of Pieter Botha for Beta Mining: the claim is disputed." in page
    expected = {
        invoice_number(month=FEBRUARY, client_id=s.client_id): s.amount
        for s in Statement.objects.filter(kind="client")
    }
    assert totals(invoices) == expected
    assert len(expected) == 2


def test_nothing_closed_means_empty_files_with_the_header(client, office_admin, february):
    client.force_login(office_admin)
    assert download(client, "export_invoices") == []
    assert download(client, "export_bills") == []


def test_the_account_codes_and_tax_type_come_from_the_settings(
    client, office_admin, settings, closed_first_client
):
    settings.BILLING_SALES_ACCOUNT = "4000"
    settings.BILLING_PAY_ACCOUNT = "5100"
    settings.BILLING_TAX_TYPE = "Zero Rated"
    client.force_login(office_admin)

    invoices = download(client, "export_invoices")
    bills = download(client, "export_bills")

    assert {(r["*AccountCode"], r["*TaxType"]) for r in invoices} == {("4000", "Zero Rated")}
    assert {(r["*AccountCode"], r["*TaxType"]) for r in bills} == {("5100", "Zero Rated")}


def test_a_name_that_is_a_formula_arrives_as_text(client, office_admin, february):
    Client.objects.filter(pk=february.client_id).update(name='=HYPERLINK("http://x")')
    close_month(month=FEBRUARY, closed_by=office_admin)
    client.force_login(office_admin)

    rows = download(client, "export_invoices")

    assert {row["*ContactName"] for row in rows} == {'\'=HYPERLINK("http://x")'}


def test_an_adjustment_is_exported_in_the_month_it_is_stored(
    client, office_admin, february, time_machine
):
    import datetime

    from classes.services import void_session
    from tests.billing.conftest import FEB_2, MARCH

    close_month(month=FEBRUARY, closed_by=office_admin)
    # After the close the office voids 2 February: March's statement carries it.
    void_session(klass=february, session_date=FEB_2, voided_by=office_admin, reason="Wrong class")
    time_machine.move_to(datetime.datetime(2026, 4, 1, 8, 0, tzinfo=datetime.UTC), tick=False)
    close_month(month=MARCH, closed_by=office_admin)
    statement = Statement.objects.get(kind="client", month=MARCH)
    client.force_login(office_admin)

    rows = download(client, "export_invoices", month=MARCH)

    number = invoice_number(month=MARCH, client_id=february.client_id)
    assert totals(rows) == {number: statement.amount} == {number: Decimal("-360.00")}
    assert {(row["*Quantity"], row["*UnitAmount"]) for row in rows} == {("1", "-120.00")}
    assert all(row["*Description"].startswith("Adjustment for February 2026") for row in rows)
    assert {row["*InvoiceDate"] for row in rows} == {"31/03/2026"}
    # February's own file is unchanged: its stored lines.
    february_rows = download(client, "export_invoices")
    assert totals(february_rows) == {
        invoice_number(month=FEBRUARY, client_id=february.client_id): Decimal("720.00")
    }
