"""The Content-Security-Policy breaks nothing: a real browser opens the facilitator's
pages and the admin, uses their scripts, and reports no policy violation."""

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from attendance_project.offline import PRECACHED
from tests.browser.conftest import open_class
from tests.factories import PASSWORD, EnrolmentFactory, ScheduleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EVERY_DAY = [(day, datetime.time(8), datetime.time(10)) for day in range(7)]
# Runs in every page before its own scripts (Playwright injects it through the
# DevTools protocol, which the page's policy does not govern).
LISTEN_FOR_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile || document.location.pathname}:${event.lineNumber}`
  );
});
"""


class ViolationWatch:
    """Collects CSP violations from console errors and securitypolicyviolation events."""

    def __init__(self, page):
        self.page = page
        self.found: list[str] = []
        page.add_init_script(LISTEN_FOR_VIOLATIONS)
        page.on("console", self._console)

    def _console(self, message):
        if message.type == "error" and "Content Security Policy" in message.text:
            self.found.append(f"console on {self.page.url}: {message.text}")

    def collect(self):
        """Call on each page before leaving it: its events die with it."""
        events = self.page.evaluate("window.__cspViolations || []")
        self.found.extend(f"event on {self.page.url}: {text}" for text in events)


@pytest.fixture
def watch(page):
    return ViolationWatch(page)


@pytest.fixture
def live_class(klass, pinned_clock):
    today = pinned_clock.date()  # the pinned "today" (tests/browser/conftest.py)
    ScheduleFactory(klass=klass, start_date=today - datetime.timedelta(days=14),
                    end_date=today + datetime.timedelta(days=60), slots=EVERY_DAY)  # fmt: skip
    for surname in ("Dlamini", "Nkosi"):
        EnrolmentFactory(
            klass=klass, learner__surname=surname, start_date=klass.schedule.start_date
        )
    return klass


def log_in(page, url, user):
    page.goto(url)
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_the_watch_notices_a_violation(page, live_server, watch):
    page.goto(f"{live_server.url}{reverse('login')}")
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')")
    page.wait_for_timeout(200)  # the report is dispatched asynchronously
    watch.collect()

    assert any("style-src" in line for line in watch.found), watch.found


def test_the_facilitator_pages_run_under_the_policy(
    page, live_server, own_facilitator, live_class, watch
):
    log_in(page, f"{live_server.url}/", own_facilitator)
    expect(page.get_by_role("heading", name="My classes")).to_be_visible()
    watch.collect()

    open_class(page, live_class)
    watch.collect()

    page.get_by_role("link", name="Capture").first.click()
    # The page's script (static/js/capture.js) runs: its helpers show and work.
    page.get_by_role("button", name="All present").click()
    expect(page.locator("input.hours").first).to_have_value("2")
    page.locator("input.page").nth(0).fill("3")
    page.locator("input.page").nth(1).fill("3")
    watch.collect()
    page.get_by_role("button", name="Save attendance").click()
    expect(page.locator(".message.success")).to_be_visible()
    watch.collect()

    open_class(page, live_class)
    page.get_by_role("link", name="Not held").first.click()
    expect(page.get_by_role("heading", name="Session did not happen")).to_be_visible()
    watch.collect()

    assert watch.found == []


def test_the_admin_runs_under_the_policy(page, live_server, admin_user, live_class, watch):
    log_in(page, f"{live_server.url}/admin/", admin_user)
    expect(page.get_by_role("heading", name="Office administration")).to_be_visible()
    watch.collect()

    # A change form with autocomplete (select2), inlines and date widgets.
    page.goto(f"{live_server.url}{reverse('admin:classes_class_change', args=[live_class.pk])}")
    page.locator(".select2-selection").first.click()  # opens the autocomplete
    expect(page.locator(".select2-results")).to_be_visible()
    page.keyboard.press("Escape")
    page.locator(".add-row a").first.click()  # inlines.js adds a form row
    page.locator(".datetimeshortcuts a").first.click()  # "Today" (DateTimeShortcuts.js)
    expect(page.locator("input.vDateField").first).not_to_have_value("")
    watch.collect()

    schedule_url = reverse("admin:classes_schedule_change", args=[live_class.schedule.pk])
    page.goto(f"{live_server.url}{schedule_url}")  # inlines of time slots
    watch.collect()

    page.goto(f"{live_server.url}{reverse('admin:progression_hourslog_changelist')}")
    page.get_by_role("link", name="Log manual hours").click()
    expect(page.get_by_role("heading", name="Log manual hours")).to_be_visible()
    watch.collect()

    # (The navigation sidebar is switched off: admin.site.enable_nav_sidebar.)
    page.goto(f"{live_server.url}{reverse('admin:classes_class_changelist')}")
    page.locator("#action-toggle").check()  # the changelist's actions script
    watch.collect()

    assert watch.found == []


def test_the_manifest_and_the_service_worker_load_under_the_policy(
    page, context, live_server, own_facilitator, live_class, watch
):
    """Issue 13: the worker installs from the app's origin (its own scripts and Workbox,
    vendored) and precaches the static files; the browser reads the manifest."""
    log_in(page, f"{live_server.url}/", own_facilitator)
    expect(page.get_by_role("heading", name="My classes")).to_be_visible()
    # Resolves once the worker is active: its install (importScripts, precaching)
    # would have failed under a policy that blocked any of it.
    scope = page.evaluate("navigator.serviceWorker.ready.then((r) => r.scope)")
    assert scope == f"{live_server.url}/"
    cached = page.evaluate(
        """async () => {
          const urls = [];
          // Workbox's precache; the pages kept for offline use are in "offline-pages".
          for (const name of (await caches.keys()).filter((n) => n.includes("precache"))) {
            const cache = await caches.open(name);
            urls.push(...(await cache.keys()).map((request) => new URL(request.url).pathname));
          }
          return urls;
        }"""
    )
    assert len(cached) == len(PRECACHED)
    assert all(path.startswith("/static/") for path in cached), cached

    manifest = context.new_cdp_session(page).send("Page.getAppManifest")
    assert manifest["url"] == f"{live_server.url}{reverse('app_manifest')}"
    assert manifest["errors"] == []
    assert '"start_url": "/classes/"' in manifest["data"]

    open_class(page, live_class)  # a page loaded under the worker
    watch.collect()
    assert watch.found == []
