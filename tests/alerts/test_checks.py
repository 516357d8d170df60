"""The checks raise each alert once: reminders per step, at-risk per crossing."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from alerts.models import Alert, Crossing, Rule
from alerts.services import run_checks
from classes.services import LearnerEntry, capture_session
from progression.models import Progression
from tests.conftest import MONDAY, NOW, SAST, WEDNESDAY

pytestmark = pytest.mark.django_db

WEDNESDAY_EVENING = datetime.datetime(2026, 3, 4, 18, 0, tzinfo=SAST)


def reminders():
    return list(
        Alert.objects.filter(rule=Rule.CAPTURE_REMINDER)
        .order_by("subject", "period")
        .values_list("subject", "period", "recipient__username")
    )


@time_machine.travel(NOW, tick=False)
def test_a_session_not_recorded_by_its_evening_reminds_its_facilitator_once(meeting_class):
    run_checks(now=NOW)  # Wednesday 14:00: Monday's evening has passed, not Wednesday's
    expected = [(f"plan:{meeting_class.pk}:2026-03-02", "evening", "facilitator.own")]
    assert reminders() == expected

    assert run_checks(now=NOW) == []  # again: nothing new
    assert reminders() == expected


@time_machine.travel(WEDNESDAY_EVENING, tick=False)
def test_the_next_evening_brings_the_next_step_and_a_recorded_session_none(
    meeting_class, own_facilitator
):
    run_checks(now=NOW)
    capture_session(
        klass=meeting_class,
        session_date=WEDNESDAY,
        recorded_by=own_facilitator,
        entries=[
            LearnerEntry(learner_id=e.learner_id, hours_present="3", page_number="5")
            for e in meeting_class.enrolments.all()
        ],
    )
    run_checks(now=WEDNESDAY_EVENING)
    plan = f"plan:{meeting_class.pk}"
    assert reminders() == [
        (f"{plan}:2026-03-02", "again", "facilitator.own"),
        (f"{plan}:2026-03-02", "evening", "facilitator.own"),
    ]


@time_machine.travel(NOW, tick=False)
def test_a_capture_below_the_minimum_attendance_raises_one_at_risk_alert_per_person(
    meeting_class, own_facilitator, office_admin
):
    programme = meeting_class.programme
    programme.minimum_attendance_percent = Decimal("80")
    programme.subject_duration = Decimal("12")  # reachable: only attendance can fail
    programme.save()
    run_checks(now=NOW)
    assert not Alert.objects.filter(rule=Rule.AT_RISK).exists()

    dlamini, nkosi = meeting_class.enrolments.order_by("learner__surname")
    capture_session(
        klass=meeting_class,
        session_date=MONDAY,
        recorded_by=own_facilitator,
        entries=[
            LearnerEntry(learner_id=dlamini.learner_id, hours_present="3", page_number="5"),
            LearnerEntry(learner_id=nkosi.learner_id, hours_present="1", page_number="5"),
        ],
    )
    run_checks(now=NOW)
    run_checks(now=NOW + datetime.timedelta(days=1))  # a day later: still once

    alerts = Alert.objects.filter(rule=Rule.AT_RISK)
    assert sorted(alerts.values_list("recipient__username", flat=True)) == [
        "facilitator.own",
        "office",
    ]
    progression = Progression.objects.get(learner=nkosi.learner, klass=meeting_class)
    assert {a.subject for a in alerts} == {f"progression:{progression.pk}"}
    assert "attendance 33.3% is below the programme's minimum of 80.0%" in alerts[0].body
    # POPIA: the learner's name and the class, nothing else about them.
    assert nkosi.learner.id_number not in alerts[0].body
    assert Crossing.objects.filter(rule=Rule.AT_RISK, closed_at__isnull=True).count() == 1


@time_machine.travel(NOW, tick=False)
def test_a_learner_back_above_the_minimum_closes_the_crossing_and_a_new_one_alerts_again(
    meeting_class, own_facilitator
):
    programme = meeting_class.programme
    programme.minimum_attendance_percent = Decimal("50")
    programme.save()
    learner = meeting_class.enrolments.order_by("learner__surname").last()
    progression = Progression.objects.get(learner=learner.learner, klass=meeting_class)
    crossing = Crossing.objects.create(rule=Rule.AT_RISK, subject=f"progression:{progression.pk}")
    run_checks(now=NOW)  # not at risk (no hours): the crossing ends
    crossing.refresh_from_db()
    assert crossing.closed_at is not None
