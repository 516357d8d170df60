"""A facilitator records sessions in a real browser, at desktop and at phone width."""

import datetime

import pytest
from playwright.sync_api import expect

from classes.models import AttendanceSession, LearnerAttendance
from progression.models import HoursLog
from tests.browser.conftest import (
    DESKTOP,
    EVERY_DAY,
    PHONE,
    assert_fits_the_screen,
    log_in,
    open_class,
)
from tests.factories import EnrolmentFactory, ScheduleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("size", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_a_facilitator_captures_a_session_and_marks_another_not_held(
    page, live_server, own_facilitator, live_class, screenshot, size, viewport
):
    page.set_viewport_size(viewport)
    log_in(page, live_server, own_facilitator)
    assert_fits_the_screen(page)
    screenshot(f"my-classes-{size}")

    open_class(page, live_class)
    assert_fits_the_screen(page)
    screenshot(f"class-attendance-{size}")

    # Capture the first session waiting this month, with mixed hours.
    page.get_by_role("link", name="Capture").first.click()
    expect(page.get_by_role("heading", name="Capture attendance")).to_be_visible()
    assert_fits_the_screen(page)
    screenshot(f"capture-{size}")
    inputs = page.locator("input.hours")
    pages = page.locator("input.page")
    expect(inputs).to_have_count(3)
    page.get_by_role("button", name="All present").click()
    expect(inputs.nth(0)).to_have_value("2")
    inputs.nth(1).fill("1.5")
    expect(page.locator("output").nth(1)).to_have_text("0.5")
    inputs.nth(2).fill("0")
    pages.nth(0).fill("14")
    pages.nth(1).fill("9")
    page.get_by_role("button", name="Save attendance").click()

    expect(page.locator(".message.success")).to_contain_text("captured for 3 learners")
    expect(page.get_by_text("Recorded by")).to_be_visible()
    assert_fits_the_screen(page)
    screenshot(f"session-detail-{size}")
    captured = AttendanceSession.objects.get(status="captured")
    assert captured.captured_by == own_facilitator
    assert sorted(
        LearnerAttendance.objects.filter(session=captured).values_list("hours_present", flat=True)
    ) == [0, 1.5, 2]
    assert HoursLog.objects.filter(session=captured, created_by=own_facilitator).count() == 3

    # The next waiting session: a typing error first, then corrected.
    open_class(page, live_class)
    page.get_by_role("link", name="Capture").first.click()
    page.locator("input.hours").nth(0).fill("5")
    page.locator("input.page").nth(0).fill("15")
    page.get_by_role("button", name="Save attendance").click()
    expect(page.locator(".error-summary")).to_contain_text("must be a number from 0 to 2")
    expect(page.locator(".field-error").first).to_be_visible()
    expect(page.locator("input.hours").nth(0)).to_have_value("5")
    assert_fits_the_screen(page)
    screenshot(f"capture-errors-{size}")
    page.locator("input.hours").nth(0).fill("2")
    # The other rows were left empty: saving names them, then the rest are marked absent.
    page.get_by_role("button", name="Save attendance").click()
    expect(page.locator(".error-summary")).to_contain_text("are not filled in")
    page.get_by_role("button", name="Save, marking the rest absent").click()
    expect(page.locator(".message.success")).to_be_visible()
    assert AttendanceSession.objects.filter(status="captured").count() == 2

    # A third session did not happen: the client cancelled.
    open_class(page, live_class)
    page.get_by_role("link", name="Not held").first.click()
    expect(page.get_by_role("heading", name="Session did not happen")).to_be_visible()
    assert_fits_the_screen(page)
    screenshot(f"not-held-{size}")
    page.get_by_label("The client cancelled").check()
    page.get_by_label("Notes (optional)").fill("Stocktake at the plant")
    page.get_by_role("button", name="Record").click()
    expect(page.locator(".message.success")).to_contain_text("Client cancelled")
    cancelled = AttendanceSession.objects.get(status="client_cancelled")
    assert cancelled.notes == "Stocktake at the plant"
    assert not HoursLog.objects.filter(session=cancelled).exists()

    open_class(page, live_class)
    expect(page.locator(".facts.summary")).to_contain_text("2")
    screenshot(f"class-attendance-after-{size}")


def test_the_capture_form_works_without_javascript(
    browser, live_server, own_facilitator, live_class
):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    log_in(page, live_server, own_facilitator)
    open_class(page, live_class)
    page.get_by_role("link", name="Capture").first.click()
    expect(page.get_by_role("button", name="All present")).to_be_hidden()
    for index in range(3):
        page.locator("input.hours").nth(index).fill("2")
        page.locator("input.page").nth(index).fill("3")
    page.get_by_role("button", name="Save attendance").click()
    expect(page.locator(".message.success")).to_be_visible()
    assert LearnerAttendance.objects.count() == 3
    context.close()


@pytest.fixture
def big_class(klass, pinned_clock):
    """A class of 20 learners meeting every day since two weeks ago (from the pinned
    clock's day); none of them has completed a page yet."""
    today = pinned_clock.date()
    ScheduleFactory(klass=klass, start_date=today - datetime.timedelta(days=14),
                    end_date=today + datetime.timedelta(days=60), slots=EVERY_DAY)  # fmt: skip
    for number in range(20):
        EnrolmentFactory(
            klass=klass,
            learner__surname=f"Learner{number:02d}",
            start_date=klass.schedule.start_date,
        )
    return klass


@pytest.mark.parametrize(("size", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_enter_never_saves_a_half_filled_register_and_all_present_saves_in_three_taps(
    page, live_server, own_facilitator, big_class, size, viewport
):
    page.set_viewport_size(viewport)
    log_in(page, live_server, own_facilitator)
    # Tap 1: the oldest waiting session, straight from My classes.
    page.get_by_role("link", name="Capture").first.click()
    expect(page.get_by_role("heading", name="Capture attendance")).to_be_visible()
    hours = page.locator("input.hours")
    expect(hours).to_have_count(20)

    # Enter in the first row moves on; nothing is submitted.
    hours.nth(0).fill("2")
    hours.nth(0).press("Enter")
    expect(page.locator("input.page").nth(0)).to_be_focused()
    page.locator("input.page").nth(0).press("Enter")
    expect(hours.nth(1)).to_be_focused()
    # The learners still to fill in are named above the buttons (the first row is not).
    unset = page.locator("#unset_summary")
    expect(unset).to_contain_text("Not filled in yet (19)")
    names = page.locator(".learner-name strong").all_inner_texts()
    # Rows 2 to 6 by name, in page order, then the count of the others.
    expect(unset).to_have_text(f"Not filled in yet (19): {'; '.join(names[1:6])}; and 14 more.")
    # The optional absence remark moves on to the next learner too (issue 12, point 6).
    page.locator("input.remark").nth(1).press("Enter")
    expect(hours.nth(2)).to_be_focused()
    assert not AttendanceSession.objects.filter(status="captured").exists()

    # Taps 2 and 3: everyone present, saved; no learner has a page yet, and none needs one.
    page.get_by_role("button", name="All present").click()
    expect(unset).to_have_text("Every learner has their hours filled in.")
    page.get_by_role("button", name="Save attendance").click()
    expect(page.locator(".message.success")).to_contain_text("captured for 20 learners")
    captured = AttendanceSession.objects.get(status="captured")
    assert LearnerAttendance.objects.filter(session=captured, hours_present=2).count() == 20
    assert HoursLog.objects.filter(session=captured).count() == 20
