"""Playwright drives the system Chromium (nothing can download a browser here)."""

import datetime
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import PASSWORD, EnrolmentFactory, ScheduleFactory

SCREENSHOTS = Path(settings.BASE_DIR) / "screenshots"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.fail("Chromium is not installed: apt-get install -y chromium (.ci/run does this)")
    return {
        **browser_type_launch_args,
        "executable_path": executable,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            "--no-first-run",
        ],
    }


@pytest.fixture
def screenshot(page):
    """Save a full-page screenshot in screenshots/ (gitignored) to look at."""

    def take(name: str) -> Path:
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


EVERY_DAY = [(day, datetime.time(8), datetime.time(10)) for day in range(7)]


@pytest.fixture
def live_class(klass):
    """A class meeting every day 08:00–10:00 since two weeks ago, with three learners."""
    today = timezone.localdate()
    ScheduleFactory(klass=klass, start_date=today - datetime.timedelta(days=14),
                    end_date=today + datetime.timedelta(days=60), slots=EVERY_DAY)  # fmt: skip
    for surname in ("Dlamini", "Nkosi", "Pretorius"):
        EnrolmentFactory(
            klass=klass, learner__surname=surname, start_date=klass.schedule.start_date
        )
    return klass


def log_in(page, live_server, user, heading="My classes"):
    page.goto(f"{live_server.url}/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name=heading)).to_be_visible()


def assert_fits_the_screen(page):
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{overflow}px of horizontal scrolling"
