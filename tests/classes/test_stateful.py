"""A random sequence of captures, not-held marks, corrections and voids, after which
the ledger check finds nothing (hypothesis stateful testing).

The machine keeps its own model of what each learner's totals should be and checks
it, and `check_ledger()`, after every step.
"""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from classes.ledger_check import check_ledger
from classes.models import AttendanceSession
from classes.roles import OFFICE_ADMINS
from classes.services import (
    CaptureRejected,
    LearnerEntry,
    Refused,
    capture_session,
    correct_session,
    mark_session_not_held,
    void_session,
)
from progression.models import Progression
from tests.factories import ClassFactory, EnrolmentFactory, ScheduleFactory, UserFactory

pytestmark = pytest.mark.django_db

# Mondays and Wednesdays from 5 January; "now" is 4 March (the `now` fixture).
DATES = [datetime.date(2026, 2, d) for d in (2, 4, 9, 11)]
HOURS = st.sampled_from(["0", "0.5", "1", "2.5", "3"])


class Rollback(Exception):
    pass


class AttendanceMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.facilitator = UserFactory()
        self.office = UserFactory(is_staff=True)
        self.office.groups.add(Group.objects.get(name=OFFICE_ADMINS))
        self.klass = ClassFactory(facilitator=self.facilitator)
        ScheduleFactory(klass=self.klass)
        self.learners = [EnrolmentFactory(klass=self.klass).learner_id for _ in range(3)]
        # The model: for each date, the hours present recorded per learner (or None).
        self.recorded: dict[datetime.date, list[Decimal] | None] = dict.fromkeys(DATES)

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def _entries(self, hours):
        return [LearnerEntry(pk, h, "5") for pk, h in zip(self.learners, hours, strict=True)]

    @rule(day=st.sampled_from(DATES), hours=st.lists(HOURS, min_size=3, max_size=3))
    def capture(self, day, hours):
        try:
            capture_session(
                klass=self.klass,
                session_date=day,
                recorded_by=self.facilitator,
                entries=self._entries(hours),
                everyone_absent=True,
            )
        except Refused:
            assert self._status(day) != "pending"
        else:
            self.recorded[day] = [Decimal(h) for h in hours]

    @rule(day=st.sampled_from(DATES), status=st.sampled_from(["client_cancelled", "agent_absent"]))
    def not_held(self, day, status):
        try:
            mark_session_not_held(
                klass=self.klass, session_date=day, recorded_by=self.facilitator, status=status
            )
        except Refused:
            assert self._status(day) != "pending"

    @rule(
        day=st.sampled_from(DATES),
        hours=st.lists(HOURS, min_size=3, max_size=3),
        by_office=st.booleans(),
    )
    def correct(self, day, hours, by_office):
        session = AttendanceSession.objects.filter(klass=self.klass, session_date=day).first()
        try:
            correct_session(
                klass=self.klass,
                session_date=day,
                corrected_by=self.office if by_office else self.facilitator,
                entries=self._entries(hours),
                reason="Stateful correction",
                expected_version=session.version if session else 0,
                everyone_absent=True,
            )
        except (Refused, CaptureRejected):
            pass
        else:
            self.recorded[day] = [Decimal(h) for h in hours]

    @rule(day=st.sampled_from(DATES))
    def void(self, day):
        try:
            void_session(
                klass=self.klass, session_date=day, voided_by=self.office, reason="Stateful void"
            )
        except Refused:
            assert self._status(day) in (None, "pending")
        else:
            self.recorded[day] = None

    def _status(self, day):
        session = AttendanceSession.objects.filter(klass=self.klass, session_date=day).first()
        return session.status if session else None

    @invariant()
    def the_ledger_agrees_with_itself_and_with_the_model(self):
        report = check_ledger()
        assert report.clean, report
        for index, pk in enumerate(self.learners):
            progression = Progression.objects.get(learner_id=pk)
            captured = [hours for hours in self.recorded.values() if hours is not None]
            assert progression.hours_trained == 3 * len(captured)
            assert progression.hours_present == sum((h[index] for h in captured), Decimal("0"))


def test_random_sequences_keep_every_hour_where_it_belongs(now):
    run_state_machine_as_test(
        AttendanceMachine,
        settings=settings(
            max_examples=25,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
