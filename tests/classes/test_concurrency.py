"""Two tabs, two facilitators, double taps: one session is captured once (rule 5)."""

from decimal import Decimal

import pytest

from classes.models import AttendanceSession, LearnerAttendance, SessionHistory
from classes.services import LearnerEntry, SessionChangedMeanwhile, correct_session
from progression.models import HoursLog, Progression
from progression.services import ProgressionService
from tests.classes.conftest import MONDAY, capture_monday, roster_ids
from tests.classes.test_views import capture_post, urls
from tests.clients import FormClient
from tests.conftest import assert_ledger_consistent
from tests.factories import EnrolmentFactory, UserFactory
from tests.threads import fire_at_once

pytestmark = pytest.mark.django_db(transaction=True)

SUBMITS = 10


@pytest.mark.parametrize("row_exists", [False, True], ids=["new-row", "pending-row"])
def test_ten_simultaneous_captures_of_one_session_make_one_capture(
    scheduled_class, own_facilitator, row_exists
):
    if row_exists:
        # As after a void: the race is then on the row lock, not on the INSERT.
        AttendanceSession.objects.create(
            klass=scheduled_class, session_date=MONDAY, scheduled_hours=3
        )
    backup = UserFactory(first_name="Pieter", last_name="Botha")
    scheduled_class.backup_facilitators.add(backup)
    data = capture_post(scheduled_class)
    url = urls(scheduled_class)["capture"]
    clients = []
    for index in range(SUBMITS):
        client = FormClient()
        client.force_login(own_facilitator if index % 2 else backup)
        clients.append(client)

    responses = fire_at_once([lambda c=c: c.post(url, data, follow=True) for c in clients])

    assert all(not isinstance(r, Exception) for r in responses), responses
    assert [r.status_code for r in responses] == [200] * SUBMITS
    texts = [r.content.decode() for r in responses]
    assert sum("captured for 3 learners" in t for t in texts) == 1
    assert sum("This session was already captured by" in t for t in texts) == SUBMITS - 1
    session = AttendanceSession.objects.get()
    assert (session.session_date, session.status) == (MONDAY, "captured")
    assert LearnerAttendance.objects.count() == 3
    assert HoursLog.objects.count() == 3
    assert sorted(Progression.objects.values_list("hours_trained", flat=True)) == [3, 3, 3]
    assert_ledger_consistent()


def test_a_capture_racing_a_not_held_mark_leaves_one_of_them(scheduled_class, own_facilitator):
    url = urls(scheduled_class)
    capturer, marker = FormClient(), FormClient()
    capturer.force_login(own_facilitator)
    marker.force_login(own_facilitator)

    fire_at_once(
        [
            lambda: capturer.post(url["capture"], capture_post(scheduled_class)),
            lambda: marker.post(url["not_held"], {"status": "agent_absent"}),
        ]
    )

    session = AttendanceSession.objects.get()
    if session.status == "captured":
        assert HoursLog.objects.count() == 3
    else:
        assert session.status == "agent_absent"
        assert not HoursLog.objects.exists()
        assert not LearnerAttendance.objects.exists()
    assert_ledger_consistent()


def test_captures_racing_a_void_end_consistent(scheduled_class, own_facilitator, admin_user):
    capture_monday(scheduled_class, own_facilitator)
    version = AttendanceSession.objects.get().version
    data = capture_post(scheduled_class, hours=("1", "1", "1"), pages=("6", "6", "6"))
    capturers = [FormClient() for _ in range(SUBMITS - 1)]
    for client in capturers:
        client.force_login(own_facilitator)
    voider = FormClient()
    voider.force_login(admin_user)
    url = urls(scheduled_class)

    responses = fire_at_once(
        [lambda: voider.post(url["void"], {"reason": "Wrong date", "version": version})]
        + [lambda c=c: c.post(url["capture"], data) for c in capturers]
    )

    assert all(not isinstance(r, Exception) and r.status_code < 500 for r in responses), responses
    session = AttendanceSession.objects.get()
    voids = session.history.filter(action="voided").count()
    captures = session.history.filter(action="captured").count()
    assert voids == 1
    # Either every capture came before the void (all refused: it was captured), or one
    # capture after the void recorded the session again.
    if session.status == "captured":
        assert captures == 2
        assert LearnerAttendance.objects.filter(hours_present=1).count() == 3
        assert sorted(Progression.objects.values_list("hours_present", flat=True)) == [1, 1, 1]
    else:
        assert (session.status, captures) == ("pending", 1)
        assert not LearnerAttendance.objects.exists()
        assert sorted(Progression.objects.values_list("hours_present", flat=True)) == [0, 0, 0]
    assert_ledger_consistent()


def test_two_corrections_from_the_same_values_cannot_both_apply(
    scheduled_class, own_facilitator, admin_user
):
    capture_monday(scheduled_class, own_facilitator)
    version = AttendanceSession.objects.get().version
    ids = roster_ids(scheduled_class)
    results = fire_at_once(
        [
            lambda hours=hours, user=user: correct_session(
                klass=scheduled_class,
                session_date=MONDAY,
                corrected_by=user,
                entries=[LearnerEntry(pk, hours, "5") for pk in ids],
                reason=f"Set to {hours}",
                expected_version=version,
            )
            for hours, user in [("1", own_facilitator), ("2", admin_user)] * 4
        ]
    )

    winners = [r for r in results if isinstance(r, AttendanceSession)]
    losers = [r for r in results if not isinstance(r, AttendanceSession)]
    assert len(winners) == 1
    assert all(isinstance(r, SessionChangedMeanwhile) for r in losers), losers
    history = SessionHistory.objects.get(action="corrected")
    expected = Decimal(history.reason.removeprefix("Set to "))
    assert sorted(Progression.objects.values_list("hours_present", flat=True)) == [expected] * 3
    assert HoursLog.objects.count() == 3 + 3 * 2  # originals + one reversal and one new each
    assert_ledger_consistent()


def test_eight_threads_logging_hours_to_one_progression_are_all_counted(klass):
    learner = EnrolmentFactory(klass=klass).learner

    results = fire_at_once(
        [lambda: ProgressionService.log_hours(learner, "1.5", "1") for _ in range(8)]
    )

    assert all(isinstance(r, HoursLog) for r in results), results
    progression = Progression.objects.get(learner=learner)
    assert (progression.hours_trained, progression.hours_present) == (12, 8)
    assert HoursLog.objects.filter(progression=progression).count() == 8
    assert_ledger_consistent()
