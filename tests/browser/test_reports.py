"""An office admin reads every report in a real browser, at phone and desktop width:
nothing scrolls sideways, the pictures render, a resolution can be recorded, and the
CSV downloads."""

import datetime

import pytest
from playwright.sync_api import expect

from classes.schedule import expand
from classes.selectors import schedule_spec
from classes.services import LearnerEntry, capture_session
from progression.services import ProgressionService
from reports.class_search import CLASSES_SHOWN, SEARCH_MAX_LENGTH
from reports.models import ExcessiveHoursResolution
from tests.browser.axe import Audit
from tests.browser.conftest import DESKTOP, PHONE, assert_fits_the_screen, log_in
from tests.browser.test_csp import ViolationWatch
from tests.conftest import NOW
from tests.factories import (
    ClassFactory,
    ClientFactory,
    EnrolmentFactory,
    LearningProgrammeFactory,
    ScheduleFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REPORTS = [
    ("Capture backlog", "capture-backlog"),
    ("Learner progress", "learner-progress"),
    ("Excessive hours", "excessive-hours"),
    ("Regulatory export", "regulatory"),
]


@pytest.fixture
def report_data(live_class, own_facilitator, other_facilitator):
    """live_class meets every day for 2 hours from two weeks ago: its first seven
    sessions (public holidays skipped) are captured, the rest of the past is the
    backlog. A second class, on a capped programme of 10 hours, has two learners
    trained 12 hours (manual entries) and no sessions yet."""
    today = NOW.date()  # the browser tests' pinned clock (tests/browser/conftest.py)
    roster = list(live_class.enrolments.order_by("learner__surname"))
    past = [s.date for s in expand(schedule_spec(live_class)) if not s.blocked and s.date < today]
    hours_of_the_second = ["2", "1.5", "2", "0", "2", "1", "2"]  # the others: 2 h each
    for page, (day, hours) in enumerate(zip(past[:7], hours_of_the_second, strict=True), start=3):
        capture_session(
            klass=live_class,
            session_date=day,
            recorded_by=own_facilitator,
            entries=[
                LearnerEntry(e.learner_id, hours if n else "2", str(page))
                for n, e in enumerate(roster)
            ],
        )
    capped = ClassFactory(
        code="CAPPED-NORTH-0001",
        facilitator=other_facilitator,
        programme=LearningProgrammeFactory(
            code="BE-NQF2-COMM",
            name="Business English: communicating at work (NQF 2)",
            subject_duration=10,
            class_type__hours_capped=True,
        ),
        client__name="Mzansi Manufacturing and Engineering Works (Pty) Ltd",
    )
    ScheduleFactory(klass=capped, start_date=today + datetime.timedelta(days=1))
    for first, surname in [("Nomvula Thandiwe", "Ndlovu-Müller"), ("Johannes", "van der Merwe")]:
        learner = EnrolmentFactory(
            klass=capped,
            start_date=today - datetime.timedelta(days=30),
            learner__first_names=first,
            learner__surname=surname,
        ).learner
        ProgressionService.log_hours(learner, 12, 10)
    return live_class, capped, len(past) - 7


@pytest.mark.parametrize(("size", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_an_admin_reads_every_report(
    page, live_server, admin_user, report_data, screenshot, size, viewport
):
    live_class, capped, backlog = report_data
    # The pictures are inline SVG: they must render under the Content-Security-Policy.
    watch = ViolationWatch(page)
    page.set_viewport_size(viewport)
    log_in(page, live_server, admin_user, heading="Classes")

    page.get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", name="Reports", exact=True)).to_be_visible()
    assert_fits_the_screen(page)
    screenshot(f"reports-{size}")

    for title, slug in REPORTS:
        page.goto(f"{live_server.url}/reports/")
        page.get_by_role("link", name=title).click()
        expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()
        assert_fits_the_screen(page)
        screenshot(f"report-{slug}-{size}")
        watch.collect()

    page.goto(f"{live_server.url}/reports/capture-backlog/")
    expect(page.locator("[data-row]")).to_have_count(backlog)
    page.goto(f"{live_server.url}/reports/learner-progress/")
    expect(page.locator("svg.bar").first).to_be_visible()
    expect(page.locator("svg.trend").first).to_be_visible()
    expect(page.locator("tr[data-row]")).to_have_count(5)

    # The class is found by a search (part of the client's name, any case), then
    # chosen from the list of links; the list and the report pass axe-core.
    audit = Audit(page)
    page.goto(f"{live_server.url}/reports/class-monthly/")
    matches = page.get_by_role("region", name="Classes", exact=True)
    expect(matches.get_by_role("listitem")).to_have_count(2)
    assert_fits_the_screen(page)
    screenshot(f"report-class-monthly-search-{size}")
    page.get_by_label("Class code or client").fill("mzansi manufacturing")
    page.get_by_role("button", name="Search").click()
    matches = page.get_by_role("region", name="Classes matching")
    expect(matches.get_by_role("listitem")).to_have_count(1)
    expect(matches).to_contain_text(capped.code)
    audit.check(f"class monthly search {size}")
    page.get_by_label("Class code or client").fill(live_class.code.lower())
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=live_class.code, exact=True).click()
    expect(page.locator(".monthly-header")).to_contain_text(live_class.site)
    expect(page.locator(".chosen-class")).to_contain_text(live_class.code)
    audit.check(f"class monthly report {size}")
    assert_fits_the_screen(page)
    screenshot(f"report-class-monthly-{size}")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    assert download.value.suggested_filename.startswith(f"class-{live_class.code}-")
    page.get_by_role("link", name="Choose another class").click()
    expect(page.get_by_label("Class code or client")).to_be_visible()
    watch.collect()
    assert watch.found == []
    audit.assert_no_failures()


def test_an_admin_records_a_resolution_on_a_phone(
    page, live_server, admin_user, report_data, screenshot
):
    page.set_viewport_size(PHONE)
    log_in(page, live_server, admin_user, heading="Classes")
    page.goto(f"{live_server.url}/reports/excessive-hours/")
    expect(page.locator("tr[data-row]")).to_have_count(2)

    page.get_by_role("link", name="Record resolution").first.click()
    expect(page.get_by_role("heading", name="Ndlovu-Müller, Nomvula Thandiwe")).to_be_visible()
    page.get_by_role("radio", name="Other").check()
    page.get_by_role("button", name="Record resolution").click()
    expect(page.locator(".error-summary")).to_contain_text("required for “Other”")
    assert_fits_the_screen(page)
    screenshot("report-resolve-errors-phone")
    page.get_by_role("textbox", name="Notes").fill("Agreed an extra module with the client")
    page.get_by_role("button", name="Record resolution").click()

    expect(page.locator(".message.success")).to_contain_text("Resolution recorded")
    expect(page.get_by_role("heading", name="Resolved in the last 30 days")).to_be_visible()
    assert_fits_the_screen(page)
    screenshot("report-excessive-hours-resolved-phone")
    assert ExcessiveHoursResolution.objects.get().notes == "Agreed an extra module with the client"


@pytest.mark.parametrize(("size", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_the_class_search_stays_short_with_many_classes(
    page, live_server, admin_user, screenshot, size, viewport
):
    ClassFactory.create_batch(CLASSES_SHOWN + 5, client=ClientFactory(name="Sasol Secunda"))
    audit = Audit(page)
    page.set_viewport_size(viewport)
    log_in(page, live_server, admin_user, heading="Classes")
    page.goto(f"{live_server.url}/reports/class-monthly/?month=2026-02")

    matches = page.get_by_role("region", name="Classes", exact=True)
    expect(matches.get_by_role("listitem")).to_have_count(CLASSES_SHOWN)
    expect(matches).to_contain_text("More classes match: narrow the search")
    assert_fits_the_screen(page)
    audit.check(f"class search, more {size}")
    screenshot(f"report-class-monthly-more-{size}")
    page.get_by_role("link", name=f"see the next {CLASSES_SHOWN}").click()
    expect(page.get_by_role("region", name="Classes").get_by_role("listitem")).to_have_count(5)
    page.get_by_role("link", name="Back to the first classes").click()
    expect(page.get_by_role("region", name="Classes").get_by_role("listitem")).to_have_count(
        CLASSES_SHOWN
    )

    # The field takes at most 200 characters; a longer search comes from a typed URL.
    field = page.get_by_label("Class code or client")
    field.fill("secunda " * 30)
    expect(field).to_have_value(("secunda " * 30)[:SEARCH_MAX_LENGTH])
    page.goto(f"{live_server.url}/reports/class-monthly/?q={'secunda+' * 30}")
    expect(page.locator(".message.warning")).to_contain_text("A search has at most")
    expect(page.get_by_label("Class code or client")).to_have_attribute("aria-invalid", "true")
    audit.check(f"class search, too long {size}")
    assert_fits_the_screen(page)
    screenshot(f"report-class-monthly-too-long-{size}")
    audit.assert_no_failures()
