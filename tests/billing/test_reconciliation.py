"""The month's reconciliation (issue 14): captured vs billed hours per class, payable
vs claimed hours per facilitator statement, every mismatch named, mismatches first."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from billing.reconciliation import (
    BILLED_NOT_CAPTURED,
    CLAIMED_NOT_PAYABLE,
    CLASS_ROW,
    NO_CLAIM,
    STATEMENT_ROW,
    reconciliation,
)
from billing.services import close_month
from tests.billing.cases import approve, build_reconciled_month
from tests.billing.conftest import FEBRUARY, MARCH

pytestmark = pytest.mark.usefixtures("ledger_checked")


@pytest.fixture
def reconciled_month(february, own_facilitator, other_facilitator, office_admin):
    return build_reconciled_month(
        february=february,
        own_facilitator=own_facilitator,
        other_facilitator=other_facilitator,
        office_admin=office_admin,
    )


def summary(report):
    return [
        (row.kind, row.class_code or row.facilitator_name, row.mismatches) for row in report.rows
    ]


def test_every_mismatch_of_the_month_is_listed_first_and_named(reconciled_month):
    report = reconciliation(month=FEBRUARY)

    assert summary(report) == [
        # Mismatches first, by client (Beta Mining before "Client n (Pty) Ltd").
        (CLASS_ROW, "BETA-1", [BILLED_NOT_CAPTURED.format(billed="3.0", captured="6.0")]),
        (STATEMENT_ROW, "Pieter Botha", [CLAIMED_NOT_PAYABLE.format(claimed="5.0", payable="6.0")]),
        (STATEMENT_ROW, "Sipho Zulu", [NO_CLAIM.format(payable="3.0")]),
        # Then what matches: both classes of the first client, and the claim of 7 h.
        (CLASS_ROW, reconciled_month[0].code, []),
        (CLASS_ROW, "CLS-SIPHO", []),
        (STATEMENT_ROW, "Thandi Mokoena", []),
    ]
    assert (
        BILLED_NOT_CAPTURED.format(billed="3.0", captured="6.0") == "billed 3.0 h ≠ captured 6.0 h"
    )
    beta = report.rows[0]
    assert (beta.captured, beta.billed, beta.payable) == (
        Decimal("6.0"),
        Decimal("3.00"),
        Decimal("6.0"),
    )
    own = report.rows[-1]
    assert (own.payable, own.claimed, own.claim_status) == (
        Decimal("7.0"),
        Decimal("7.00"),
        "submitted",
    )


def test_a_month_where_everything_matches_has_no_mismatch(february, own_facilitator):
    from tests.billing.cases import claim

    claim(own_facilitator, february, "7")

    report = reconciliation(month=FEBRUARY)

    assert report.mismatches == []
    assert [(row.kind, row.captured, row.billed, row.payable) for row in report.rows] == [
        (CLASS_ROW, Decimal("6.0"), Decimal("6.00"), Decimal("7.0")),
        (STATEMENT_ROW, None, None, Decimal("7.0")),
    ]


def test_a_closed_month_compares_the_claim_with_the_stored_statement(
    reconciled_month, office_admin, other_facilitator
):
    february, beta, _ = reconciled_month
    close_month(month=FEBRUARY, closed_by=office_admin)

    report = reconciliation(month=FEBRUARY)

    assert [text for row in report.mismatches for text in row.mismatches] == [
        BILLED_NOT_CAPTURED.format(billed="3.0", captured="6.0"),
        CLAIMED_NOT_PAYABLE.format(claimed="5.0", payable="6.0"),
        NO_CLAIM.format(payable="3.0"),
    ]


def test_the_approved_claim_still_shows_its_hours(february, own_facilitator, office_admin):
    from tests.billing.cases import claim

    claim(own_facilitator, february, "7")
    approve(office_admin, own_facilitator, february)

    (row,) = [r for r in reconciliation(month=FEBRUARY).rows if r.kind == STATEMENT_ROW]

    assert (row.claimed, row.claim_status, row.mismatches) == (Decimal("7.00"), "approved", [])


def test_a_month_with_nothing_recorded_has_no_rows(february):
    assert reconciliation(month=MARCH).rows == []


# ---- The page


def test_the_page_shows_the_mismatches_first(client, office_admin, reconciled_month):
    client.force_login(office_admin)

    response = client.get(reverse("billing:reconciliation"), {"month": "2026-02"})

    assert response.status_code == 200
    html = response.content.decode()
    texts = [
        "billed 3.0 h ≠ captured 6.0 h",
        "claimed 5.0 h ≠ payable 6.0 h",
        "no claim submitted for 3.0 h payable",
        reconciled_month[0].code,
    ]
    positions = [html.index(text) for text in texts]
    assert positions == sorted(positions)
    assert "February 2026" in html


def test_the_csv_has_every_row(client, office_admin, reconciled_month):
    client.force_login(office_admin)

    response = client.get(reverse("billing:reconciliation_csv"), {"month": "2026-02"})

    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 6
    assert rows[0]["mismatch"] == "billed 3.0 h ≠ captured 6.0 h"
    assert [row["mismatch"] for row in rows[3:]] == ["", "", ""]


def test_a_month_that_is_no_month_shows_last_month_with_a_message(client, office_admin, february):
    client.force_login(office_admin)

    response = client.get(reverse("billing:reconciliation"), {"month": "2026-13"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "is not a month (YYYY-MM); showing February 2026 instead." in html
    assert february.code in html


def test_facilitators_cannot_open_the_reconciliation(
    client, own_facilitator, other_facilitator, february
):
    for user in (own_facilitator, other_facilitator):
        client.force_login(user)
        assert client.get(reverse("billing:reconciliation")).status_code == 403
        assert client.get(reverse("billing:reconciliation_csv")).status_code == 403
    client.logout()
    response = client.get(reverse("billing:reconciliation"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_reconciliation_is_read_only(client, office_admin):
    client.force_login(office_admin)
    assert client.post(reverse("billing:reconciliation")).status_code == 405
