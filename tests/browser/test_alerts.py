"""The alerts' pages in a real browser (issue 15): the bell, the Notifications page,
the choices and the office's open alerts, at phone and desktop width, under axe."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from alerts.models import Alert, Delivery, Preference, Rule
from alerts.services import run_checks
from tests.browser.axe import Audit
from tests.browser.conftest import DESKTOP, PHONE, assert_fits_the_screen, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def at_both_widths(page, audit, screenshot, name):
    for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        audit.check(f"{name} {size}")
        assert_fits_the_screen(page)
        screenshot(f"alerts-{name}-{size}")


def test_a_facilitator_sees_the_bell_reads_the_alerts_and_chooses_the_digest(
    page, live_server, own_facilitator, live_class, pinned_clock, screenshot
):
    run_checks(now=pinned_clock)
    count = Alert.objects.filter(recipient=own_facilitator).count()
    assert count > 1  # the past days' sessions of the class, none recorded
    audit = Audit(page)

    log_in(page, live_server, own_facilitator)
    bell = page.get_by_role("link", name="Notifications")
    expect(bell).to_contain_text(f"{count} unread")
    bell.click()
    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    expect(page.locator(".alert-item.unread")).to_have_count(count)
    at_both_widths(page, audit, screenshot, "notifications")

    page.get_by_role("link", name="Choose which alerts you get, and how").click()
    group = page.get_by_role("group", name="Session not recorded (reminder)")
    group.get_by_label("In the daily digest").check()
    at_both_widths(page, audit, screenshot, "choices")
    page.get_by_role("button", name="Save choices").click()
    expect(page.locator(".message.success")).to_contain_text("saved")
    assert Preference.objects.get(user=own_facilitator, rule=Rule.CAPTURE_REMINDER).delivery == (
        Delivery.DIGEST
    )

    page.goto(f"{live_server.url}{reverse('alerts:notifications')}")
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.locator(".message.success")).to_contain_text("read")
    expect(page.locator(".alert-item.unread")).to_have_count(0)
    expect(page.locator(".bell-count")).to_be_hidden()
    assert audit.failing() == [], audit.report()


def test_the_office_sees_every_open_alert_with_who_was_told(
    page, live_server, office_admin, live_class, pinned_clock, screenshot
):
    run_checks(now=pinned_clock)
    audit = Audit(page)
    log_in(page, live_server, office_admin, heading="Classes")
    page.goto(f"{live_server.url}{reverse('alerts:office')}")
    expect(page.get_by_role("heading", name="Open alerts")).to_be_visible()
    table = page.locator("table")
    expect(table).to_contain_text("Thandi Mokoena")  # her reminders
    expect(table).to_contain_text("Lerato Molefe")  # the office's escalations
    at_both_widths(page, audit, screenshot, "office")
    assert audit.failing() == [], audit.report()
