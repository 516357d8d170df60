"""Every facilitator page passes axe-core at phone and desktop width (issue 12): no
serious or critical finding, in each state a facilitator sees it (with errors too).

Each state is audited at both widths in the same tab, one after the other (the
viewport changed, the page left as it is: no script of ours reads the width), and the
flow goes on at the phone's width (the capture and correction flows are driven at
both widths by their own tests)."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.axe import Audit
from tests.browser.conftest import PHONE, assert_fits_the_screen, log_in, wait_for_stored
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The sizes of issue 12's audit: a laptop and a phone screen (last: the flows go on
# at its width).
LAPTOP = {"width": 1280, "height": 800}
WIDTHS = {"desktop": LAPTOP, "phone": PHONE}


@pytest.fixture
def audit(page):
    return Audit(page)


@pytest.fixture
def at_both_widths(page, audit, screenshot):
    """Audit the page as it is now at each width (`name desktop`, `name phone`); with
    `fits`, it has no horizontal scrolling at either; with `shot`, a screenshot of
    each (`a11y-<shot>-<size>`)."""

    def check(name: str, *, fits: bool = False, shot: str = "") -> None:
        for size, viewport in WIDTHS.items():
            page.set_viewport_size(viewport)
            audit.check(f"{name} {size}")
            if fits:
                assert_fits_the_screen(page)
            if shot:
                screenshot(f"a11y-{shot}-{size}")

    return check


def session_url(name, klass, day):
    return reverse(f"classes:{name}", args=[klass.pk, day])


def days_ago(clock, days):
    return clock.date() - datetime.timedelta(days=days)


def fill_every_row(page, hours="2", workbook_page="3"):
    for field in page.locator("input.hours").all():
        field.fill(hours)
    for field in page.locator("input.page").all():
        field.fill(workbook_page)


def test_the_facilitator_pages_pass_axe(
    page, live_server, own_facilitator, live_class, pinned_clock, audit, at_both_widths
):
    page.goto(f"{live_server.url}{reverse('login')}")
    at_both_widths("login")
    log_in(page, live_server, own_facilitator)
    at_both_widths("my classes")

    page.goto(f"{live_server.url}{reverse('classes:attendance', args=[live_class.pk])}")
    at_both_widths("class month", fits=True, shot="class-month")

    captured_day = days_ago(pinned_clock, 2)
    page.goto(f"{live_server.url}{session_url('capture', live_class, captured_day)}")
    expect(page.get_by_role("heading", name="Capture attendance")).to_be_visible()
    at_both_widths("capture", fits=True)
    # Each learner's fields are named with the learner: "Hours present — Thandi Mokoena".
    for enrolment in live_class.enrolments.select_related("learner"):
        name = f"{enrolment.learner.first_names} {enrolment.learner.surname}"
        expect(page.get_by_label(f"Hours present — {name}", exact=True)).to_have_count(1)
        expect(page.get_by_label(f"Last page done — {name}", exact=True)).to_have_count(1)
        expect(page.get_by_label(f"Absence reason — {name}", exact=True)).to_have_count(1)
        expect(page.get_by_label(f"Remark — {name}", exact=True)).to_have_count(1)
    # What was typed, restored after a reload with its note (issue 13).
    page.locator("input.hours").first.fill("2")
    wait_for_stored(page, page.locator("input.hours").first.get_attribute("name"), "2")
    page.reload()
    expect(page.get_by_role("button", name="Discard")).to_be_visible()
    at_both_widths("capture with a restored draft")
    fill_every_row(page)
    page.locator("input.hours").first.fill("5")
    # "Other" without a remark (issue 12, point 6): refused at the learner too.
    page.locator("select.absence-reason").first.select_option("other")
    page.get_by_role("button", name="Save attendance").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator(".learner-row .field-error", has_text="Absence remark for")).to_be_visible()
    at_both_widths("capture with errors", fits=True, shot="capture-errors")
    page.locator("input.hours").first.fill("1")
    page.locator("input.remark").first.fill("court date")
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("Recorded by")).to_be_visible()
    expect(page.locator("td", has_text="Other – court date")).to_be_visible()
    at_both_widths("session detail", fits=True, shot="session-detail")

    page.get_by_role("link", name="Correct").click()
    expect(page.get_by_role("heading", name="Correct attendance")).to_be_visible()
    at_both_widths("correct")
    page.get_by_role("button", name="Save correction").click()
    expect(page.locator(".error-summary")).to_be_visible()
    at_both_widths("correct with errors")

    page.goto(f"{live_server.url}{session_url('not_held', live_class, days_ago(pinned_clock, 1))}")
    expect(page.get_by_role("heading", name="Session did not happen")).to_be_visible()
    at_both_widths("not held")

    page.goto(f"{live_server.url}{session_url('void', live_class, captured_day)}")
    expect(page.get_by_role("heading", name="Forbidden")).to_be_visible()
    at_both_widths("403")
    page.goto(f"{live_server.url}{reverse('classes:attendance', args=[live_class.pk + 1000])}")
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    at_both_widths("404", fits=True, shot="404")

    print(f"\n{audit.report()}")
    audit.assert_no_failures()


def test_the_office_pages_for_a_class_pass_axe(
    page,
    live_server,
    own_facilitator,
    office_admin,
    live_class,
    pinned_clock,
    audit,
    at_both_widths,
):
    day = days_ago(pinned_clock, 3)
    log_in(page, live_server, own_facilitator)
    page.goto(f"{live_server.url}{session_url('capture', live_class, day)}")
    fill_every_row(page)
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("Recorded by")).to_be_visible()
    page.context.clear_cookies()

    log_in(page, live_server, office_admin, heading="Classes")
    at_both_widths("classes (office)")
    page.goto(f"{live_server.url}{session_url('void', live_class, day)}")
    expect(page.get_by_role("heading", name="Void this session")).to_be_visible()
    at_both_widths("void")
    page.get_by_label("Reason").fill(" ")  # past the browser's "required", refused by the server
    page.get_by_role("button", name="Void the session").click()
    expect(page.locator(".error-summary")).to_be_visible()
    at_both_widths("void with errors")

    print(f"\n{audit.report()}")
    audit.assert_no_failures()


def test_the_locked_out_page_passes_axe(page, live_server, own_facilitator, audit, at_both_widths):
    page.goto(f"{live_server.url}{reverse('login')}")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.get_by_label("Username").fill(own_facilitator.username)
        page.get_by_label("Password").fill(PASSWORD + "-wrong")
        page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Log-in paused")).to_be_visible()
    at_both_widths("429")

    print(f"\n{audit.report()}")
    audit.assert_no_failures()


def test_the_first_tab_offers_to_skip_to_the_content(
    page, live_server, own_facilitator, live_class
):
    log_in(page, live_server, own_facilitator)
    page.goto(f"{live_server.url}{reverse('classes:attendance', args=[live_class.pk])}")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()
    # The next Tab goes to the page's own first link, past the top bar.
    page.keyboard.press("Tab")
    expect(page.get_by_role("navigation", name="Breadcrumb").get_by_role("link")).to_be_focused()
