"""A facilitator corrects a captured session; an office admin voids one (real browser)."""

import pytest
from playwright.sync_api import expect

from classes.models import AttendanceSession, SessionHistory
from progression.models import HoursLog
from tests.browser.conftest import DESKTOP, PHONE, assert_fits_the_screen, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def capture_first_waiting(page, live_server, klass):
    page.goto(f"{live_server.url}/classes/{klass.pk}/")
    page.get_by_role("link", name="Capture").first.click()
    for index in range(3):
        page.locator("input.hours").nth(index).fill("2")
        page.locator("input.page").nth(index).fill(str(10 + index))
    page.get_by_role("button", name="Save attendance").click()
    expect(page.locator(".message.success")).to_be_visible()


@pytest.mark.parametrize(("size", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_a_facilitator_corrects_a_session_and_sees_its_history(
    page, live_server, own_facilitator, live_class, screenshot, size, viewport
):
    page.set_viewport_size(viewport)
    log_in(page, live_server, own_facilitator)
    capture_first_waiting(page, live_server, live_class)

    page.get_by_role("link", name="Correct").click()
    expect(page.get_by_role("heading", name="Correct attendance")).to_be_visible()
    page.locator("input.hours").nth(1).fill("0.5")
    page.get_by_role("button", name="Save correction").click()
    expect(page.locator(".error-summary")).to_contain_text("Give a reason for the change.")
    expect(page.locator("input.hours").nth(1)).to_have_value("0.5")
    assert_fits_the_screen(page)
    screenshot(f"correct-errors-{size}")
    page.get_by_label("Reason for the correction").fill("Left after the first hour")
    page.get_by_role("button", name="Save correction").click()

    expect(page.locator(".message.success")).to_contain_text("correction")
    expect(page.locator(".history")).to_contain_text("Left after the first hour")
    expect(page.locator(".history")).to_contain_text("hours 2 → 0.5")
    assert_fits_the_screen(page)
    screenshot(f"session-history-{size}")
    assert HoursLog.objects.filter(reverses__isnull=False).count() == 1
    assert SessionHistory.objects.filter(action="corrected").count() == 1


def test_an_office_admin_voids_a_session(
    page, live_server, own_facilitator, admin_user, live_class, screenshot
):
    page.set_viewport_size(PHONE)
    log_in(page, live_server, own_facilitator)
    capture_first_waiting(page, live_server, live_class)
    detail = page.url
    page.context.clear_cookies()

    log_in(page, live_server, admin_user, heading="Classes")
    page.goto(detail)
    page.get_by_role("link", name="Void").click()
    page.get_by_label("Reason").fill("Captured on the wrong date")
    screenshot("void-phone")
    page.get_by_role("button", name="Void the session").click()

    expect(page.locator(".message.success")).to_contain_text("voided")
    expect(page.get_by_role("link", name="Capture")).to_be_visible()
    assert AttendanceSession.objects.get().status == "pending"
    assert sum(HoursLog.objects.values_list("hours_trained", flat=True)) == 0
