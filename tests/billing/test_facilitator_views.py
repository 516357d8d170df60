"""The facilitators' statement pages (issue 14): who may open them, the lines and
totals they show, the claim and its review through HTTP (once per key, refusals
that write nothing), and the closed month's files sent byte for byte.

The month is tests/billing/conftest.py's February 2026 (R 250 an hour): 2 Feb
captured, 3 h, R 750.00; 4 Feb everyone absent, the travel allowance, 1 h,
R 250.00; 9 Feb facilitator absent, nothing; 11 Feb cancelled late, 3 h, R 750.00.
"""

import datetime
import hashlib
import html
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from billing.models import ClaimAction, Statement
from billing.services import (
    CLAIM_CHANGED,
    CLAIM_HOURS_INVALID,
    DISPUTE_NEEDS_NOTE,
    close_month,
)
from billing.statement_rows import facilitator_rows, month_rows
from billing.statements import FACILITATOR, statement_view
from billing.views.facilitator import (
    CLAIM_REVIEWED,
    CLAIM_SUBMITTED,
    DECISION_INVALID,
    MONTH_INVALID,
    STEP_INVALID,
)
from classes.closed_months import MonthClose
from classes.services import void_session
from learners.models import Client as ClientModel
from submissions.keys import issue_key
from submissions.models import FormSubmission
from tests.billing.conftest import FEB_2, FEBRUARY, MARCH
from tests.factories import ClassFactory, FacilitatorRateFactory

pytestmark = pytest.mark.usefixtures("ledger_checked")

NBSP = "\u00a0"
ROUTES = (
    "facilitator_statement",
    "facilitator_statement_pdf",
    "facilitator_statement_csv",
    "submit_claim",
    "review_claim",
)
GET_ROUTES = ROUTES[:3]
POST_ROUTES = ROUTES[3:]


def url(name, facilitator, klass, month=FEBRUARY):
    facilitator_id = facilitator if isinstance(facilitator, int) else facilitator.pk
    return reverse(f"billing:{name}", args=[facilitator_id, klass.client_id, month])


def text(response) -> str:
    """The page's text with its tags and runs of white space taken out."""
    content = html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))
    return re.sub(r"\s+([,.])", r"\1", re.sub(r"\s+", " ", content.replace(NBSP, " ")))


def rows(response) -> list[str]:
    """The text of each table row of the statement (its lines, then the total)."""
    content = response.content.decode()
    found = re.findall(r"<tr(?: [^>]*)?>(.*?)</tr>", content, re.S)
    cells = [
        re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", row)).replace(NBSP, " "))
        for row in found
    ]
    cells = [re.sub(r"\s+([,.])", r"\1", cell).strip() for cell in cells]
    return cells[1:]  # without the header row


def claims():
    return list(ClaimAction.objects.order_by("step").values_list("action", "claimed_hours"))


# ---- Access


def test_the_facilitator_sees_their_statement_with_its_lines_and_totals(
    client, february, own_facilitator
):
    client.force_login(own_facilitator)

    response = client.get(url("facilitator_statement", own_facilitator, february))

    assert response.status_code == 200
    code = february.code
    assert rows(response) == [
        f"Mon 2 Feb {code} Captured Session held: its scheduled hours are paid 3 R 250.00/h "
        "R 750.00",
        f"Wed 4 Feb {code} Captured Session held, every learner absent: the travel allowance "
        "is paid 1 R 250.00/h R 250.00",
        f"Mon 9 Feb {code} Facilitator absent Facilitator absent: not paid 0 R 250.00/h R 0.00",
        f"Wed 11 Feb {code} Client cancelled Client cancelled within the client's notice "
        "period: the scheduled hours are paid 3 R 250.00/h R 750.00",
        "Total 4 lines 7 R 1 750.00",
    ]
    page = text(response)
    assert "Payable hours 7" in page
    assert "Amount R 1 750.00" in page
    assert "Open" in page
    assert "You have not claimed hours for this statement yet." in page
    assert 'name="claimed_hours"' in response.content.decode()


def test_another_facilitator_gets_404_for_every_page_and_form_of_it(
    client, february, own_facilitator, other_facilitator
):
    client.force_login(other_facilitator)
    for name in GET_ROUTES:
        assert client.get(url(name, own_facilitator, february)).status_code == 404, name
    for name in POST_ROUTES:
        data = {"claimed_hours": "3", "notes": "", "step": "0", "decision": "approve"}
        assert client.post(url(name, own_facilitator, february), data).status_code == 404
    assert ClaimAction.objects.count() == 0
    assert FormSubmission.objects.count() == 0


def test_an_unknown_client_or_facilitator_is_404(client, february, own_facilitator, office_admin):
    missing_client = ClientModel.objects.order_by("-pk").first().pk + 1
    client.force_login(own_facilitator)
    path = reverse(
        "billing:facilitator_statement", args=[own_facilitator.pk, missing_client, FEBRUARY]
    )
    assert client.get(path).status_code == 404

    client.force_login(office_admin)
    assert client.get(path).status_code == 404
    nobody = own_facilitator.pk + 1000
    assert client.get(url("facilitator_statement", nobody, february)).status_code == 404
    # An impossible month is no URL of ours.
    bad_month = f"/billing/facilitators/{own_facilitator.pk}/{february.client_id}/2026-13/"
    assert client.get(bad_month).status_code == 404


def test_a_facilitator_without_lines_sees_their_own_empty_statement(
    client, february, own_facilitator, other_facilitator
):
    client.force_login(other_facilitator)

    response = client.get(url("facilitator_statement", other_facilitator, february))

    assert response.status_code == 200
    assert "No session of" in text(response)
    assert "There is nothing to claim for" in text(response)
    assert 'name="claimed_hours"' not in response.content.decode()


def test_an_office_admin_sees_the_statement_without_the_claim_form(
    client, february, own_facilitator, office_admin
):
    client.force_login(office_admin)

    response = client.get(url("facilitator_statement", own_facilitator, february))

    assert response.status_code == 200
    assert "Statement – Thandi Mokoena, February 2026" in text(response)
    assert 'name="claimed_hours"' not in response.content.decode()


def test_anonymous_is_sent_to_log_in(february, own_facilitator):
    anonymous = Client()
    login = reverse("login")
    for name in ROUTES:
        for method in (anonymous.get, anonymous.post):
            response = method(url(name, own_facilitator, february))
            assert response.status_code == 302, name
            assert response["Location"].startswith(login)
    response = anonymous.get(reverse("billing:my_statements"))
    assert response["Location"].startswith(login)


def test_the_wrong_method_is_405(client, february, own_facilitator):
    client.force_login(own_facilitator)
    for name in GET_ROUTES:
        assert client.post(url(name, own_facilitator, february)).status_code == 405, name
    for name in POST_ROUTES:
        assert client.get(url(name, own_facilitator, february)).status_code == 405, name
    assert client.post(reverse("billing:my_statements")).status_code == 405
    assert ClaimAction.objects.count() == 0


# ---- The lists


def test_a_facilitator_lists_their_statements_month_by_month(
    client, february, own_facilitator, other_facilitator
):
    client.force_login(own_facilitator)

    response = client.get(reverse("billing:my_statements"))

    assert response.status_code == 200
    client_name = february.client.name
    assert rows(response) == [
        f"March 2026, {client_name} {client_name} 0 h R 0.00 Not claimed Open",
        f"February 2026, {client_name} {client_name} 7 h R 1 750.00 Not claimed Open",
    ]
    link = url("facilitator_statement", own_facilitator, february)
    assert f'href="{link}"' in response.content.decode()

    client.force_login(other_facilitator)
    assert "You have no statements yet" in text(client.get(reverse("billing:my_statements")))


def test_the_office_lists_every_facilitators_statements_of_a_month(
    client, february, own_facilitator, other_facilitator, office_admin
):
    other_class = ClassFactory(facilitator=other_facilitator, client=february.client)
    FacilitatorRateFactory(klass=other_class, created_by=office_admin)
    client.force_login(office_admin)

    # Last month by default.
    response = client.get(reverse("billing:my_statements"))

    client_name = february.client.name
    assert rows(response) == [
        f"Thandi Mokoena, {client_name}, February 2026 {client_name} 7 h R 1 750.00 "
        "Not claimed Open"
    ]
    assert client.get(reverse("billing:my_statements"), {"month": "2026-01"}).context["rows"] == []
    refused = client.get(reverse("billing:my_statements"), {"month": "2026-13"})
    assert refused.status_code == 200
    assert MONTH_INVALID.format(value="2026-13", month="February 2026") in text(refused)
    assert refused.context["month"] == FEBRUARY


def test_the_lists_show_the_statements_figures(february, own_facilitator, office_admin):
    """The lists compute every facilitator's statement of a client-month at once;
    their totals are each statement's, open, closed and adjusted alike."""

    def figures(rows):
        return {(r.facilitator_id, r.client_id, r.month): (r.hours, r.amount) for r in rows}

    def statements(keys):
        result = {}
        for facilitator_id, client_id, month in keys:
            view = statement_view(
                FACILITATOR, client_id=client_id, month=month, facilitator_id=facilitator_id
            )
            result[facilitator_id, client_id, month] = (view.hours, view.amount)
        return result

    close_month(month=FEBRUARY, closed_by=office_admin)
    void_session(klass=february, session_date=FEB_2, voided_by=office_admin, reason="Wrong class")

    own = figures(facilitator_rows(facilitator=own_facilitator, today=datetime.date(2026, 3, 4)))
    assert own == statements(own)
    assert own[own_facilitator.pk, february.client_id, MARCH] == (
        Decimal("-3.0"),
        Decimal("-750.00"),
    )
    assert own[own_facilitator.pk, february.client_id, FEBRUARY] == (
        Decimal("7.00"),
        Decimal("1750.00"),
    )
    for month in (FEBRUARY, MARCH):
        office = figures(month_rows(month=month))
        assert office == statements(office)
        assert len(office) == 1


# ---- Claims and their review


def test_a_claim_is_submitted_the_discrepancy_shown_and_the_office_approves(
    client, february, own_facilitator, office_admin
):
    client.force_login(own_facilitator)
    statement = url("facilitator_statement", own_facilitator, february)

    response = client.post(
        url("submit_claim", own_facilitator, february),
        {"claimed_hours": "8", "notes": "The 9th was held after all", "step": "0"},
    )

    assert response.status_code == 302
    assert response["Location"] == statement
    page = client.get(statement)
    content = text(page)
    message = CLAIM_SUBMITTED.format(hours="8", month="February 2026", client=february.client.name)
    assert message in content
    assert "Claimed hours 8" in content
    assert "Claimed − payable +1" in content
    assert "The claim is 1 h more than the statement's 7 payable hours." in content
    assert "“The 9th was held after all”" in content
    assert claims() == [("submitted", Decimal("8.00"))]

    client.force_login(office_admin)
    page = client.get(statement)
    assert 'value="approve"' in page.content.decode()
    response = client.post(
        url("review_claim", own_facilitator, february),
        {"decision": "approve", "notes": "", "step": "1"},
        follow=True,
    )

    approved = CLAIM_REVIEWED.format(
        name="Thandi Mokoena", month="February 2026", client=february.client.name, action="approved"
    )
    assert approved in text(response)
    assert claims() == [("submitted", Decimal("8.00")), ("approved", None)]
    review = ClaimAction.objects.get(action="approved")
    assert (review.payable_hours, review.payable_amount, review.acted_by) == (
        Decimal("7.00"),
        Decimal("1750.00"),
        office_admin,
    )

    # Approved: the facilitator's form is gone; the office's list says so.
    client.force_login(own_facilitator)
    page = client.get(statement)
    assert 'name="claimed_hours"' not in page.content.decode()
    assert "The office approved your claim" in text(page)
    client.force_login(office_admin)
    assert "Approved 8 h claimed, +1 h" in text(client.get(reverse("billing:my_statements")))


def test_a_dispute_needs_a_note_and_the_facilitator_claims_again(
    client, february, own_facilitator, office_admin
):
    client.force_login(own_facilitator)
    client.post(
        url("submit_claim", own_facilitator, february), {"claimed_hours": "6.5", "step": "0"}
    )
    client.force_login(office_admin)
    review = url("review_claim", own_facilitator, february)

    refused = client.post(review, {"decision": "dispute", "notes": "  ", "step": "1"})

    assert refused.status_code == 400
    assert DISPUTE_NEEDS_NOTE in text(refused)
    assert 'id="review-notes" name="notes" rows="3" maxlength="2000" aria-invalid="true"' in (
        refused.content.decode()
    )
    assert claims() == [("submitted", Decimal("6.50"))]
    assert FormSubmission.objects.count() == 1  # the claim's; the refusal left none

    response = client.post(
        review, {"decision": "dispute", "notes": "11 Feb was cancelled late", "step": "1"}
    )
    assert response.status_code == 302
    assert claims() == [("submitted", Decimal("6.50")), ("disputed", None)]

    client.force_login(own_facilitator)
    page = client.get(url("facilitator_statement", own_facilitator, february))
    assert "Correct your claim and submit it again." in text(page)
    assert "“11 Feb was cancelled late”" in text(page)
    client.post(url("submit_claim", own_facilitator, february), {"claimed_hours": "7", "step": "2"})
    assert claims()[-1] == ("submitted", Decimal("7.00"))


def test_a_replayed_claim_takes_effect_once(client, february, own_facilitator):
    client.force_login(own_facilitator)
    path = url("submit_claim", own_facilitator, february)
    form = {
        "claimed_hours": "7",
        "step": "0",
        "submission_key": issue_key(user=own_facilitator, purpose=path),
    }

    first = client.post(path, form)
    second = client.post(path, form, follow=True)

    assert first.status_code == 302
    assert second.redirect_chain[0][0] == url("facilitator_statement", own_facilitator, february)
    assert "this copy changed nothing" in text(second)
    assert claims() == [("submitted", Decimal("7.00"))]


@pytest.mark.parametrize("hours", ["abc", "-1", "1.3", "1e9", "", "10000", "NaN", "٣"])
def test_claimed_hours_that_are_not_half_hours_are_refused(
    client, february, own_facilitator, hours
):
    client.force_login(own_facilitator)

    response = client.post(
        url("submit_claim", own_facilitator, february),
        {"claimed_hours": hours, "notes": "typo", "step": "0"},
    )

    assert response.status_code == 400
    assert CLAIM_HOURS_INVALID in text(response)
    assert 'aria-invalid="true"' in response.content.decode()
    assert claims() == []
    assert FormSubmission.objects.count() == 0
    # The form again, with what was typed, to correct.
    assert ">typo</textarea>" in response.content.decode()


def test_a_claim_without_its_step_or_on_a_changed_claim_writes_nothing(
    client, february, own_facilitator
):
    client.force_login(own_facilitator)
    path = url("submit_claim", own_facilitator, february)

    missing = client.post(path, {"claimed_hours": "7"})
    assert missing.status_code == 400
    assert STEP_INVALID in text(missing)

    client.post(path, {"claimed_hours": "7", "step": "0"})
    stale = client.post(path, {"claimed_hours": "8", "step": "0"})
    assert stale.status_code == 400
    assert CLAIM_CHANGED.split("(")[0] in text(stale)
    assert claims() == [("submitted", Decimal("7.00"))]


def test_only_the_facilitator_claims_and_only_the_office_reviews(
    client, february, own_facilitator, office_admin
):
    client.force_login(office_admin)
    data = {"claimed_hours": "7", "step": "0"}
    assert client.post(url("submit_claim", own_facilitator, february), data).status_code == 403

    client.force_login(own_facilitator)
    client.post(url("submit_claim", own_facilitator, february), data)
    review = {"decision": "approve", "step": "1"}
    assert client.post(url("review_claim", own_facilitator, february), review).status_code == 403

    client.force_login(office_admin)
    odd = client.post(
        url("review_claim", own_facilitator, february), {"decision": "x", "step": "1"}
    )
    assert odd.status_code == 400
    assert DECISION_INVALID in text(odd)
    assert claims() == [("submitted", Decimal("7.00"))]


# ---- Files


def test_a_closed_statements_files_are_the_stored_ones_byte_for_byte(
    client, february, own_facilitator, office_admin
):
    close_month(month=FEBRUARY, closed_by=office_admin)
    stored = Statement.objects.get(kind=FACILITATOR, month=FEBRUARY)
    client.force_login(own_facilitator)

    pdf = client.get(url("facilitator_statement_pdf", own_facilitator, february))
    csv = client.get(url("facilitator_statement_csv", own_facilitator, february))

    assert pdf.status_code == 200
    assert pdf.content == bytes(stored.pdf)
    assert hashlib.sha256(pdf.content).hexdigest() == stored.checksum
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == (
        f'attachment; filename="statement-Thandi Mokoena-{february.client.name}-2026-02.pdf"'
    )
    assert csv.content == bytes(stored.csv)
    assert csv["Content-Type"] == "text/csv; charset=utf-8"
    assert csv["Content-Disposition"].startswith("attachment; ")
    for response in (pdf, csv):
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]

    # The page says it is closed, by whom, with the checksum; corrected later, so.
    page = client.get(url("facilitator_statement", own_facilitator, february))
    # closed_at is the database's clock (db_default=Now()), which time-machine leaves alone.
    closed_at = timezone.localtime(MonthClose.objects.get().closed_at)
    closed = f"Closed on {date_format(closed_at, 'j F Y H:i')} by Lerato Molefe."
    assert closed in text(page)
    assert f'data-checksum="{stored.checksum}"' in page.content.decode()
    assert "Adjusted later" not in text(page)

    void_session(klass=february, session_date=FEB_2, voided_by=office_admin, reason="Wrong class")

    page = client.get(url("facilitator_statement", own_facilitator, february))
    assert "Adjusted later" in text(page)
    assert "Total 4 lines 7 R 1 750.00" in rows(page)
    again = client.get(url("facilitator_statement_pdf", own_facilitator, february))
    assert again.content == bytes(stored.pdf)
    march = client.get(url("facilitator_statement", own_facilitator, february, MARCH))
    (adjustment, total) = rows(march)
    assert adjustment.startswith("Adjustment for February 2026")
    assert "Adjustment for February 2026 (" in adjustment  # the description
    # A voided session has no line today: its adjustment takes back all it was paid.
    assert adjustment.endswith("now 0 h paid or billed, 0 h present, R 0.00 −3 −R 750.00")
    assert total == "Total 1 line −3 −R 750.00"


def test_an_open_statements_files_are_made_now(client, february, own_facilitator):
    client.force_login(own_facilitator)

    csv = client.get(url("facilitator_statement_csv", own_facilitator, february))
    pdf = client.get(url("facilitator_statement_pdf", own_facilitator, february))

    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "line,for_month,date,class,status,rule,hours,rate,amount,description"
    assert lines[1].startswith(f"session,2026-02,2026-02-02,{february.code},Captured,captured,3.0")
    assert lines[-1].startswith("total,2026-02,")
    assert lines[-1].endswith(",7.0,,1750.00,")
    assert pdf.content.startswith(b"%PDF-")
    assert pdf["Content-Disposition"].startswith("attachment; ")
