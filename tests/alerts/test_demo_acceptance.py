"""Issue 15's acceptance on the demo data: the checks run now, then with the clock
advanced to the evening, send exactly one reminder e-mail, and a second run none; a
capture that pushes a learner below the programme's minimum attendance raises one
at-risk alert to the facilitator and one to the office."""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command

from alerts.models import Alert, Rule
from classes.models import Class
from classes.services import LearnerEntry, capture_session
from tests.conftest import SAST

pytestmark = pytest.mark.django_db(transaction=True)

WEDNESDAY = datetime.datetime(2026, 12, 2, 10, 0, tzinfo=SAST)  # Thandi's class meets


def checks(*args) -> str:
    out = io.StringIO()
    call_command("run_alert_checks", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(time_machine, job_queue):
    time_machine.move_to(WEDNESDAY, tick=False)
    call_command("load_demo", stdout=io.StringIO())
    checks()  # what the worker does when `make run` starts it
    mail.outbox.clear()


def test_the_evening_check_sends_one_reminder_and_a_second_run_none(demo):
    output = checks("--at", "2026-12-02 19:00")
    assert [m.subject for m in mail.outbox] == ["[Attendance] 2 sessions to record"]
    assert mail.outbox[0].to == ["thandi@example.org"]
    assert "Of those, e-mailed now: 2." in output
    body = mail.outbox[0].body
    assert "session of MZN-BE-01 on Wednesday 2 December 2026" in body
    assert "Monday 30 November 2026" in body  # its second reminder

    checks("--at", "2026-12-02 19:00")
    assert len(mail.outbox) == 1


def test_a_capture_below_the_minimum_attendance_alerts_facilitator_and_office_once(demo):
    klass = Class.objects.get(code="MZN-NUM-01")
    pieter = get_user_model().objects.get(username="pieter")
    entries = [
        # Sithole (42 of 51 hours present, 82.4 %) misses the session: 77.8 %.
        LearnerEntry(
            learner_id=e.learner_id,
            hours_present="0" if e.learner.surname == "Sithole" else "3",
            page_number="60",
        )
        for e in klass.enrolments.select_related("learner")
    ]
    capture_session(
        klass=klass,
        session_date=datetime.date(2026, 12, 1),
        recorded_by=pieter,
        entries=entries,
        lower_pages_confirmed=True,
    )
    checks()
    checks("--at", "2026-12-02 10:30")

    alerts = Alert.objects.filter(rule=Rule.AT_RISK, title__startswith="Kagiso Sithole")
    assert sorted(alerts.values_list("recipient__username", flat=True)) == ["admin", "pieter"]
    assert "below the programme's minimum of 80.0%" in alerts[0].body
    sent = [m for m in mail.outbox if "Kagiso Sithole" in m.body]
    assert [m.to for m in sent] == [["pieter@example.org"]]  # the office: its digest
