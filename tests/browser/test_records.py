"""The funders' files page and the learner's form (issue 16) in a real browser, at
phone and desktop width, under axe."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from records.models import AccessLog
from tests.browser.axe import Audit
from tests.browser.conftest import DESKTOP, PHONE, assert_fits_the_screen, log_in
from tests.factories import (
    ClassFactory,
    EnrolmentFactory,
    LearningProgrammeFactory,
    ReadyLearnerFactory,
    ScheduleFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def records_class(lookups, pinned_clock):
    klass = ClassFactory(programme=LearningProgrammeFactory(saqa_qualification_id="49648"))
    ScheduleFactory(klass=klass)
    for learner in (
        ReadyLearnerFactory(surname="Dlamini", id_number="8001015009087"),
        ReadyLearnerFactory(surname="UNKNOWN", id_number="8001015009088", equity_code=""),
    ):
        EnrolmentFactory(klass=klass, learner=learner, start_date=klass.schedule.start_date)
    return klass


def at_both_widths(page, audit, screenshot, name):
    for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        audit.check(f"{name} {size}")
        assert_fits_the_screen(page)
        screenshot(f"records-{name}-{size}")


def test_the_office_finds_who_is_not_ready_and_downloads_the_person_file(
    page, live_server, office_admin, records_class, screenshot
):
    audit = Audit(page)
    log_in(page, live_server, office_admin, heading="Classes")
    page.goto(f"{live_server.url}{reverse('reports:index')}")
    page.get_by_role("link", name="Funder files (SETMIS)").click()
    page.get_by_label("Class").select_option(str(records_class.pk))
    page.get_by_role("button", name="Show").click()

    row = page.locator("tr[data-learner]")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("the check digit (the last) is wrong")
    expect(row).to_contain_text("Surname 'UNKNOWN': a placeholder, not a name.")
    expect(row).to_contain_text("Equity code: missing.")
    at_both_widths(page, audit, screenshot, "funder-files")

    with page.expect_download() as download:
        page.get_by_role("link", name="Person file (400)").click()
    assert download.value.suggested_filename.endswith(".dat")
    assert AccessLog.objects.filter(action="exported").count() == 1

    row.get_by_role("link").click()
    expect(page.get_by_text("Not ready:")).to_be_visible()
    expect(page.get_by_text("We collect the learner's identity number")).to_be_visible()
    at_both_widths(page, audit, screenshot, "learner-form")
    # The learner's page, once (the funder-files page logged its not-ready list too).
    assert AccessLog.objects.filter(action="viewed", page__contains="/admin/").count() == 1
    assert audit.failing() == [], audit.report()
