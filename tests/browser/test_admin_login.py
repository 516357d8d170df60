"""An office admin signs in to the Django admin in a real browser."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import PASSWORD, EnrolmentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("size", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_an_admin_signs_in_and_opens_the_hours_log(
    page, live_server, admin_user, klass, screenshot, size, viewport
):
    EnrolmentFactory(klass=klass)
    page.set_viewport_size(viewport)

    page.goto(f"{live_server.url}/admin/")
    expect(page).to_have_url(f"{live_server.url}/admin/login/?next=/admin/")
    screenshot(f"admin-login-{size}")
    page.get_by_label("Username").fill(admin_user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", name="Office administration")).to_be_visible()
    screenshot(f"admin-index-{size}")
    page.get_by_role("link", name="Hours log").first.click()
    expect(page.get_by_role("link", name="Log manual hours")).to_be_visible()
    screenshot(f"admin-hours-log-{size}")
    page.get_by_role("link", name="Log manual hours").click()
    expect(page.get_by_role("heading", name="Log manual hours")).to_be_visible()
    screenshot(f"admin-manual-hours-{size}")


def test_a_wrong_password_is_refused(page, live_server, admin_user):
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill(admin_user.username)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()

    expect(page.locator(".errornote")).to_contain_text("correct username and password")
