"""An office admin marks a progression complete with a portfolio, in a real browser."""

import datetime
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from progression.models import Progression
from progression.services import ProgressionService
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_csp import ViolationWatch
from tests.factories import PASSWORD, EnrolmentFactory
from tests.progression.files import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("size", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_an_admin_marks_a_progression_complete_with_a_portfolio(
    page,
    live_server,
    admin_user,
    klass,
    screenshot,
    media_root,
    tmp_path,
    size,
    viewport,
    pinned_clock,
):
    start = pinned_clock.date() - datetime.timedelta(days=60)
    learner = EnrolmentFactory(klass=klass, learner__surname="Dlamini", start_date=start).learner
    EnrolmentFactory(klass=klass, learner__surname="Nkosi", start_date=start)
    ProgressionService.log_hours(learner, 45, 36)  # 37.5 % of 120 hours
    portfolio = tmp_path / "Zanele Dlamini portfolio.pdf"
    portfolio.write_bytes(PDF)
    page.set_viewport_size(viewport)
    watch = ViolationWatch(page)

    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill(admin_user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}{reverse('admin:progression_progression_changelist')}")
    expect(page.locator("svg.bar").first).to_be_visible()
    screenshot(f"admin-progressions-{size}")
    watch.collect()

    row = page.locator("#result_list tbody tr", has_text="Dlamini")
    row.locator("input.action-select").check()
    page.locator("select[name=action]").select_option("complete_progressions")
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_role("heading", name="Mark programmes complete")).to_be_visible()
    expect(page.get_by_label("Completed on")).to_have_value(pinned_clock.date().isoformat())
    page.get_by_label("Portfolio of evidence").set_input_files(str(portfolio))
    screenshot(f"admin-complete-{size}")
    watch.collect()
    page.get_by_role("button", name="Mark complete").click()

    expect(page.locator(".messagelist .success")).to_contain_text(
        "is completed on", ignore_case=True
    )
    expect(page.locator(".messagelist .success")).to_contain_text("with the portfolio")
    screenshot(f"admin-completed-{size}")
    watch.collect()

    page.locator("#result_list tbody tr", has_text="Dlamini").locator("th a").click()
    expect(page.get_by_role("link", name="Download the portfolio")).to_be_visible()
    expect(page.get_by_role("button", name="Start a new programme")).to_be_visible()
    screenshot(f"admin-completed-progression-{size}")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the portfolio").click()
    assert download.value.suggested_filename.startswith("portfolio-Dlamini-")
    assert Path(download.value.path()).read_bytes() == PDF
    watch.collect()

    assert watch.found == []
    progression = Progression.objects.get(learner=learner)
    assert progression.status == "completed"
    assert progression.completion_date == pinned_clock.date()
    assert (media_root / progression.portfolio.name).read_bytes() == PDF
    assert Progression.objects.exclude(learner=learner).get().status == "in_progress"
