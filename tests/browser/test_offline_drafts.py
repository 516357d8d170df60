"""Drafts as typed (issue 13): what a facilitator types in a capture or correction form
stays on the phone (IndexedDB) until the server has confirmed that very submit."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from classes.models import AttendanceSession, LearnerAttendance
from classes.services import LearnerEntry
from classes.services.corrections import correct_session
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    drafts_settled,
    log_in,
    open_class,
    stored_draft,
    wait_for_stored,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RESTORED = re.compile(r"^Restored what you typed on this phone at \d\d:\d\d\.$")


def type_half_a_register(page):
    """Two of the three learners: hours, a page, an absence reason and its remark."""
    hours, pages = page.locator("input.hours"), page.locator("input.page")
    hours.nth(0).fill("2")
    pages.nth(0).fill("12")
    hours.nth(1).fill("1.5")
    page.locator("select.absence-reason").nth(1).select_option("other")
    page.locator("input.remark").nth(1).fill("Clinic visit")
    return wait_for_stored(
        page, page.locator("input.remark").nth(1).get_attribute("name"), "Clinic visit"
    )


def assert_half_a_register_is_back(page):
    expect(page.locator(".draft-note p")).to_have_text(RESTORED)
    hours, pages = page.locator("input.hours"), page.locator("input.page")
    expect(hours.nth(0)).to_have_value("2")
    expect(pages.nth(0)).to_have_value("12")
    expect(hours.nth(1)).to_have_value("1.5")
    expect(page.locator("select.absence-reason").nth(1)).to_have_value("other")
    expect(page.locator("input.remark").nth(1)).to_have_value("Clinic visit")
    expect(hours.nth(2)).to_have_value("")
    # capture.js saw the restored values: hours absent and who is still to fill in.
    expect(page.locator("output").nth(1)).to_have_text("0.5")
    expect(page.locator("#unset_summary")).to_have_text(
        re.compile(r"^Not filled in yet \(1\): Pretorius, ")
    )


def open_capture(page, live_class):
    open_class(page, live_class)
    page.get_by_role("link", name="Capture").first.click()
    expect(page.get_by_role("heading", name="Capture attendance")).to_be_visible()
    drafts_settled(page)


@pytest.mark.parametrize(("size", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_what_was_typed_comes_back_after_a_reload_until_discarded(
    page, live_server, own_facilitator, live_class, screenshot, size, viewport
):
    page.set_viewport_size(viewport)
    log_in(page, live_server, own_facilitator)
    open_capture(page, live_class)
    type_half_a_register(page)

    page.reload()
    drafts_settled(page)

    assert_half_a_register_is_back(page)
    screenshot(f"capture-draft-restored-{size}")
    # Discard: the form as the server served it, and the draft gone from the phone.
    page.get_by_role("button", name="Discard").click()
    expect(page.locator(".draft-note")).to_have_count(0)
    expect(page.locator("input.hours").nth(0)).to_have_value("")
    expect(page.locator("input.remark").nth(1)).to_have_value("")
    page.reload()
    drafts_settled(page)
    expect(page.locator(".draft-note")).to_have_count(0)
    expect(page.locator("input.hours").nth(0)).to_have_value("")


def test_a_correction_is_kept_as_typed_never_over_a_newer_one_and_goes_once_saved(
    page, live_server, own_facilitator, live_class, screenshot
):
    page.set_viewport_size(PHONE)
    log_in(page, live_server, own_facilitator)
    open_capture(page, live_class)
    page.get_by_role("button", name="All present").click()
    page.get_by_role("button", name="Save attendance").click()
    expect(page.locator(".message.success")).to_be_visible()
    session = AttendanceSession.objects.get(status="captured")

    page.goto(
        live_server.url + reverse("classes:correct", args=[live_class.pk, session.session_date])
    )
    drafts_settled(page)
    page.locator("input.hours").nth(0).fill("1")
    page.get_by_label("Reason for the correction").fill("Left at 09:00")
    key = wait_for_stored(page, "reason", "Left at 09:00")
    page.reload()
    drafts_settled(page)
    expect(page.locator(".draft-note p")).to_have_text(RESTORED)
    expect(page.locator("input.hours").nth(0)).to_have_value("1")
    expect(page.get_by_label("Reason for the correction")).to_have_value("Left at 09:00")

    # Meanwhile the session is corrected from another phone: the form shows what is
    # recorded now, and the draft waits for a choice instead of going over it.
    session.refresh_from_db()
    recorded = LearnerAttendance.objects.filter(session=session).order_by("learner__surname")
    correct_session(
        klass=live_class,
        session_date=session.session_date,
        corrected_by=own_facilitator,
        entries=[
            LearnerEntry(learner_id=row.learner_id, hours_present=hours, page_number=None)
            for row, hours in zip(recorded, ["2", "2", "1.5"], strict=True)
        ],
        reason="Pretorius left early",
        expected_version=session.version,
    )
    page.reload()
    drafts_settled(page)
    expect(page.locator(".draft-note p")).to_contain_text("before it was changed")
    expect(page.locator("input.hours").nth(0)).to_have_value("2")
    expect(page.locator("input.hours").nth(2)).to_have_value("1.5")
    expect(page.get_by_label("Reason for the correction")).to_have_value("")
    screenshot("correct-draft-kept-phone")
    page.get_by_role("button", name="Put it back").click()
    expect(page.locator("input.hours").nth(0)).to_have_value("1")
    expect(page.get_by_label("Reason for the correction")).to_have_value("Left at 09:00")

    page.get_by_role("button", name="Save correction").click()
    expect(page.locator(".message.success")).to_be_visible()
    drafts_settled(page)
    assert stored_draft(page, key) is None
