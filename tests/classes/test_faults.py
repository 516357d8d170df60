"""A database error part-way through a capture or a correction leaves nothing behind.

The fault is real: a PostgreSQL trigger, created inside the test's transaction,
makes the database refuse the k-th ledger row (or the history entry) of the write.
"""

import pytest
from django.db import DatabaseError, connection

from classes.models import AttendanceSession, LearnerAttendance, SessionHistory
from classes.services import LearnerEntry, capture_session, correct_session, void_session
from progression.models import HoursLog, Progression
from tests.classes.conftest import MONDAY, capture_monday, roster_ids

# Both paths: the hand-written statements and the ORM path (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("ledger_checked", "both_paths")


def fail_on_insert(table: str, condition: str) -> None:
    """Make INSERTs into `table` that meet `condition` (on NEW) fail from now on."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            CREATE FUNCTION pg_temp.injected_fault() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF {condition} THEN RAISE EXCEPTION 'injected fault'; END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER injected_fault BEFORE INSERT ON {table}
                FOR EACH ROW EXECUTE FUNCTION pg_temp.injected_fault();
            """
        )


def snapshot():
    return (
        list(AttendanceSession.objects.values_list("pk", "status", "version", "captured_by_id")),
        list(LearnerAttendance.objects.order_by("pk").values_list("hours_present", "page_number")),
        HoursLog.objects.count(),
        SessionHistory.objects.count(),
        list(Progression.objects.order_by("pk").values_list("hours_trained", "hours_present")),
    )


def entries(klass, hours):
    return [LearnerEntry(pk, hours, "5") for pk in roster_ids(klass)]


def attempt(write):
    """Run `write`, expecting the fault. No savepoint of our own around it: if the
    service were not one transaction, its earlier statements would stay behind (or the
    test's transaction would be left aborted) and the snapshot below would show it."""
    with pytest.raises(DatabaseError, match="injected fault"):
        write()


@pytest.mark.parametrize("k", [1, 2, 3])
def test_a_capture_whose_kth_ledger_row_fails_leaves_nothing(scheduled_class, own_facilitator, k):
    learner_id = roster_ids(scheduled_class)[k - 1]
    fail_on_insert("learner_hours_log", f"NEW.learner_id = {learner_id}")
    before = snapshot()

    attempt(
        lambda: capture_session(
            klass=scheduled_class,
            session_date=MONDAY,
            recorded_by=own_facilitator,
            entries=entries(scheduled_class, "3"),
        )
    )

    assert snapshot() == before
    assert not AttendanceSession.objects.filter(status="captured").exists()


def test_a_capture_whose_history_entry_fails_leaves_nothing(scheduled_class, own_facilitator):
    fail_on_insert("class_attendance_session_history", "TRUE")
    before = snapshot()
    attempt(
        lambda: capture_session(
            klass=scheduled_class,
            session_date=MONDAY,
            recorded_by=own_facilitator,
            entries=entries(scheduled_class, "3"),
        )
    )
    assert snapshot() == before


@pytest.fixture
def captured(scheduled_class, own_facilitator):
    return capture_monday(scheduled_class, own_facilitator)


@pytest.mark.parametrize("k", [1, 3])
def test_a_correction_whose_kth_reversal_fails_leaves_nothing(
    scheduled_class, own_facilitator, captured, k
):
    learner_id = roster_ids(scheduled_class)[k - 1]
    fail_on_insert(
        "learner_hours_log", f"NEW.learner_id = {learner_id} AND NEW.reverses_id IS NOT NULL"
    )
    before = snapshot()

    attempt(
        lambda: correct_session(
            klass=scheduled_class,
            session_date=MONDAY,
            corrected_by=own_facilitator,
            entries=entries(scheduled_class, "2"),
            reason="Left early",
            expected_version=captured.version,
        )
    )

    assert snapshot() == before


def test_a_void_whose_history_entry_fails_leaves_nothing(scheduled_class, admin_user, captured):
    fail_on_insert("class_attendance_session_history", "NEW.action = 'voided'")
    before = snapshot()
    attempt(
        lambda: void_session(
            klass=scheduled_class, session_date=MONDAY, voided_by=admin_user, reason="Wrong class"
        )
    )
    assert snapshot() == before
