"""Load: facilitators on phones, at once, against gunicorn with two workers.

Each simulated facilitator (a thread with its own keep-alive connection and login)
works through their own classes' sessions waiting to be captured, as a person
does: open the class page, open the capture form, submit it, see the session page.
Bounded in time and in sessions; loopback only. Afterwards the ledger is checked
and every submitted session must be recorded exactly once.
"""

from __future__ import annotations

import datetime
import re
import threading
import time
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from bench.http import Browser, token
from bench.seed import FACILITATOR_USERNAME, PASSWORD
from bench.stats import summary
from classes.ledger_check import check_ledger
from classes.models import AttendanceSession, Class, LearnerAttendance
from classes.schedule import expand
from classes.selectors import schedule_spec
from progression.models import HoursLog
from submissions.keys import FIELD_NAME

SUBMISSION_KEY = re.compile(r'name="submission_key" value="([^"]+)"')
LEARNER = re.compile(r'name="hours_(\d+)"')
# Only a learner with a page on record shows it ("Previous: 12 of 140"); the others
# read "No page completed yet".
PREVIOUS = re.compile(r'id="previous_(\d+)">Previous: (\d+) of (\d+)')
DUPLICATES = """
SELECT 'session' AS what, COUNT(*) FROM (
    SELECT class_id, session_date FROM class_attendance_sessions
    GROUP BY 1, 2 HAVING COUNT(*) > 1) s
UNION ALL
SELECT 'attendance row', COUNT(*) FROM (
    SELECT session_id, learner_id FROM class_attendance_learners
    GROUP BY 1, 2 HAVING COUNT(*) > 1) a
UNION ALL
SELECT 'ledger row', COUNT(*) FROM (
    SELECT session_id, learner_id FROM learner_hours_log
    WHERE session_id IS NOT NULL AND reverses_id IS NULL
    GROUP BY 1, 2 HAVING COUNT(*) > 1) l"""


@dataclass
class Facilitator:
    username: str
    sessions: list[tuple[int, datetime.date]]
    requests: list[tuple[str, int, float]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    captured: list[tuple[int, datetime.date, int]] = field(default_factory=list)


def waiting_sessions(user) -> list[tuple[int, datetime.date]]:
    """(class id, date) of the user's sessions that can be captured now."""
    today = timezone.localdate()
    found: list[tuple[int, datetime.date]] = []
    for klass in Class.objects.filter(facilitator=user, status=Class.Status.ACTIVE):
        recorded = set(klass.sessions.values_list("session_date", flat=True))
        spec = schedule_spec(klass)
        assert spec is not None, f"{klass} has no schedule"  # every bench class has one
        found += [
            (klass.pk, p.date)
            for p in expand(spec)
            if not p.blocked and p.date <= today and p.date not in recorded
        ]
    return sorted(found, key=lambda s: s[1])


def submission_key(page: str) -> str:
    """The capture page's one-time submission key, as the browser sends it back."""
    match = SUBMISSION_KEY.search(page)
    if match is None:
        raise RuntimeError("the capture page carries no submission key")
    return match.group(1)


def capture_form(page: str) -> tuple[dict[str, str], int]:
    """A filled-in capture form: most learners present two hours, every fourth 1.5,
    pages a little further than their previous one."""
    form = {"csrfmiddlewaretoken": token(page), FIELD_NAME: submission_key(page)}
    learners = LEARNER.findall(page)
    previous = {learner: (int(p), int(t)) for learner, p, t in PREVIOUS.findall(page)}
    for i, learner in enumerate(learners):
        before, total = previous.get(learner, (0, 3))
        form[f"hours_{learner}"] = "1.5" if i % 4 == 3 else "2"
        form[f"page_{learner}"] = str(min(total, before + 3))
    return form, len(learners)


def work(person: Facilitator, port: int, ready: threading.Barrier, deadline: list[float]):
    browser = Browser(port)
    try:
        browser.log_in(person.username, PASSWORD)
        ready.wait(timeout=120)
        for class_id, day in person.sessions:
            if time.monotonic() >= deadline[0]:
                break
            capture = reverse("classes:capture", args=[class_id, day])
            detail = reverse("classes:session_detail", args=[class_id, day])
            answer = browser.request("GET", reverse("classes:attendance", args=[class_id]))
            person.requests.append(("class page", answer.status, answer.ms))
            answer = browser.request("GET", capture)
            person.requests.append(("capture form", answer.status, answer.ms))
            if answer.status != 200:
                raise RuntimeError(f"capture form {capture}: {answer.status}")
            form, roster = capture_form(answer.text)
            answer = browser.request("POST", capture, form)
            person.requests.append(("capture POST", answer.status, answer.ms))
            if (answer.status, answer.location) != (302, detail):
                raise RuntimeError(f"capture POST {capture}: {answer.status} {answer.text[:300]}")
            person.captured.append((class_id, day, roster))
            answer = browser.request("GET", detail)
            person.requests.append(("session page", answer.status, answer.ms))
            if answer.status != 200:
                raise RuntimeError(f"session page {detail}: {answer.status}")
    except Exception as error:  # counted and reported: the load must end with none
        person.errors.append(f"{person.username}: {error!r}"[:500])
    finally:
        browser.close()
        connection.close()


def measure(*, port: int, users: int, seconds: float) -> dict:
    facilitators = (
        get_user_model()
        .objects.filter(username__startswith=FACILITATOR_USERNAME.partition("{")[0])
        .order_by("username")[:users]
    )
    people = [Facilitator(user.username, waiting_sessions(user)) for user in facilitators]
    users = len(people)
    ready = threading.Barrier(users + 1)
    deadline = [float("inf")]
    threads = [threading.Thread(target=work, args=(p, port, ready, deadline)) for p in people]
    for thread in threads:
        thread.start()
    ready.wait(timeout=120)  # everyone logged in: the clock starts now
    started = time.monotonic()
    deadline[0] = started + seconds
    for thread in threads:
        thread.join(timeout=seconds + 120)
    elapsed = time.monotonic() - started

    requests = [r for p in people for r in p.requests]
    errors = [e for p in people for e in p.errors]
    errors += [f"{kind}: HTTP {status}" for kind, status, _ in requests if status >= 500]
    captured = [c for p in people for c in p.captured]
    return {
        "users": users,
        "seconds": elapsed,
        "requests": len(requests),
        "requests_per_s": len(requests) / elapsed,
        "captures": len(captured),
        "latency_ms": summary([ms for _, _, ms in requests]) if requests else None,
        "by_kind": {
            kind: summary([ms for k, _, ms in requests if k == kind])
            for kind in sorted({k for k, _, _ in requests})
        },
        "errors": errors,
        "after": after_load(captured),
    }


def after_load(captured) -> dict:
    """The ledger check and the once-only rule over everything the load wrote."""
    report = check_ledger()
    with connection.cursor() as cursor:
        cursor.execute(DUPLICATES)
        duplicates = dict(cursor.fetchall())
    wrong = []
    for class_id, day, roster in captured:
        session = AttendanceSession.objects.get(klass_id=class_id, session_date=day)
        rows = LearnerAttendance.objects.filter(session=session).count()
        ledger = HoursLog.objects.filter(session=session).count()
        if (session.status, rows, ledger) != ("captured", roster, roster):
            wrong.append(f"{class_id} {day}: {session.status}, {rows} rows, {ledger} ledger rows")
    return {
        "check_hours_clean": report.clean,
        "progression_mismatches": len(report.progressions),
        "attendance_mismatches": len(report.attendance),
        "duplicates": duplicates,
        "sessions_not_recorded_once": wrong,
    }
