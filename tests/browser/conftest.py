"""Playwright drives the system Chromium (nothing can download a browser here)."""

import datetime
import os
import shutil
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import NOW
from tests.factories import PASSWORD, EnrolmentFactory, ScheduleFactory
from tests.processes import without_faketime

SCREENSHOTS = Path(settings.BASE_DIR) / "screenshots"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


def browser_environment() -> dict[str, str]:
    """The environment without libfaketime: under `make test-at` (scripts/at-clock) the
    suite and PostgreSQL run on a fake clock, but Chromium under libfaketime crawls
    (tenfold) and its zygote breaks when only part of it is faked. The browser is a
    client: its clock is not under test; the server's is (time-machine pins it)."""
    return without_faketime(dict(os.environ))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.fail("Chromium is not installed: apt-get install -y chromium (.ci/run does this)")
    return {
        **browser_type_launch_args,
        "executable_path": executable,
        "env": browser_environment(),
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


class RequestsInFlight:
    """Counts the requests the live server (a thread of this process) is answering."""

    def __init__(self) -> None:
        self.count = 0
        self.changed = threading.Condition()

    def started(self, **_: object) -> None:
        with self.changed:
            self.count += 1

    def finished(self, **_: object) -> None:
        with self.changed:
            self.count -= 1
            self.changed.notify_all()

    def wait_until_idle(self, timeout: float) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: self.count <= 0, timeout)


@pytest.fixture(scope="session")
def requests_in_flight():
    counter = RequestsInFlight()
    request_started.connect(counter.started, weak=False, dispatch_uid="browser-in-flight")
    request_finished.connect(counter.finished, weak=False, dispatch_uid="browser-in-flight")
    yield counter
    request_started.disconnect(dispatch_uid="browser-in-flight")
    request_finished.disconnect(dispatch_uid="browser-in-flight")


@pytest.fixture(autouse=True)
def quiet_live_server(transactional_db, live_server, browser, requests_in_flight):
    """After each test, close its browsers and wait for the live server to finish what
    they asked, before the database is emptied and the settings put back. A page goes
    on asking after the test's last step (offline.js keeps the class pages for offline
    use, three at a time): a request still running when pytest-django's TRUNCATE
    starts deadlocks with it (CI once saw "couldn't be flushed", and the next test
    inherit the rows), and one answered after the test's settings are undone fails on
    the production static files storage."""
    yield
    for context in list(browser.contexts):
        context.close()
    assert requests_in_flight.wait_until_idle(timeout=60), (
        f"{requests_in_flight.count} request(s) still running on the live server"
    )


@pytest.fixture(autouse=True)
def pinned_clock(time_machine, context):
    """Every browser test runs on Wednesday 4 March 2026 from 14:00 in Johannesburg,
    whatever the machine's calendar says: what a page lists (this month's sessions,
    the backlog, what can be captured yet) depends on today. The live server runs in
    this process, so it reads this clock too. The clock ticks from there, like a real
    one; Playwright does not need that (its waits run on the monotonic clock, which
    time-machine leaves alone, and its driver is another process), but the recorded
    times keep their order. The phone's clock (the page scripts' Date) is set to the
    same time and ticks too (Playwright's clock): the app warns when a phone's clock
    is more than 5 minutes off the server's (static/js/offline.js), as it would be
    here by months. Django's cookies carry Max-Age, which Chromium prefers to their
    Expires, and Chromium's own clock stays the machine's."""
    time_machine.move_to(NOW, tick=True)
    set_phone_clock(context)
    return NOW


def set_phone_clock(context, at=NOW):
    """The page scripts' clock in this browser context, from `at` on, ticking."""
    context.clock.install(time=at)


@pytest.fixture
def screenshot(page):
    """Save a full-page screenshot in screenshots/ (gitignored) to look at."""

    def take(name: str, of=None) -> Path:
        """`of`: another page than the test's (a second browser context)."""
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        (of or page).screenshot(path=str(path), full_page=True)
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


def open_class(page, klass):
    """Follow the link to a class's month page and wait for its stylesheet: a click
    returns once the next page starts loading, and until app.css applies, the
    calendar grid that phones hide counts as visible, so `.first` of its "Capture"
    links is a day of the grid's first week (the end of last month), which vanishes
    a moment later."""
    # Exactly the code: the waiting sessions' links name the class too.
    page.get_by_role("link", name=klass.code, exact=True).first.click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name=klass.code)).to_be_visible()


def assert_fits_the_screen(page):
    # Measured once the stylesheet applies: before, tables are as wide as their text.
    page.wait_for_load_state()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{overflow}px of horizontal scrolling"


# Drafts kept on the phone (static/js/drafts.js, issue 13).
def drafts_settled(page):
    """Wait for static/js/drafts.js to have read (and cleared or restored) the drafts."""
    expect(page.locator("#drafts")).to_have_attribute("data-drafts-settled", "true")


def stored_draft(page, key):
    return page.evaluate("(key) => window.idbKeyval.get(key)", key)


def wait_for_stored(page, field, value):
    """Every change is written at once, but asynchronously: wait for this one."""
    key = page.locator("form[data-draft-key]").get_attribute("data-draft-key")
    page.wait_for_function(
        "([key, field, value]) => window.idbKeyval.get(key).then("
        "  (draft) => draft && draft.values[field] === value)",
        arg=[key, field, value],
    )
    return key
