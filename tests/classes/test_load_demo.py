import datetime
import re

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

from classes.management.commands.load_demo import LOGINS
from classes.models import (
    AttendanceSession,
    Class,
    Enrolment,
    LearnerAttendance,
    Schedule,
    SessionHistory,
)
from classes.registers.models import SignedRegister
from learners.models import Client, Learner
from progression.models import Progression
from tests.conftest import SAST

pytestmark = pytest.mark.usefixtures("ledger_checked", "media_root")

# The demo is built relative to today: days a calendar can trip on (a Tuesday the 1st,
# New Year's Eve late at night with the holidays in its last weeks, a Sunday).
DAYS = [
    datetime.datetime(2026, 12, 1, 10, 0, tzinfo=SAST),
    datetime.datetime(2026, 12, 31, 23, 30, tzinfo=SAST),
    datetime.datetime(2027, 6, 13, 10, 0, tzinfo=SAST),
]
Status = AttendanceSession.Status
Action = SessionHistory.Action


def counts():
    return [
        model.objects.count()
        for model in (Client, Class, Schedule, Learner, Enrolment, Progression, AttendanceSession)
    ]


@pytest.fixture(params=DAYS, ids=lambda day: day.strftime("%Y-%m-%d-%H%M"))
def demo_day(request, time_machine):
    time_machine.move_to(request.param, tick=False)
    return request.param


def test_the_demo_loads_once_and_is_a_term_of_history_worth_looking_at(client, capsys, demo_day):
    call_command("load_demo")
    first = counts()
    call_command("load_demo")

    assert counts() == first
    assert first[:2] == [1, 2]
    assert Class.objects.filter(status=Class.Status.ACTIVE).count() == 2
    # Every enrolled learner has a progression on the class's programme.
    for enrolment in Enrolment.objects.select_related("klass"):
        assert Progression.objects.filter(
            learner_id=enrolment.learner_id, programme_id=enrolment.klass.programme_id
        ).exists()
    output = capsys.readouterr().out
    # A login form's request: login throttling (django-axes) needs to know who asks.
    request = RequestFactory().post(reverse("login"))
    for username, password, *_ in LOGINS:
        assert f"{username}" in output
        assert password in output
        assert authenticate(request, username=username, password=password) is not None

    client.force_login(get_user_model().objects.get(username="admin"))

    statuses = set(AttendanceSession.objects.values_list("status", flat=True))
    assert {Status.CAPTURED, Status.CLIENT_CANCELLED, Status.AGENT_ABSENT} <= statuses
    assert SignedRegister.objects.exists()
    actions = set(SessionHistory.objects.values_list("action", flat=True))
    assert {Action.CAPTURED, Action.CORRECTED, Action.VOIDED, Action.NOT_HELD} <= actions
    # Absence reasons (issue 12, point 6): absent learners, early leavers, one late.
    reasons = set(LearnerAttendance.objects.values_list("absence_reason", flat=True))
    assert {"sick", "excused", "unexcused", "left_early", "late"} <= reasons

    progress = client.get(reverse("reports:progress")).content.decode()
    assert "At risk" in progress
    excessive = client.get(reverse("reports:excessive_hours")).content.decode()
    assert "data-progression=" in excessive  # a learner row: over their hours
    # The not-credited rows are one link away from the reports index.
    index = client.get(reverse("reports:index")).content.decode()
    link = re.search(r'href="([^"]*\?credited=no)"', index).group(1).replace("&amp;", "&")
    not_credited = client.get(link).content.decode()
    assert re.search(r"\b[1-9]\d* results?\b|\b[1-9]\d* learner attendance", not_credited)

    # Sessions of the last two weeks wait for the facilitator.
    client.force_login(get_user_model().objects.get(username="thandi"))
    my_classes = client.get(reverse("classes:my_classes")).content.decode()
    assert re.search(r"Waiting to be captured: [1-9]", my_classes)
