"""Two app servers, one database: captures fired at both at once are recorded once.

DESIGN §5: N app servers behind a load balancer on one PostgreSQL must behave like
one. This starts two real gunicorn processes (two workers each, production settings)
against the test database, logs facilitators in over HTTP, and fires every submit of
several sessions at both servers at the same moment. Exactly one capture per session
must come out, held by the database alone (the unique session row and its row lock):
the four worker processes share nothing else.
"""

import contextlib
import datetime
import http.client
import re
import urllib.parse
from dataclasses import dataclass, field
from decimal import Decimal
from http.cookies import SimpleCookie

import pytest
from django.conf import global_settings
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from bench import servers
from classes.models import AttendanceSession, LearnerAttendance
from classes.schedule import expand
from classes.selectors import schedule_spec
from classes.services.capture import ALREADY_RECORDED
from classes.views import CAPTURED_MESSAGE
from progression.models import HoursLog, Progression
from tests.conftest import NOW, assert_ledger_consistent
from tests.database import database_url
from tests.factories import PASSWORD, EnrolmentFactory, ScheduleFactory, UserFactory
from tests.processes import pinned_clock_env
from tests.threads import fire_at_once

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

EVERY_DAY = [(day, datetime.time(8), datetime.time(10)) for day in range(7)]  # 2 hours
SESSIONS = 4
BROWSERS_PER_USER = 2
# "This session was already captured by": the text before the name and time.
ALREADY_CAPTURED = ALREADY_RECORDED.partition(" {who}")[0].format(what="captured")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SUBMISSION_KEY = re.compile(r'name="submission_key" value="([^"]+)"')


# --- two gunicorn servers -------------------------------------------------------------
# Started and stopped by bench.servers, which `make bench` uses too; their static files
# are the run's one collectstatic (tests/conftest.py).


@pytest.fixture
def app_servers(transactional_db, collected_static, tmp_path):
    """Two gunicorn servers on the test database; stopped afterwards, also on failure."""
    # Each request gets its own connection: nothing outlives the test database. The
    # servers' clock starts at the test's pinned instant (libfaketime).
    env = servers.app_env(database_url(), collected_static, CONN_MAX_AGE="0")
    env |= pinned_clock_env(NOW)
    started = []
    with contextlib.ExitStack() as stack:
        for name in ("server-a", "server-b"):
            server = servers.start(name, env, tmp_path, workers=2)
            stack.callback(servers.stop, server)
            started.append(server)
        yield started
    # Stopped: their logs are complete. A 500 or a killed worker leaves its mark here
    # even when the client saw only a dropped connection.
    for server in started:
        assert servers.problems_in_log(server) == [], f"{server.name}:\n{server.log_text()}"


# --- browsers over plain HTTP ---------------------------------------------------------


@dataclass
class Response:
    status: int
    location: str
    cookies: dict[str, str]  # set by this response ("" = deleted)
    text: str


def fetch(port, method, path, *, cookies, form=None) -> Response:
    connection_ = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        headers = {}
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection_.request(method, path, body=body, headers=headers)
        response = connection_.getresponse()
        jar = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar.load(header)
        set_cookies = {
            name: "" if morsel["max-age"] == "0" else morsel.value for name, morsel in jar.items()
        }
        return Response(
            response.status,
            response.getheader("Location", ""),
            set_cookies,
            response.read().decode(),
        )
    finally:
        connection_.close()


@dataclass
class Browser:
    """One person's browser: its cookie jar goes with it to whichever server it asks.

    Cookies are kept by name only, not by port: like a real browser behind a load
    balancer, it cannot tell the two servers apart.
    """

    user: User
    cookies: dict[str, str] = field(default_factory=dict)
    form_token: str = ""
    statuses: list[int] = field(default_factory=list)

    def request(self, port, method, path, form=None) -> Response:
        response = fetch(port, method, path, cookies=self.cookies, form=form)
        self.statuses.append(response.status)
        for name, value in response.cookies.items():
            if value:
                self.cookies[name] = value
            else:
                self.cookies.pop(name, None)
        return response

    def tab(self) -> "Browser":
        # One submit per tab, so that each redirect shows its own submit's message.
        return Browser(self.user, dict(self.cookies), self.form_token)

    def log_in(self, port) -> None:
        page = self.request(port, "GET", "/accounts/login/")
        assert page.status == 200
        form = {"username": self.user.username, "password": PASSWORD, "next": ""}
        response = self.request(port, "POST", "/accounts/login/", form | csrf(page))
        assert (response.status, response.location) == (302, reverse("classes:my_classes"))


def csrf(page: Response) -> dict[str, str]:
    match = TOKEN.search(page.text)
    assert match, page.text[:2000]
    return {"csrfmiddlewaretoken": match.group(1)}


@dataclass
class Submit:
    """One press of "Save attendance", then the page its redirect shows."""

    browser: Browser
    port: int
    class_id: int
    session_date: datetime.date
    learner_ids: tuple[int, int, int]
    page_number: int  # unique per date: tells the winning submit's values apart
    submission_key: str = ""
    post: Response | None = None
    shown: Response | None = None

    def __call__(self) -> "Submit":
        url = reverse("classes:capture", args=[self.class_id, self.session_date])
        self.post = self.browser.request(self.port, "POST", url, self.form())
        if self.post.status == 302:
            self.shown = self.browser.request(self.port, "GET", self.post.location)
        return self

    def form(self) -> dict[str, str]:
        # The capture form's fields (classes/views.py): hours_<id> and page_<id>.
        present, part_time, absent = self.learner_ids
        return {
            "csrfmiddlewaretoken": self.browser.form_token,
            "submission_key": self.submission_key,
            f"hours_{present}": "2",
            f"page_{present}": str(self.page_number),
            f"hours_{part_time}": "1.5",
            f"page_{part_time}": str(self.page_number),
            f"hours_{absent}": "0",
            f"page_{absent}": "",
        }


# --- the test -------------------------------------------------------------------------


@pytest.fixture
def production_password_hashing(settings):
    # The servers run production settings, which do not accept the fast test hash.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS


SINCE_DAYS = 14


@pytest.fixture
def live_class(production_password_hashing, transactional_db, time_machine):
    """A class meeting every day for two hours since two weeks ago, three learners,
    a facilitator and a backup facilitator, on Wednesday 4 March 2026 at 14:00: this
    process's clock pinned there (time-machine, ticking), the servers' started there
    (libfaketime, app_servers), whatever the machine's calendar says."""
    time_machine.move_to(NOW, tick=True)
    today = timezone.localdate()
    facilitator = UserFactory(first_name="Thandi", last_name="Mokoena")
    backup = UserFactory(first_name="Pieter", last_name="Botha")
    schedule = ScheduleFactory(
        klass__facilitator=facilitator,
        start_date=today - datetime.timedelta(days=SINCE_DAYS),
        end_date=today + datetime.timedelta(days=60),
        slots=EVERY_DAY,
    )
    klass = schedule.klass
    klass.backup_facilitators.add(backup)
    for surname in ("Dlamini", "Nkosi", "Pretorius"):
        EnrolmentFactory(klass=klass, learner__surname=surname, start_date=schedule.start_date)
    return klass


def test_captures_fired_at_two_servers_at_once_are_recorded_once_per_session(
    app_servers, live_class
):
    # The last sessions before yesterday that can be recorded (a public holiday in the
    # last fortnight is blocked, so the dates come from the schedule engine).
    yesterday = live_class.schedule.start_date + datetime.timedelta(days=SINCE_DAYS - 1)
    planned = expand(schedule_spec(live_class))
    dates = [p.date for p in planned if p.date < yesterday and p.blocked_reason is None][-SESSIONS:]
    assert len(dates) == SESSIONS
    learner_ids = tuple(
        live_class.enrolments.order_by("learner__surname").values_list("learner_id", flat=True)
    )
    # Half the sessions already have their pending row (as after a void): there the
    # race is on the row lock; on the others it is on the INSERT and the unique key.
    for day in dates[1::2]:
        AttendanceSession.objects.create(klass=live_class, session_date=day, scheduled_hours=2)
    users = [live_class.facilitator, live_class.backup_facilitators.get()]
    ports = [server.port for server in app_servers]

    # Each browser logs in at one server and opens the capture form at the other:
    # the login (a database session) is good on both.
    browsers = []
    for index in range(len(users) * BROWSERS_PER_USER):
        browser = Browser(users[index % len(users)])
        browser.log_in(ports[index % 2])
        form = browser.request(ports[(index + 1) % 2], "GET", f"/classes/{live_class.pk}/")
        assert form.status == 200
        assert live_class.code in form.text
        capture_page = browser.request(
            ports[(index + 1) % 2],
            "GET",
            reverse("classes:capture", args=[live_class.pk, dates[0]]),
        )
        assert capture_page.status == 200
        for learner_id in learner_ids:
            assert f'name="hours_{learner_id}"' in capture_page.text
            assert f'name="page_{learner_id}"' in capture_page.text
        browser.form_token = csrf(capture_page)["csrfmiddlewaretoken"]
        browsers.append(browser)

    # Every browser submits every session at both servers, all at the same moment.
    # Pages rise with the date, so no submit needs the "lower page" confirmation.
    submits = [
        Submit(
            browser.tab(),
            port,
            live_class.pk,
            day,
            learner_ids,
            page_number=20 * day_index + 1 + len(browsers) * port_index + browser_index,
        )
        for day_index, day in enumerate(dates)
        for browser_index, browser in enumerate(browsers)
        for port_index, port in enumerate(ports)
    ]
    # Each tab opened its own capture form first, so each submit has its own
    # one-time key: what races below is the session, not a replayed key.
    for submit in submits:
        url = reverse("classes:capture", args=[submit.class_id, submit.session_date])
        page = submit.browser.request(submit.port, "GET", url)
        match = SUBMISSION_KEY.search(page.text)
        assert match, page.text[:2000]
        submit.submission_key = match.group(1)
    results = fire_at_once(submits)

    errors = [r for r in results if not isinstance(r, Submit)]
    assert errors == []
    statuses = [s for b in browsers for s in b.statuses]
    statuses += [s for submit in submits for s in submit.browser.statuses]
    assert [s for s in statuses if s >= 500] == []
    for submit in submits:
        detail = reverse("classes:session_detail", args=[live_class.pk, submit.session_date])
        assert (submit.post.status, submit.post.location) == (302, detail), submit.post.text
        assert submit.shown.status == 200

    success = CAPTURED_MESSAGE.partition("{date}")[2].format(count=len(learner_ids))
    for day in dates:
        on_day = [s for s in submits if s.session_date == day]
        winners = [s for s in on_day if success in s.shown.text]
        refused = [s for s in on_day if ALREADY_CAPTURED in s.shown.text]
        assert (len(winners), len(refused)) == (1, len(on_day) - 1), day
        winner = winners[0]

        session = AttendanceSession.objects.get(klass=live_class, session_date=day)
        assert session.status == AttendanceSession.Status.CAPTURED
        assert session.captured_by == winner.browser.user
        # Recorded by a server running on the pinned clock, not the machine's.
        assert NOW <= session.captured_at < NOW + datetime.timedelta(hours=1)
        # All or nothing: every row carries the winning submit's values.
        rows = LearnerAttendance.objects.filter(session=session)
        assert sorted(rows.values_list("learner_id", "hours_present", "page_number")) == [
            (learner_ids[0], Decimal("2.0"), winner.page_number),
            (learner_ids[1], Decimal("1.5"), winner.page_number),
            (learner_ids[2], Decimal("0.0"), None),
        ]
        ledger = HoursLog.objects.filter(session=session)
        assert sorted(ledger.values_list("learner_id", flat=True)) == sorted(learner_ids)

    assert AttendanceSession.objects.filter(klass=live_class).count() == len(dates)
    assert set(Progression.objects.values_list("hours_trained", flat=True)) == {2 * len(dates)}
    assert_ledger_consistent()
