"""Submits queued on the phone (issue 13): a capture sent offline, or whose answer was
lost, waits in the outbox with its one-time key and is delivered once when the
connection returns; a session recorded meanwhile is shown beside what the phone kept,
never overwritten; a queued submit goes only as the user who typed it."""

import contextlib
import datetime
import re

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from classes.models import AttendanceSession, LearnerAttendance
from progression.models import HoursLog
from submissions.models import FormSubmission
from tests.browser.conftest import PHONE, drafts_settled, log_in, open_class, set_phone_clock
from tests.browser.test_offline_drafts import assert_half_a_register_is_back, type_half_a_register

# The server's clock and the page scripts' (Date.now()) are pinned to 4 March 2026 at
# 14:00, ticking: tests/browser/conftest.py's pinned_clock (autouse, named here so
# that no test of this module runs on the machine's calendar).
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("pinned_clock"),
]

QUEUED = re.compile(r"^Saved on this phone, not sent yet \(\d\d:\d\d\)\.")
LAST_SENT = re.compile(r"0 waiting to send · last sent \d\d:\d\d")


def ready_for_offline(page):
    """Wait for static/js/offline.js to have kept the pages for offline use."""
    expect(page.locator("html")).to_have_attribute("data-offline-ready", "true", timeout=20_000)


def log_in_ready(page, live_server, user):
    log_in(page, live_server, user)
    ready_for_offline(page)
    # The worker controls the pages from here on (it claims its clients once active).
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    if page.evaluate("() => navigator.serviceWorker.controller === null"):
        page.reload()
        ready_for_offline(page)


def open_capture(page, live_class):
    open_class(page, live_class)
    page.get_by_role("link", name="Capture").first.click()
    expect(page.get_by_role("heading", name="Capture attendance")).to_be_visible()
    drafts_settled(page)
    return page.url


def queue_offline(page, context):
    """Type half a register, go offline, save marking the rest absent: queued."""
    type_half_a_register(page)
    context.set_offline(True)
    page.get_by_role("button", name="Save, marking the rest absent").click()
    expect(page.locator("#outbox_note p")).to_have_text(QUEUED)
    expect(page.locator("#offline_line")).to_contain_text("1 waiting to send")


def assert_captured_once(session_date=None):
    session = AttendanceSession.objects.get(status="captured")
    if session_date is not None:
        assert session.session_date == session_date
    assert LearnerAttendance.objects.filter(session=session).count() == 3
    assert HoursLog.objects.filter(session_id=session.pk).count() == 3
    assert FormSubmission.objects.count() == 1
    return session


def test_a_capture_saved_offline_survives_a_reload_and_is_delivered_once(
    page, context, live_server, own_facilitator, live_class, screenshot
):
    page.set_viewport_size(PHONE)
    log_in_ready(page, live_server, own_facilitator)
    capture_url = open_capture(page, live_class)
    queue_offline(page, context)
    screenshot("capture-queued-offline-phone")
    assert not AttendanceSession.objects.filter(status="captured").exists()

    # Offline, the reload is the copy kept on the phone, with what was typed.
    page.reload()
    drafts_settled(page)
    expect(page.locator("#offline_line")).to_contain_text("Offline copy kept on this phone")
    assert_half_a_register_is_back(page)
    expect(page.locator("#outbox_note p")).to_have_text(QUEUED)
    # The class page says which session waits on the phone.
    page.goto(live_server.url + f"/classes/{live_class.pk}/")
    expect(page.locator(".outbox-mark").first).to_have_text("saved on this phone, not sent yet")

    # Closed, back online, the app opened again: delivered, once.
    page.close()
    context.set_offline(False)
    again = context.new_page()
    again.goto(live_server.url + "/classes/")
    expect(again.locator("#offline_line")).to_contain_text(LAST_SENT)
    session = assert_captured_once()
    assert capture_url.endswith(f"/sessions/{session.session_date.isoformat()}/capture/")
    assert LearnerAttendance.objects.get(hours_present=1.5).absence_remark == "Clinic visit"
    # The capture's message is on the first page opened after the delivery: this one
    # if the worker's background sync delivered it first, else the next.
    if not again.locator(".message.success").count():
        again.reload()
    expect(again.locator(".message.success")).to_contain_text("captured for 3 learners")


def test_a_response_lost_three_times_is_retried_with_the_same_key_and_counts_once(
    page, context, live_server, own_facilitator, live_class
):
    page.set_viewport_size(PHONE)
    log_in_ready(page, live_server, own_facilitator)
    capture_url = open_capture(page, live_class)
    queue_offline(page, context)

    # Back online, the first three deliveries reach the server, and their answers are
    # lost on the way back.
    keys = []

    def lose_the_answer(route):
        fields = dict(p.split("=", 1) for p in (route.request.post_data or "").split("&"))
        keys.append(fields.get("submission_key"))
        if len(keys) <= 3:
            route.fetch()  # the server does its work
            route.abort("connectionreset")
        else:
            route.continue_()

    context.route(
        re.compile(re.escape(capture_url) + "$"),
        lambda route: (
            lose_the_answer(route) if route.request.method == "POST" else route.continue_()
        ),
    )
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    # Each lost answer leaves the submit waiting, and "Send now" sends it again (a
    # press while a delivery is under way waits for that one).
    for _ in range(100):
        if len(keys) >= 4:
            break
        page.wait_for_timeout(100)
        send_now = page.get_by_role("button", name="Send now")
        if send_now.is_visible():
            with contextlib.suppress(PlaywrightError):  # the page may move on meanwhile
                send_now.click(timeout=1000)
    # Its form is open: once sent, the phone shows the session as recorded.
    expect(page.get_by_role("heading", name=re.compile(r"^\w+day \d+ \w+ \d{4}$"))).to_be_visible()
    assert len(keys) == 4
    assert len(set(keys)) == 1, "every attempt carries the form's one key"
    assert_captured_once()
    # The answer that got through is the first outcome's: saved once.
    expect(page.locator(".messages")).to_contain_text("it was saved once")


def test_an_online_save_whose_answer_is_lost_lands_on_the_recorded_session(
    page, context, live_server, own_facilitator, live_class
):
    page.set_viewport_size(PHONE)
    log_in_ready(page, live_server, own_facilitator)
    capture_url = open_capture(page, live_class)
    posts = []

    def lose_the_answer(route):
        if route.request.method != "POST":
            return route.continue_()
        posts.append(route.request.post_data)
        route.fetch()  # the server saves it
        route.abort("connectionreset")

    # The worker sends the page's navigation: the context's routes see its requests.
    context.route(re.compile(re.escape(capture_url) + "$"), lose_the_answer)
    page.get_by_role("button", name="All present").click()
    page.get_by_role("button", name="Save attendance").click()

    # Not the browser's error page: the form again, which the server now answers with
    # the session as recorded.
    expect(page.get_by_text("Recorded by")).to_be_visible()
    expect(page.locator(".message.warning")).to_contain_text("already captured by Thandi")
    assert len(posts) == 1
    assert_captured_once()
    page.wait_for_function("() => document.documentElement.dataset.outboxChecked")
    assert page.evaluate("() => Outbox.all().then((entries) => entries.length)") == 0


def test_two_phones_queue_one_session_one_capture_the_other_shown_as_a_conflict(
    browser, live_server, own_facilitator, live_class, screenshot
):
    phones = []
    for hours in ("2", "1"):
        context = browser.new_context(viewport=PHONE)
        set_phone_clock(context)
        page = context.new_page()
        log_in_ready(page, live_server, own_facilitator)
        open_capture(page, live_class)
        context.set_offline(True)
        page.get_by_role("button", name="All present").click()
        page.locator("input.hours").nth(0).fill(hours)
        page.get_by_role("button", name="Save attendance").click()
        expect(page.locator("#outbox_note p")).to_have_text(QUEUED)
        phones.append((context, page))

    first, second = phones
    first[0].set_offline(False)
    first[1].evaluate("window.dispatchEvent(new Event('online'))")
    expect(first[1].get_by_role("heading", name=re.compile(r"\d{4}$"))).to_be_visible()
    session = assert_captured_once()
    assert (
        str(
            LearnerAttendance.objects.filter(session=session)
            .order_by("learner__surname")
            .first()
            .hours_present.normalize()
        )
        == "2"
    )

    second[0].set_offline(False)
    page = second[1]
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator(".offline-notes")).to_contain_text("recorded meanwhile from elsewhere")
    # Nothing of the second phone's was written.
    assert_captured_once()
    page.locator(".offline-notes a").click()
    conflict = page.locator("#conflict")
    expect(conflict.get_by_role("heading", name="Kept on this phone, not sent")).to_be_visible()
    first_row = conflict.locator("tbody tr").first
    expect(first_row.locator("td").nth(0)).to_have_text("2")  # recorded
    expect(first_row.locator("td").nth(2)).to_have_text("1")  # this phone's
    screenshot("session-conflict-phone", of=page)
    # Still kept after a reload: the phone's values go only when its user says so.
    page.reload()
    expect(page.locator("#conflict tbody tr").first.locator("td").nth(2)).to_have_text("1")
    page.get_by_role("button", name="Correct the session with these values").click()
    expect(page.get_by_role("heading", name=re.compile("Correct"))).to_be_visible()
    drafts_settled(page)
    expect(page.locator("input.hours").nth(0)).to_have_value("1")
    assert_captured_once()
    for context, _ in phones:
        context.close()


def test_a_submit_queued_before_the_login_expired_goes_only_as_its_own_user(
    page, context, live_server, own_facilitator, other_facilitator, live_class
):
    live_class.backup_facilitators.add(other_facilitator)
    page.set_viewport_size(PHONE)
    log_in_ready(page, live_server, own_facilitator)
    open_capture(page, live_class)
    queue_offline(page, context)
    # The login expires while the phone is offline.
    Session.objects.all().delete()
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator(".offline-notes")).to_contain_text("log in again")
    assert not AttendanceSession.objects.filter(status="captured").exists()

    # Someone else logs in on this phone: it stays, unsent.
    log_in(page, live_server, other_facilitator)
    expect(page.locator(".offline-notes")).to_contain_text("by another user waits for them")
    page.wait_for_function("() => document.documentElement.dataset.outboxChecked")
    assert not AttendanceSession.objects.filter(status="captured").exists()
    page.get_by_role("button", name=re.compile("^Log out")).click()

    # Its own user logs in again: delivered, once.
    log_in(page, live_server, own_facilitator)
    expect(page.locator("#offline_line")).to_contain_text(LAST_SENT)
    assert_captured_once()
    session = AttendanceSession.objects.get(status="captured")
    assert session.captured_by == own_facilitator


def test_a_phone_whose_clock_is_off_by_more_than_five_minutes_is_warned(
    page, live_server, own_facilitator, live_class, pinned_clock
):
    warning = re.compile(r"This phone's clock is (\d+) minutes (fast|slow)")
    log_in(page, live_server, own_facilitator)
    for minutes, shown in ((4, None), (-4, None), (7, "7 minutes fast"), (-9, "9 minutes slow")):
        # The server's clock: pinned to NOW (pinned_clock), ticking on from there.
        page.clock.set_system_time(timezone.now() + datetime.timedelta(minutes=minutes))
        page.reload()
        page.wait_for_function("() => document.documentElement.dataset.outboxChecked")
        if shown is None:
            expect(page.locator("#offline-status")).not_to_contain_text(warning)
        else:
            expect(page.locator("#offline-status")).to_contain_text(f"clock is {shown}")


def test_unsent_captures_exported_from_the_phone_and_imported_by_the_office_count_once(
    browser, page, context, live_server, own_facilitator, office_admin, live_class, screenshot
):
    page.set_viewport_size(PHONE)
    log_in_ready(page, live_server, own_facilitator)
    open_capture(page, live_class)
    queue_offline(page, context)
    with page.expect_download() as download:
        page.get_by_role("button", name="Export unsent").click()
    exported = download.value.path()
    assert re.fullmatch(r"unsent-captures-\d{8}-\d{4}\.json", download.value.suggested_filename)

    office = browser.new_context(viewport={"width": 1280, "height": 900})
    set_phone_clock(office)
    desk = office.new_page()
    log_in(desk, live_server, office_admin, heading="Classes")
    desk.get_by_role("link", name="Import unsent captures").click()
    desk.get_by_label("File exported by the phone").set_input_files(exported)
    desk.get_by_role("button", name="Import").click()
    expect(desk.locator("tbody tr td").nth(1)).to_have_text("Saved.")
    screenshot("import-unsent-desktop", of=desk)
    desk.set_viewport_size(PHONE)
    screenshot("import-unsent-phone", of=desk)
    assert_captured_once()
    office.close()

    # The phone comes back online: its delivery is the same submit, counted once.
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.get_by_role("heading", name=re.compile(r"\d{4}$"))).to_be_visible()
    assert_captured_once()


def test_a_delivery_the_server_refuses_comes_back_to_the_form_with_what_was_typed(
    page, context, live_server, own_facilitator, live_class
):
    page.set_viewport_size(PHONE)
    log_in_ready(page, live_server, own_facilitator)
    open_capture(page, live_class)
    context.set_offline(True)
    page.get_by_role("button", name="All present").click()
    page.locator("input.hours").nth(1).fill("7")  # more than the session's 2 hours
    page.get_by_role("button", name="Save attendance").click()
    expect(page.locator("#outbox_note p")).to_have_text(QUEUED)

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator(".offline-notes")).to_contain_text("could not accept")
    assert not AttendanceSession.objects.filter(status="captured").exists()
    page.locator(".offline-notes a").click()
    drafts_settled(page)
    # The server's words, beside the values as typed.
    expect(page.locator("#outbox_note")).to_contain_text("was not saved")
    expect(page.locator("#outbox_note li").first).to_contain_text("Nkosi")
    expect(page.locator("input.hours").nth(1)).to_have_value("7")
    page.locator("input.hours").nth(1).fill("2")
    page.get_by_role("button", name="Save attendance").click()
    expect(page.locator(".message.success")).to_contain_text("captured for 3 learners")
    assert_captured_once()
    page.wait_for_function("() => document.documentElement.dataset.outboxChecked")
    assert page.evaluate("() => Outbox.all().then((entries) => entries.length)") == 0


def test_a_submit_the_browser_is_sending_is_not_sent_again_by_the_outbox_meanwhile(
    page, context, live_server, own_facilitator, live_class
):
    """A page that loads while the browser's own POST of a form is under way (the form
    shown again, a second tab) leaves that submit to the browser: sent by both, the
    replay's "changed nothing" would be the message the user sees."""
    log_in_ready(page, live_server, own_facilitator)
    capture_url = open_capture(page, live_class)
    page.get_by_role("button", name="All present").click()
    posts = []
    context.route(
        re.compile(re.escape(capture_url) + "$"),
        lambda route: (
            (posts.append(1), route.continue_())
            if route.request.method == "POST"
            else route.continue_()
        ),
    )
    # The outbox entry the page writes just before the browser sends the form.
    queued = page.evaluate(
        """(ago) => {
          const form = document.querySelector("form[data-draft-key]");
          const key = form.querySelector("input[name=submission_key]").value;
          const entry = {
            id: key.split(".")[0], user: Number(document.body.dataset.user),
            url: location.pathname, body: new URLSearchParams(new FormData(form)).toString(),
            draftKey: form.dataset.draftKey, sessionUrl: form.dataset.sessionUrl,
            label: "", learners: {}, queuedAt: Date.now(), state: Outbox.WAITING,
            attempts: 1, triedAt: Date.now() - ago, sentByBrowser: true,
          };
          return Outbox.put(entry).then(() => entry.id);
        }""",
        0,
    )
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_function("() => document.documentElement.dataset.outboxChecked")
    assert posts == []
    assert page.evaluate("(id) => Outbox.get(id).then((e) => e.state)", queued) == "waiting"

    # No answer came within a minute: the outbox sends it, once.
    page.clock.fast_forward("01:01")
    page.get_by_role("button", name="Send now").click()
    expect(page.get_by_text("Recorded by")).to_be_visible()
    assert posts == [1]
    assert_captured_once()
