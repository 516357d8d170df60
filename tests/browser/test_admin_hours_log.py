"""An office admin narrows the hours log with the date-range form and exports it."""

import csv
import datetime
import io
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from attendance_project.csv_export import BOM
from classes.selectors import session_facts
from progression.services import ProgressionService
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_csp import ViolationWatch
from tests.factories import PASSWORD, AttendanceSessionFactory, EnrolmentFactory, LearnerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("size", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_an_admin_filters_the_hours_log_by_date_and_exports_it(
    page, live_server, admin_user, klass, screenshot, size, viewport
):
    zanele = LearnerFactory(first_names="Zanele", surname="Dlamini")
    EnrolmentFactory(klass=klass, learner=zanele)
    for day in (datetime.date(2026, 2, 2), datetime.date(2026, 3, 2), datetime.date(2026, 3, 9)):
        session = AttendanceSessionFactory(klass=klass, session_date=day)
        ProgressionService.log_hours(
            zanele, 3, 2, "attendance", session=session_facts(session), created_by=admin_user
        )
    page.set_viewport_size(viewport)
    watch = ViolationWatch(page)
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill(admin_user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.goto(f"{live_server.url}{reverse('admin:progression_hourslog_changelist')}?q=Dlamini")
    expect(page.locator("#result_list tbody tr")).to_have_count(3)
    page.get_by_label("From", exact=True).fill("2026-03-01")
    page.get_by_label("To", exact=True).fill("2026-03-05")
    page.get_by_role("button", name="Apply dates").click()

    # The search survived the date form (it carries the list's other parameters).
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    expect(page.locator("#searchbar")).to_have_value("Dlamini")
    expect(page.locator(".paginator")).to_contain_text("1 hours log entry")
    screenshot(f"admin-hours-log-filtered-{size}")
    watch.collect()

    with page.expect_download() as download:
        page.get_by_role("link", name="Export these rows to CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith(BOM)
    header, *rows = list(csv.reader(io.StringIO(text.removeprefix(BOM))))
    assert [(row[1], row[2]) for row in rows] == [("2026-03-02", "Dlamini")]
    assert watch.found == []
