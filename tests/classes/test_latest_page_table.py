"""class_attendance_latest_pages, kept by triggers (classes/latest_page_sql.py): after
captures, corrections, voids, direct SQL and concurrent writers it holds what the
attendance rows say (classes.selectors.attendance_pages), on PostgreSQL and SQLite."""

import sqlite3
import threading
import time

import psycopg
import pytest
from django.db import connection

from classes import latest_page_sql
from classes.ledger_check import check_ledger
from classes.models import AttendanceSession, LatestPage, LearnerAttendance
from classes.selectors import attendance_pages, latest_page_subquery
from classes.services import LearnerEntry, correct_session, void_session
from progression.models import Progression
from tests.database import database_url
from tests.factories import AttendanceSessionFactory, ClassFactory, LearnerFactory
from tests.reports.report_data import (
    FEB_16,
    FEB_18,
    FEB_23,
    FEB_25,
    capture,
    learner_ids,
    report_class,
)


def stored(learner, programme):
    row = LatestPage.objects.filter(learner=learner, programme=programme).first()
    return None if row is None else row.page_number


def assert_stored_as_defined():
    """Every key of every attendance row: the stored page is the defined one."""
    keys = set(LearnerAttendance.objects.values_list("learner_id", "programme_id"))
    for learner, programme in keys:
        defined = (
            attendance_pages(learner=learner, programme=programme).values_list(
                "page_number", flat=True
            )
        ).first()
        assert stored(learner, programme) == defined, (learner, programme)
    assert not check_ledger().latest_pages


def page_of(learner):
    (page,) = set(
        Progression.objects.filter(learner=learner)
        .annotate(page=latest_page_subquery())
        .values_list("page", flat=True)
    )
    return page


@pytest.mark.usefixtures("now", "ledger_checked")
def test_corrections_and_voids_move_the_stored_page_back(own_facilitator, admin_user):
    klass = report_class(own_facilitator, surnames=("Dlamini", "Nkosi"))
    dlamini, nkosi = learner_ids(klass)
    capture(klass, FEB_16, own_facilitator, [(3, 10), (3, 8)])
    capture(klass, FEB_18, own_facilitator, [(3, 12), (3, 9)])
    assert (page_of(dlamini), page_of(nkosi)) == (12, 9)

    # A correction that lowers one page and takes the other away.
    session = AttendanceSession.objects.get(klass=klass, session_date=FEB_18)
    correct_session(
        klass=klass,
        session_date=FEB_18,
        corrected_by=admin_user,
        entries=[LearnerEntry(dlamini, "3", "11"), LearnerEntry(nkosi, "0", "")],
        reason="Pages misread",
        expected_version=session.version,
        lower_pages_confirmed=True,
    )
    assert (page_of(dlamini), page_of(nkosi)) == (11, 8)
    assert_stored_as_defined()

    # A void takes the whole session's rows away: back to 16 February.
    void_session(klass=klass, session_date=FEB_18, voided_by=admin_user, reason="Wrong class")
    assert (page_of(dlamini), page_of(nkosi)) == (10, 8)
    assert_stored_as_defined()

    # A capture of a later session moves on; the backlog of an earlier one does not.
    capture(klass, FEB_25, own_facilitator, [(3, 14), (0, None)])
    capture(klass, FEB_23, own_facilitator, [(3, 13), (3, 30)])
    assert (page_of(dlamini), page_of(nkosi)) == (14, 30)
    assert_stored_as_defined()


@pytest.mark.usefixtures("now")
def test_direct_sql_on_the_attendance_rows_is_followed(own_facilitator):
    klass = report_class(own_facilitator, surnames=("Dlamini", "Nkosi"))
    dlamini, nkosi = learner_ids(klass)
    capture(klass, FEB_16, own_facilitator, [(3, 10), (3, 8)])
    capture(klass, FEB_18, own_facilitator, [(3, 12), (3, 9)])
    programme = klass.programme_id
    with connection.cursor() as cursor:
        # One statement over both learners' latest rows: both recomputed.
        cursor.execute(
            "UPDATE class_attendance_learners SET page_number = NULL WHERE session_date = %s",
            [FEB_18],
        )
        assert (stored(dlamini, programme), stored(nkosi, programme)) == (10, 8)
        # A row moved to another learner: both keys follow.
        other = LearnerFactory().pk
        cursor.execute(
            "UPDATE class_attendance_learners SET learner_id = %s, page_number = 40"
            " WHERE learner_id = %s AND session_date = %s",
            [other, nkosi, FEB_16],
        )
        assert (stored(nkosi, programme), stored(other, programme)) == (None, 40)
    assert_stored_as_defined()


@pytest.mark.django_db
def test_a_key_left_without_a_page_keeps_no_page():
    session = AttendanceSessionFactory()
    learner = LearnerFactory()
    with connection.cursor() as cursor:
        cursor.execute(*insert_sql(session, learner.pk, 10))
        assert stored(learner, session.klass.programme) == 10
        cursor.execute("DELETE FROM class_attendance_learners")
    assert stored(learner, session.klass.programme) is None
    assert not check_ledger().latest_pages


# --- two transactions on one key (committed rows: a second connection sees them) ----


def insert_sql(session: AttendanceSession, learner_id: int, page: int) -> tuple[str, list]:
    return (
        "INSERT INTO class_attendance_learners (session_id, learner_id, session_date,"
        " class_type_subject_id, hours_trained, hours_present, page_number, updated_at)"
        " VALUES (%s, %s, %s, %s, 3, 3, %s, now())",
        [session.pk, learner_id, session.session_date, session.klass.programme_id, page],
    )


def waiting_for_a_lock(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        (row,) = cursor.fetchall()
    return row[0] == "Lock"


def race(first: list[tuple[str, list]], second: list[tuple[str, list]]):
    """`first` runs in one transaction and stays open while `second` runs in another
    (its last statement waits for a lock on the key, as we check); then the first
    commits, and the second after it."""
    url = database_url()
    with psycopg.connect(url) as one, psycopg.connect(url) as two:
        for sql, params in first:
            one.execute(sql, params)
        done = threading.Event()
        failed: list[BaseException] = []

        def run_second():
            try:
                for sql, params in second:
                    two.execute(sql, params)
            except BaseException as error:  # reported below
                failed.append(error)
            done.set()

        thread = threading.Thread(target=run_second)
        thread.start()
        deadline = time.monotonic() + 10
        while not waiting_for_a_lock(two.info.backend_pid):
            assert not done.is_set(), "the second transaction did not wait for the first"
            assert time.monotonic() < deadline
            time.sleep(0.02)
        one.commit()
        thread.join(timeout=10)
        assert not failed, failed
        two.commit()


@pytest.fixture
def one_key(transactional_db):
    klass = ClassFactory()
    learner = LearnerFactory()
    sessions = {
        # Pending sessions: the triggers read the attendance rows only.
        day: AttendanceSessionFactory(klass=klass, session_date=day)
        for day in (FEB_16, FEB_18, FEB_23)
    }
    return klass, learner, sessions


@pytest.mark.parametrize(
    ("first_day", "second_day", "latest"),
    [(FEB_23, FEB_16, 23), (FEB_16, FEB_23, 23)],
    ids=["the-later-first", "the-earlier-first"],
)
def test_two_inserts_on_one_key_keep_the_later_row(one_key, first_day, second_day, latest):
    klass, learner, sessions = one_key
    race(
        [insert_sql(sessions[first_day], learner.pk, first_day.day)],
        [insert_sql(sessions[second_day], learner.pk, second_day.day)],
    )
    assert stored(learner, klass.programme) == latest
    assert_stored_as_defined()


def test_a_void_and_a_capture_at_once_leave_the_capture(one_key):
    klass, learner, sessions = one_key
    with connection.cursor() as cursor:
        cursor.execute(*insert_sql(sessions[FEB_16], learner.pk, 16))
        cursor.execute(*insert_sql(sessions[FEB_18], learner.pk, 18))
    # The void of 18 Feb recomputes (to 16) while a capture of 23 Feb is under way.
    race(
        [("DELETE FROM class_attendance_learners WHERE session_id = %s", [sessions[FEB_18].pk])],
        [insert_sql(sessions[FEB_23], learner.pk, 23)],
    )
    assert stored(learner, klass.programme) == 23
    assert_stored_as_defined()


def test_a_capture_and_a_correction_at_once_leave_both(one_key):
    klass, learner, sessions = one_key
    with connection.cursor() as cursor:
        cursor.execute(*insert_sql(sessions[FEB_16], learner.pk, 16))
    # The capture of 23 Feb is uncommitted while 16 Feb's page is corrected: the
    # correction's recomputation must wait and then see 23 Feb.
    race(
        [insert_sql(sessions[FEB_23], learner.pk, 23)],
        [("UPDATE class_attendance_learners SET page_number = 15 WHERE session_id = %s",
          [sessions[FEB_16].pk])],
    )  # fmt: skip
    assert stored(learner, klass.programme) == 23
    assert_stored_as_defined()


# --- SQLite (make run's database): the same rules as plain triggers ------------------


def test_the_sqlite_triggers_follow_the_same_rules():
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE TABLE class_attendance_learners (id INTEGER PRIMARY KEY, learner_id INT,"
        " class_type_subject_id INT, session_date DATE, page_number INT)"
    )
    db.execute(
        "CREATE TABLE class_attendance_latest_pages (learner_id INT, class_type_subject_id INT,"
        " page_number INT, session_date DATE, attendance_id INT,"
        " PRIMARY KEY (learner_id, class_type_subject_id))"
    )
    for statement in latest_page_sql.SQLITE_TRIGGERS:
        db.execute(statement)

    def add(pk, learner, day, page):
        db.execute(
            "INSERT INTO class_attendance_learners VALUES (?, ?, 7, ?, ?)",
            [pk, learner, day.isoformat(), page],
        )

    def pages():
        return dict(db.execute("SELECT learner_id, page_number FROM class_attendance_latest_pages"))

    add(1, 1, FEB_18, 12)
    add(2, 1, FEB_16, 10)  # written later, for an earlier day: not the latest
    add(3, 2, FEB_16, None)
    add(4, 2, FEB_18, 5)
    add(5, 2, FEB_18, 6)  # the same day: the later row
    assert pages() == {1: 12, 2: 6}
    db.execute("UPDATE class_attendance_learners SET page_number = NULL WHERE id IN (1, 5)")
    assert pages() == {1: 10, 2: 5}
    db.execute("DELETE FROM class_attendance_learners WHERE learner_id = 2")
    assert pages() == {1: 10}
    db.execute("UPDATE class_attendance_learners SET learner_id = 3 WHERE id = 2")
    assert pages() == {3: 10}  # learner 1 has no page left

    # The backfill gives the same answer from the rows alone.
    before = pages()
    db.execute("DELETE FROM class_attendance_latest_pages")
    db.execute(latest_page_sql.BACKFILL)
    assert pages() == before


@pytest.mark.usefixtures("now")
def test_check_hours_names_a_stored_page_that_drifted_and_fix_rebuilds_it(own_facilitator):
    from io import StringIO

    from django.core.management import CommandError, call_command

    klass = report_class(own_facilitator, surnames=("Dlamini",))
    (dlamini,) = learner_ids(klass)
    capture(klass, FEB_16, own_facilitator, [(3, 10)])
    with connection.cursor() as cursor:
        cursor.execute("UPDATE class_attendance_latest_pages SET page_number = 99")

    with pytest.raises(CommandError, match="1 latest page"):
        call_command("check_hours", stdout=StringIO())
    out = StringIO()
    call_command("check_hours", "--fix", stdout=out)
    assert "rebuilt the latest pages: 1 row(s)" in out.getvalue()
    assert stored(dlamini, klass.programme_id) == 10
    assert page_of(dlamini) == 10
