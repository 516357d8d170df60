"""A facilitator's monthly statement in a real browser (issue 14), at phone and
desktop width: the list, the statement's lines and totals, a claim refused and then
submitted, the discrepancy shown, the PDF; the office's review of the claim. No
horizontal scrolling, and axe-core finds nothing serious or critical."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from billing.models import ClaimAction
from billing.services import CLAIM_HOURS_INVALID
from classes.services import mark_session_not_held
from tests.billing.conftest import FEB_2, FEB_4, FEB_9, FEB_11, capture
from tests.browser.axe import Audit
from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS, assert_fits_the_screen, log_in
from tests.factories import (
    ClientRateFactory,
    EnrolmentFactory,
    FacilitatorRateFactory,
    ScheduleFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = [("phone", PHONE), ("desktop", DESKTOP)]


@pytest.fixture
def february(klass, own_facilitator, office_admin):
    """tests/billing/conftest.py's February 2026 (recorded at the pinned clock, 4
    March): 2 Feb held (3 h, R 750), 4 Feb everyone absent (the 1 h travel
    allowance, R 250), 9 Feb facilitator absent (nothing), 11 Feb cancelled late
    (3 h, R 750): 7 payable hours, R 1 750.00."""
    ScheduleFactory(klass=klass)
    for surname in ("Dlamini", "Nkosi", "Pretorius"):
        EnrolmentFactory(klass=klass, learner__surname=surname)
    FacilitatorRateFactory(klass=klass, created_by=office_admin)
    ClientRateFactory(client=klass.client, created_by=office_admin)
    capture(klass, FEB_2, own_facilitator, ("3", "1.5", "0"))
    capture(klass, FEB_4, own_facilitator, ("0", "0", "0"), everyone_absent=True)
    for day, status in ((FEB_9, "agent_absent"), (FEB_11, "client_cancelled")):
        mark_session_not_held(
            klass=klass, session_date=day, recorded_by=own_facilitator, status=status
        )
    return klass


def checked(page, audit, screenshot, name):
    """No horizontal scrolling, axe-core's findings kept, a screenshot to look at."""
    assert_fits_the_screen(page)
    audit.check(name)
    screenshot(name)


@pytest.mark.parametrize(("size", "viewport"), SIZES)
def test_the_facilitator_opens_their_statement_and_claims_hours(
    page, live_server, own_facilitator, february, screenshot, size, viewport
):
    page.set_viewport_size(viewport)
    audit = Audit(page)
    log_in(page, live_server, own_facilitator)

    page.get_by_role("link", name="Statements").click()
    expect(page.get_by_role("heading", name="My statements")).to_be_visible()
    checked(page, audit, screenshot, f"billing-my-statements-{size}")

    page.get_by_role("link", name="February 2026").click()
    expect(
        page.get_by_role("heading", name="Statement – Thandi Mokoena, February 2026")
    ).to_be_visible()
    lines = page.locator("table.statement-lines tbody tr[data-line]")
    expect(lines).to_have_count(4)
    expect(lines.nth(0)).to_contain_text("Session held: its scheduled hours are paid")
    expect(lines.nth(0)).to_contain_text("R\u00a0750.00")
    expect(lines.nth(1)).to_contain_text("travel allowance")
    expect(lines.nth(1)).to_contain_text("R\u00a0250.00")
    expect(lines.nth(2)).to_contain_text("R\u00a00.00")
    total = page.locator("table.statement-lines tr[data-total]")
    expect(total).to_contain_text("R\u00a01\u00a0750.00")
    checked(page, audit, screenshot, f"billing-statement-{size}")

    # The PDF, made now (the month is open).
    pdf = page.request.get(
        live_server.url + page.get_by_role("link", name="Download PDF").get_attribute("href")
    )
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF-")
    if size == "desktop":
        SCREENSHOTS.mkdir(exist_ok=True)
        (SCREENSHOTS / "billing-statement.pdf").write_bytes(pdf.body())

    # Hours that are not half hours: refused, the field marked, nothing written.
    page.get_by_label("Claimed hours").fill("1.3")
    page.get_by_label("Notes").fill("The 9th was held after all")
    page.get_by_role("button", name="Submit claim").click()
    expect(page.locator(".error-summary")).to_contain_text(CLAIM_HOURS_INVALID)
    expect(page.get_by_label("Claimed hours")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Notes")).to_have_value("The 9th was held after all")
    checked(page, audit, screenshot, f"billing-claim-refused-{size}")
    assert not ClaimAction.objects.exists()

    page.get_by_label("Claimed hours").fill("8")
    page.get_by_role("button", name="Submit claim").click()
    expect(page.locator(".message.success")).to_contain_text("Your claim of 8 h")
    expect(page.locator("#discrepancy")).to_contain_text(
        "The claim is 1 h more than the statement's 7 payable hours."
    )
    expect(page.locator(".statement-totals .discrepancy")).to_contain_text("+1")
    expect(page.locator(".claim-history li")).to_have_count(1)
    checked(page, audit, screenshot, f"billing-claim-submitted-{size}")
    assert list(ClaimAction.objects.values_list("action", "claimed_hours")) == [("submitted", 8)]

    audit.assert_no_failures()
    print(audit.report())


@pytest.mark.parametrize(("size", "viewport"), SIZES)
def test_the_office_sees_the_discrepancy_and_approves(
    page, live_server, own_facilitator, office_admin, february, screenshot, size, viewport
):
    from billing.services import submit_claim

    submit_claim(
        facilitator=own_facilitator,
        client_id=february.client_id,
        month=datetime.date(2026, 2, 1),
        claimed_hours=Decimal("8"),
        notes="The 9th was held after all",
        expected_step=0,
    )
    page.set_viewport_size(viewport)
    audit = Audit(page)
    log_in(page, live_server, office_admin, heading="Classes")

    page.get_by_role("link", name="Statements").click()
    expect(page.get_by_role("heading", name="Facilitators' statements")).to_be_visible()
    row = page.locator("table.statement-list tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("8 h claimed, +1 h")
    checked(page, audit, screenshot, f"billing-office-statements-{size}")

    page.get_by_role("link", name="Thandi Mokoena").click()
    expect(page.get_by_role("heading", name="Review the claim")).to_be_visible()
    page.get_by_role("button", name="Dispute").click()
    expect(page.locator(".error-summary")).to_contain_text("Note: say what is disputed.")
    checked(page, audit, screenshot, f"billing-review-refused-{size}")

    page.get_by_role("button", name="Approve").click()
    expect(page.locator(".message.success")).to_contain_text("claim for February 2026")
    expect(page.locator(".claim .badge").first).to_have_text("Approved")
    checked(page, audit, screenshot, f"billing-claim-approved-{size}")
    assert ClaimAction.objects.latest("step").action == "approved"

    audit.assert_no_failures()
    print(audit.report())


@pytest.mark.parametrize(("size", "viewport"), SIZES)
def test_a_closed_month_and_its_adjustment_next_month(
    page, live_server, own_facilitator, office_admin, february, screenshot, size, viewport
):
    from billing.models import Statement
    from billing.services import close_month
    from classes.services import void_session

    close_month(month=datetime.date(2026, 2, 1), closed_by=office_admin)
    void_session(klass=february, session_date=FEB_2, voided_by=office_admin, reason="Wrong class")
    stored = Statement.objects.get(kind="facilitator")
    page.set_viewport_size(viewport)
    audit = Audit(page)
    log_in(page, live_server, own_facilitator)

    page.get_by_role("link", name="Statements").click()
    page.get_by_role("link", name="February 2026").click()
    expect(page.locator(".statement-state")).to_contain_text("Closed on")
    expect(page.locator(".statement-state")).to_contain_text("Adjusted later")
    expect(page.locator("[data-checksum]")).to_have_attribute("data-checksum", stored.checksum)
    # The checksum's text is the checksum, whatever its break points.
    assert page.locator("[data-checksum]").inner_text().replace("\n", "") == stored.checksum
    pdf = page.request.get(
        live_server.url + page.get_by_role("link", name="Download PDF").get_attribute("href")
    )
    assert pdf.body() == bytes(stored.pdf)
    checked(page, audit, screenshot, f"billing-closed-{size}")

    page.get_by_role("link", name="My statements").click()
    page.get_by_role("link", name="March 2026").click()
    adjustment = page.locator("table.statement-lines tr[data-adjustment]")
    expect(adjustment).to_have_count(1)
    expect(adjustment).to_contain_text("Adjustment")
    expect(adjustment).to_contain_text("for February 2026")
    expect(adjustment).to_contain_text("\u2212R\u00a0750.00")
    checked(page, audit, screenshot, f"billing-adjustment-{size}")

    audit.assert_no_failures()
    print(audit.report())
