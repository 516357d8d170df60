"""Capture at 5, 30 and 100 learners: the service call, the POST through gunicorn,
and the baseline, one raw psycopg transaction doing the same inserts and updates.

The three paths run interleaved, round after round, each on a fresh pending session
of its class, so that the machine's noise falls on all of them alike.
"""

from __future__ import annotations

import datetime
import itertools
import statistics
import time
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client as DjangoClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bench.http import Browser, HttpError, token
from bench.seed import PASSWORD
from bench.stats import summary, timed
from classes.models import Class, Schedule, ScheduleSlot
from classes.roles import FACILITATORS
from classes.schedule import expand
from classes.selectors import CAPTURE_ANY_CLASS, schedule_spec
from classes.services import LearnerEntry, capture_session, change_class_status, enrol_learner
from classes.services.schedule import rebuild_plan
from learners.models import Client, Learner
from progression.models import LearningProgramme
from submissions.keys import FIELD_NAME, issue_key

SIZES = (5, 30, 100)
# The captures of one size rotate over a few classes (Config.capture_classes, four in
# the full run): each capture adds a row to its learners' attendance history, which
# the previous-page lookup reads, and one class taking every capture would drift to
# learners with far more history than the data set's (about 25 rows each) by the end
# of the run.
PATHS = ("baseline", "service", "http")
USERNAME = "bench.capture"
HOURS = "3"  # the capture classes meet 09:00–12:00 every day

# The baseline: what a hand-written capture sends, given the roster. Same rows, same
# locks (session row, then the progressions in id order), same totals update.
INSERT_SESSION = """
INSERT INTO class_attendance_sessions
    (class_id, session_date, status, scheduled_hours, notes, version, created_at, updated_at)
VALUES (%(class_id)s, %(day)s, 'pending', %(hours)s, '', 0, now(), now())
ON CONFLICT (class_id, session_date) DO NOTHING"""
LOCK_SESSION = """
SELECT id, status FROM class_attendance_sessions
WHERE class_id = %(class_id)s AND session_date = %(day)s FOR UPDATE"""
INSERT_ATTENDANCE = """
INSERT INTO class_attendance_learners
    (session_id, learner_id, session_date, class_type_subject_id, hours_trained, hours_present,
     page_number, created_at, updated_at)
SELECT %(session_id)s, l, %(day)s, %(programme_id)s, %(hours)s, h, p, now(), now()
FROM unnest(%(learners)s::bigint[], %(present)s::numeric[], %(pages)s::int[]) AS r(l, h, p)"""
LOCK_PROGRESSIONS = """
SELECT id, learner_id FROM learner_lp_tracking
WHERE learner_id = ANY(%(learners)s) AND status = 'in_progress'
  AND class_type_subject_id = %(programme_id)s
ORDER BY id FOR UPDATE"""
INSERT_LEDGER = """
INSERT INTO learner_hours_log
    (learner_id, class_type_subject_id, class_id, tracking_id, log_date, hours_trained,
     hours_present, source, session_id, created_by_id, notes, created_at)
SELECT l, %(programme_id)s, %(class_id)s, t, %(day)s, %(hours)s, h, 'attendance',
       %(session_id)s, %(user_id)s, '', now()
FROM unnest(%(learners)s::bigint[], %(trackings)s::bigint[], %(present)s::numeric[])
    AS r(l, t, h)"""
ADD_TOTALS = """
UPDATE learner_lp_tracking t
SET hours_trained = t.hours_trained + %(hours)s, hours_present = t.hours_present + r.h,
    updated_at = now()
FROM unnest(%(trackings)s::bigint[], %(present)s::numeric[]) AS r(id, h)
WHERE t.id = r.id"""
MARK_CAPTURED = """
UPDATE class_attendance_sessions
SET status = 'captured', captured_by_id = %(user_id)s, captured_at = now(),
    version = version + 1, updated_at = now()
WHERE id = %(session_id)s"""
INSERT_HISTORY = """
INSERT INTO class_attendance_session_history
    (session_id, action, status_before, status_after, reason, changed_by_id, changed_at)
VALUES (%(session_id)s, 'captured', 'pending', 'captured', '', %(user_id)s, now())
RETURNING id"""
INSERT_CHANGES = """
INSERT INTO class_attendance_session_history_learners (history_id, learner_id, hours_after,
    page_after)
SELECT %(history_id)s, l, h, p
FROM unnest(%(learners)s::bigint[], %(present)s::numeric[], %(pages)s::int[]) AS r(l, h, p)"""
# BEGIN and COMMIT are round trips too.
BASELINE_ROUND_TRIPS = 11
# Issue 11: statements per capture, BEGIN and COMMIT included (Django counts them), for
# the service call and for the whole POST.
MOST_STATEMENTS = {"service": 6, "view": 8}


@dataclass
class CaptureClass:
    size: int
    klass: Class
    learner_ids: list[int]
    dates: list[datetime.date]
    used: int = 0

    def next_date(self) -> datetime.date:
        day = self.dates[self.used]
        self.used += 1
        return day


@dataclass
class CaptureGroup:
    """The classes of one size; `take` gives the next pending session, round-robin."""

    members: list[CaptureClass]
    turn: int = 0

    @property
    def first(self) -> CaptureClass:
        return self.members[0]

    def take(self) -> tuple[CaptureClass, datetime.date, list]:
        cc = self.members[self.turn % len(self.members)]
        self.turn += 1
        values = learner_values(cc, cc.used)
        return cc, cc.next_date(), values


def make_classes(
    sessions_per_size: int, classes_per_size: int
) -> tuple[object, dict[int, CaptureGroup]]:
    """A facilitator and `classes_per_size` classes per size, meeting daily, with enough
    past pending sessions; learners enrolled through the real service (progressions
    started)."""
    user = get_user_model().objects.create_user(
        USERNAME, password=PASSWORD, first_name="Bench", last_name="Capture"
    )
    user.groups.add(Group.objects.get(name=FACILITATORS))
    programme = LearningProgramme.objects.order_by("-total_pages", "pk").first()
    client = Client.objects.order_by("pk").first()
    today = timezone.localdate()
    each = sessions_per_size // classes_per_size + 2
    start = today - datetime.timedelta(days=each + each // 10 + 30)
    groups = {}
    for size in SIZES:
        groups[size] = CaptureGroup(
            [
                make_class(user, programme, client, size, n, start, each)
                for n in range(classes_per_size)
            ]
        )
    return user, groups


def make_class(user, programme, client, size, number, start, sessions) -> CaptureClass:
    klass = Class.objects.create(
        code=f"BENCH-CAPTURE-{size}-{number}",
        client=client,
        programme=programme,
        site="Bench training room",
        facilitator=user,
    )
    change_class_status(klass=klass, status=Class.Status.ACTIVE, changed_by=None)
    schedule = Schedule.objects.create(
        klass=klass, start_date=start, end_date=timezone.localdate() + datetime.timedelta(days=30)
    )
    ScheduleSlot.objects.bulk_create(
        ScheduleSlot(
            schedule=schedule, weekday=day, start_time=datetime.time(9), end_time=datetime.time(12)
        )
        for day in range(7)
    )
    rebuild_plan(klass=klass)
    learners = Learner.objects.bulk_create(
        Learner(
            first_names=f"Learner {i}",
            surname=f"Capture{size}-{number}",
            id_number=f"{9901010000000 + size * 10000 + number * 1000 + i:013d}",
            race=Learner.Race.AFRICAN,
            gender=Learner.Gender.FEMALE,
            employer=client,
        )
        for i in range(size)
    )
    for learner in learners:
        enrol_learner(learner=learner, klass=klass, start_date=start)
    today = timezone.localdate()
    spec = schedule_spec(klass)
    assert spec is not None, f"{klass} has no schedule"  # made just above
    dates = [p.date for p in expand(spec) if not p.blocked and p.date < today]
    if len(dates) < sessions:
        raise RuntimeError(f"{klass}: {len(dates)} pending sessions, {sessions} needed")
    klass = Class.objects.select_related("client", "programme", "facilitator").get(pk=klass.pk)
    return CaptureClass(size, klass, [x.pk for x in learners], dates)


def learner_values(cc: CaptureClass, round_: int) -> list[tuple[int, str, int | None]]:
    """(learner, hours present, page): mostly present, some part-time, a few absent;
    pages rise with each session."""
    page = min(cc.klass.programme.total_pages, 1 + 2 * round_)
    values = []
    for i, learner_id in enumerate(cc.learner_ids):
        hours = "0" if i % 11 == 10 else "1.5" if i % 7 == 6 else HOURS
        values.append((learner_id, hours, None if hours == "0" else page))
    return values


def run_service(cc, user, day, values):
    entries = [LearnerEntry(learner, hours, page) for learner, hours, page in values]
    return timed(
        lambda: capture_session(
            klass=cc.klass,
            session_date=day,
            recorded_by=user,
            entries=entries,
            lower_pages_confirmed=True,
        )
    )[0]


def capture_form(csrf: str, values, key: str) -> dict[str, str]:
    form = {"csrfmiddlewaretoken": csrf, "confirm_lower_pages": "yes", FIELD_NAME: key}
    for learner, hours, page in values:
        form[f"hours_{learner}"] = hours
        form[f"page_{learner}"] = "" if page is None else str(page)
    return form


def run_http(cc, user, browser: Browser, csrf: str, day, values):
    url = reverse("classes:capture", args=[cc.klass.pk, day])
    # The key the capture page would have carried (issued as the page issues it; the
    # bench's servers share its SECRET_KEY), so the timed POST is the form's alone.
    key = issue_key(user=user, purpose=url)
    answer = browser.request("POST", url, capture_form(csrf, values, key))
    expected = reverse("classes:session_detail", args=[cc.klass.pk, day])
    if (answer.status, answer.location) != (302, expected):
        raise HttpError(
            f"capture POST {url}: {answer.status} {answer.location}\n{answer.text[:800]}"
        )
    return answer.ms


def run_baseline(raw, cc, user, day, values):
    learners = [v[0] for v in values]
    params = {
        "class_id": cc.klass.pk,
        "programme_id": cc.klass.programme_id,
        "day": day,
        "hours": HOURS,
        "user_id": user.pk,
        "learners": learners,
        "present": [v[1] for v in values],
        "pages": [v[2] for v in values],
    }

    def transaction():
        with raw.transaction(), raw.cursor() as cursor:
            cursor.execute(INSERT_SESSION, params)
            cursor.execute(LOCK_SESSION, params)
            params["session_id"], status = cursor.fetchone()
            assert status == "pending", status
            cursor.execute(INSERT_ATTENDANCE, params)
            cursor.execute(LOCK_PROGRESSIONS, params)
            trackings = {learner: pk for pk, learner in cursor.fetchall()}
            params["trackings"] = [trackings[learner] for learner in learners]
            cursor.execute(INSERT_LEDGER, params)
            cursor.execute(ADD_TOTALS, params)
            cursor.execute(MARK_CAPTURED, params)
            cursor.execute(INSERT_HISTORY, params)
            (params["history_id"],) = cursor.fetchone()
            cursor.execute(INSERT_CHANGES, params)

    return timed(transaction)[0]


class ExecuteTimer:
    """A database execute wrapper adding up the time spent inside cursor.execute
    (psycopg and PostgreSQL); the rest of a call is Python in Django and our code."""

    def __init__(self):
        self.ms = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.ms += (time.perf_counter() - started) * 1000


def split_times(user, groups, captures: int = 5) -> dict[int, dict[str, float]]:
    """Median time of a service capture, and how much of it is spent waiting on
    cursor.execute; what limits the service against the baseline."""
    split = {}
    for size, group in groups.items():
        totals, executes = [], []
        for _ in range(captures):
            cc, day, values = group.take()
            timer = ExecuteTimer()
            with connection.execute_wrapper(timer):
                totals.append(run_service(cc, user, day, values))
            executes.append(timer.ms)
        total, execute = statistics.median(totals), statistics.median(executes)
        split[size] = {"total_ms": total, "execute_ms": execute, "python_ms": total - execute}
    return split


def query_counts(user, groups) -> dict[str, dict[int, int]]:
    """Queries per capture for the service and for the whole request (in-process
    client, same middleware and view as under gunicorn), at each size."""
    counts: dict[str, dict[int, int]] = {"service": {}, "view": {}}
    # A request has loaded the user's permissions before the service runs (the view's
    # access check); so has this user object after its first capture.
    user.has_perm(CAPTURE_ANY_CLASS)
    client = DjangoClient(enforce_csrf_checks=True)
    client.force_login(user)
    for size, group in groups.items():
        cc, day, values = group.take()
        with CaptureQueriesContext(connection) as service:
            run_service(cc, user, day, values)
        counts["service"][size] = len(service)
        cc, day, values = group.take()
        url = reverse("classes:capture", args=[cc.klass.pk, day])
        csrf = token(client.get(url).content.decode())
        with CaptureQueriesContext(connection) as view:
            response = client.post(
                url, capture_form(csrf, values, issue_key(user=user, purpose=url))
            )
        if response.status_code != 302:
            raise HttpError(f"in-process capture: {response.status_code}")
        counts["view"][size] = len(view)
    return counts


def measure(*, user, groups, browser: Browser, raw, rounds: int, warmup: int) -> dict:
    """Interleaved rounds; returns per path and size the timing summary (ms)."""
    # The form token a browser would take from the capture page it submits.
    first = groups[SIZES[0]].first
    url = reverse("classes:capture", args=[first.klass.pk, first.dates[first.used]])
    csrf = token(browser.get(url).text)
    times: dict[tuple[str, int], list[float]] = {
        (path, size): [] for path, size in itertools.product(PATHS, SIZES)
    }
    for round_ in range(warmup + rounds):
        order = PATHS[round_ % 3 :] + PATHS[: round_ % 3]
        for size in SIZES:
            for path in order:
                cc, day, values = groups[size].take()
                if path == "service":
                    ms = run_service(cc, user, day, values)
                elif path == "http":
                    ms = run_http(cc, user, browser, csrf, day, values)
                else:
                    ms = run_baseline(raw, cc, user, day, values)
                if round_ >= warmup:
                    times[(path, size)].append(ms)
    return {f"{path} {size}": summary(ms) for (path, size), ms in times.items()}
