"""ProgressionService.log_hours and its batch form (DESIGN rules 10 and 11)."""

import datetime
import inspect
import threading
from decimal import Decimal

import pytest
import time_machine
from django.db import connection

from classes.selectors import session_facts
from progression.models import HoursLog, Progression
from progression.services import (
    DUPLICATE_LEARNER,
    HOURS_TOO_LARGE,
    INVALID_HOURS,
    NEGATIVE_HOURS,
    NO_IN_PROGRESS_PROGRESSION,
    NO_PROGRESSION_ON_SESSION_DATE,
    PRESENT_EXCEEDS_TRAINED,
    SESSION_FACTS_NEEDED,
    HoursEntry,
    InvalidHours,
    NoInProgressProgression,
    ProgressionService,
    put_on_hold,
)
from tests.conftest import HAND_WRITTEN_SQL, ORM, assert_ledger_consistent
from tests.factories import (
    AttendanceSessionFactory,
    EnrolmentFactory,
    LearnerFactory,
    LearningProgrammeFactory,
)

# Both paths: the hand-written statements and the ORM path (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("ledger_checked", "both_paths")


@pytest.fixture
def enrolment(klass):
    return EnrolmentFactory(klass=klass)


@pytest.fixture
def learner(enrolment):
    return enrolment.learner


def progression_of(learner) -> Progression:
    return Progression.objects.get(learner=learner, status=Progression.Status.IN_PROGRESS)


def test_signature_keeps_the_legacy_shape_with_new_parameters_last():
    parameters = list(inspect.signature(ProgressionService.log_hours).parameters.values())
    assert [p.name for p in parameters] == [
        "learner",
        "hours_trained",
        "hours_present",
        "source",
        "notes",
        "session_id",
        "created_by",
        "session",
    ]
    assert parameters[3].default == "manual"
    assert parameters[4].default is None
    assert parameters[5].default is None
    assert parameters[6].default is None
    # The session's facts came after (issue 10): keyword only, so no positional call
    # of the legacy shape can reach it.
    assert parameters[7].kind == inspect.Parameter.KEYWORD_ONLY
    assert parameters[7].default is None


@time_machine.travel(datetime.datetime(2026, 3, 4, 23, 30, tzinfo=datetime.UTC))
def test_legacy_call_writes_null_session_and_author_and_updates_totals(learner):
    row = ProgressionService.log_hours(learner, 3, 2.5, "manual", "catch-up lesson")

    row = HoursLog.objects.get(pk=row.pk)
    assert row.session_id is None
    assert row.created_by_id is None
    assert row.source == "manual"
    assert row.notes == "catch-up lesson"
    # 23:30 UTC is already the next day in Johannesburg, the site's local time.
    assert row.log_date == datetime.date(2026, 3, 5)
    progression = progression_of(learner)
    assert row.progression_id == progression.pk
    assert row.klass_id == progression.klass_id
    assert (progression.hours_trained, progression.hours_present) == (Decimal("3"), Decimal("2.5"))
    assert progression.hours_absent == Decimal("0.5")


def test_positional_call_with_only_the_three_required_arguments(learner):
    row = ProgressionService.log_hours(learner.pk, Decimal("1.5"), Decimal("1.5"))

    row.refresh_from_db()
    assert (row.source, row.session_id, row.created_by_id) == ("manual", None, None)


def test_call_with_session_and_author_writes_both_and_dates_the_row_on_the_session(
    learner, klass, own_facilitator
):
    session = AttendanceSessionFactory(klass=klass, session_date=datetime.date(2026, 2, 9))

    row = ProgressionService.log_hours(
        learner, 3, 3, "attendance", session=session_facts(session), created_by=own_facilitator
    )

    row = HoursLog.objects.get(pk=row.pk)
    assert row.session_id == session.pk
    assert row.created_by_id == own_facilitator.pk
    assert row.log_date == datetime.date(2026, 2, 9)
    assert row.klass_id == klass.pk
    assert progression_of(learner).hours_trained == Decimal("3")


def test_totals_equal_the_ledger_after_many_calls(learner):
    for trained, present in [(3, 3), (3, 0), (2.5, 1), (4, 4)]:
        ProgressionService.log_hours(learner, trained, present)

    progression = progression_of(learner)
    assert progression.hours_trained == Decimal("12.5")
    assert progression.hours_present == Decimal("8")
    assert progression.hours_absent == Decimal("4.5")
    assert_ledger_consistent()


def test_batch_logs_every_learner_of_a_session(klass, own_facilitator):
    enrolments = EnrolmentFactory.create_batch(3, klass=klass)
    session = AttendanceSessionFactory(klass=klass)

    rows = ProgressionService.log_hours_batch(
        entries=[
            HoursEntry(e.learner_id, 3, present)
            for e, present in zip(enrolments, [3, 1.5, 0], strict=True)
        ],
        source=HoursLog.Source.ATTENDANCE,
        session=session_facts(session),
        created_by=own_facilitator,
    )

    assert len(rows) == 3
    assert HoursLog.objects.filter(session=session, created_by=own_facilitator).count() == 3
    presents = [progression_of(e.learner).hours_present for e in enrolments]
    assert presents == [Decimal("3"), Decimal("1.5"), Decimal("0")]


# One statement on PostgreSQL (issue 11): it locks the progressions, inserts the ledger
# rows and updates the totals. The ORM path: a savepoint, the lock, the insert, the
# update, its release. (No session lookup since issue 10: the caller passes the
# session's facts.)
QUERIES_PER_SESSION_BATCH = {HAND_WRITTEN_SQL: 1, ORM: 5}


@pytest.mark.parametrize("size", [5, 40])
def test_batch_query_count_does_not_grow_with_learners(
    size, klass, own_facilitator, django_assert_num_queries, both_paths
):
    enrolments = EnrolmentFactory.create_batch(size, klass=klass)
    session = AttendanceSessionFactory(klass=klass)
    entries = [HoursEntry(e.learner_id, 3, 2) for e in enrolments]

    with django_assert_num_queries(QUERIES_PER_SESSION_BATCH[both_paths]):
        ProgressionService.log_hours_batch(
            entries=entries,
            source=HoursLog.Source.ATTENDANCE,
            session=session_facts(session),
            created_by=own_facilitator,
        )

    assert HoursLog.objects.filter(session=session).count() == size


def assert_rejected(call, error_class, message):
    rows_before = HoursLog.objects.count()
    totals_before = list(Progression.objects.values_list("pk", "hours_trained", "hours_present"))
    with pytest.raises(error_class) as caught:
        call()
    assert caught.value.message == message
    assert HoursLog.objects.count() == rows_before
    assert list(Progression.objects.values_list("pk", "hours_trained", "hours_present")) == (
        totals_before
    )


def test_learner_without_progression_in_progress_is_rejected(db):
    learner = LearnerFactory()
    assert_rejected(
        lambda: ProgressionService.log_hours(learner, 3, 3),
        NoInProgressProgression,
        NO_IN_PROGRESS_PROGRESSION.format(learner=learner),
    )


def test_progression_on_hold_does_not_receive_hours(learner):
    Progression.objects.filter(learner=learner).update(status=Progression.Status.ON_HOLD)
    assert_rejected(
        lambda: ProgressionService.log_hours(learner, 3, 3),
        NoInProgressProgression,
        NO_IN_PROGRESS_PROGRESSION.format(learner=learner),
    )


@pytest.mark.parametrize(
    ("trained", "present", "template", "extra"),
    [
        (-1, 0, NEGATIVE_HOURS, {"field": "trained"}),
        (3, -0.5, NEGATIVE_HOURS, {"field": "present"}),
        ("NaN", 1, INVALID_HOURS, {"field": "trained"}),
        ("Infinity", 1, INVALID_HOURS, {"field": "trained"}),
        ("three", 1, INVALID_HOURS, {"field": "trained"}),
        (3, "1.005", INVALID_HOURS, {"field": "present"}),
        (1001, 0, HOURS_TOO_LARGE, {"field": "trained", "limit": 1000}),
        (3, 3.5, PRESENT_EXCEEDS_TRAINED, {"present": "3.50", "trained": "3.00"}),
    ],
)
def test_invalid_hours_are_rejected_and_nothing_is_written(
    learner, trained, present, template, extra
):
    assert_rejected(
        lambda: ProgressionService.log_hours(learner, trained, present),
        InvalidHours,
        template.format(learner=learner, **extra),
    )


def test_session_hours_are_bounded_by_a_day(learner, klass):
    session = AttendanceSessionFactory(klass=klass)
    assert_rejected(
        lambda: ProgressionService.log_hours(
            learner, 25, 0, "attendance", session=session_facts(session)
        ),
        InvalidHours,
        HOURS_TOO_LARGE.format(learner=learner, field="trained", limit=24),
    )


def test_a_session_id_without_the_sessions_facts_is_refused(learner, klass):
    """Progression cannot look a session up (DESIGN §5): the caller passes its facts.
    A session id alone, or one that is not the facts' session, is a programming
    error, refused before anything is read or written."""
    session = AttendanceSessionFactory(klass=klass)
    another = AttendanceSessionFactory(klass=klass, session_date=datetime.date(2026, 3, 4))
    for extra in ({}, {"session": session_facts(another)}):
        with pytest.raises(TypeError) as refused:
            ProgressionService.log_hours(
                learner, 3, 3, "attendance", session_id=session.pk, **extra
            )
        assert str(refused.value) == SESSION_FACTS_NEEDED.format(session_id=session.pk)
    # With its own facts the id is accepted (and is redundant).
    row = ProgressionService.log_hours(
        learner, 3, 3, "attendance", session_id=session.pk, session=session_facts(session)
    )
    assert row.session_id == session.pk
    assert not HoursLog.objects.exclude(pk=row.pk).exists()


def test_session_of_another_programme_is_rejected(learner, own_facilitator):
    other_session = AttendanceSessionFactory()  # a class on a different LP
    assert_rejected(
        lambda: ProgressionService.log_hours(
            learner, 3, 3, "attendance", session=session_facts(other_session)
        ),
        NoInProgressProgression,
        NO_PROGRESSION_ON_SESSION_DATE.format(
            learner=learner, programme=other_session.klass.programme, date="2 March 2026"
        ),
    )


def test_one_invalid_entry_rejects_the_whole_batch(klass):
    good, bad = EnrolmentFactory.create_batch(2, klass=klass)
    assert_rejected(
        lambda: ProgressionService.log_hours_batch(
            entries=[HoursEntry(good.learner_id, 3, 3), HoursEntry(bad.learner_id, 3, 4)]
        ),
        InvalidHours,
        PRESENT_EXCEEDS_TRAINED.format(learner=bad.learner, present="4.00", trained="3.00"),
    )


def test_a_learner_twice_in_one_batch_is_rejected(learner):
    assert_rejected(
        lambda: ProgressionService.log_hours_batch(
            entries=[HoursEntry(learner.pk, 3, 3), HoursEntry(learner.pk, 3, 3)]
        ),
        InvalidHours,
        DUPLICATE_LEARNER.format(learner=learner),
    )


@pytest.mark.django_db(transaction=True)
def test_two_threads_logging_to_one_progression_are_both_counted(klass):
    learner = EnrolmentFactory(klass=klass).learner
    barrier = threading.Barrier(2)
    errors = []

    def log(hours):
        try:
            barrier.wait(timeout=10)
            ProgressionService.log_hours(learner, hours, hours)
        except Exception as error:  # reported below; a thread cannot fail the test itself
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=log, args=(h,)) for h in (Decimal("2"), Decimal("3.5"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    progression = progression_of(learner)
    assert progression.hours_trained == Decimal("5.5")
    assert HoursLog.objects.filter(progression=progression).count() == 2
    assert_ledger_consistent()


def test_start_progression_puts_another_programme_on_hold_with_a_note(learner, klass):
    first = progression_of(learner)
    other_programme = LearningProgrammeFactory()

    second = ProgressionService.start_progression(
        learner=learner, programme=other_programme, start_date=datetime.date(2026, 6, 1)
    )

    first.refresh_from_db()
    assert first.status == Progression.Status.ON_HOLD
    assert "Put on hold on 2026-06-01" in first.notes
    assert str(other_programme) in first.notes
    assert second.status == Progression.Status.IN_PROGRESS
    assert progression_of(learner) == second


def test_start_progression_on_the_same_programme_continues_the_current_one(learner, klass):
    current = progression_of(learner)

    again = ProgressionService.start_progression(
        learner=learner, programme=klass.programme, start_date=datetime.date(2026, 6, 1)
    )

    assert again == current
    assert Progression.objects.filter(learner=learner).count() == 1


def test_session_hours_go_to_the_progression_in_progress_on_the_session_date(
    learner, klass, admin_user, now
):
    session = AttendanceSessionFactory(klass=klass, session_date=datetime.date(2026, 3, 2))
    progression = progression_of(learner)
    put_on_hold(
        progression=progression, effective_date=datetime.date(2026, 3, 3), changed_by=admin_user
    )

    (row,) = ProgressionService.log_hours_batch(
        entries=[HoursEntry(learner.pk, 3, 2)],
        source=HoursLog.Source.ATTENDANCE,
        session=session_facts(session),
    )

    assert (row.progression_id, row.log_date) == (progression.pk, datetime.date(2026, 3, 2))
    progression.refresh_from_db()
    assert (progression.status, progression.hours_trained) == ("on_hold", 3)


def test_a_session_before_the_progression_started_is_rejected(klass, now):
    learner = EnrolmentFactory(klass=klass, start_date=datetime.date(2026, 3, 4)).learner
    session = AttendanceSessionFactory(klass=klass, session_date=datetime.date(2026, 3, 2))

    assert_rejected(
        lambda: ProgressionService.log_hours(
            learner, 3, 3, "attendance", session=session_facts(session)
        ),
        NoInProgressProgression,
        NO_PROGRESSION_ON_SESSION_DATE.format(
            learner=learner, programme=klass.programme, date="2 March 2026"
        ),
    )


# credit_hours_batch (issue 11): log_hours_batch for a caller that does not use the
# rows (the capture); the same implementation, writes and refusals, nothing returned.
def test_crediting_a_batch_writes_what_logging_it_writes(klass, own_facilitator, both_paths):
    enrolments = EnrolmentFactory.create_batch(3, klass=klass)
    session = AttendanceSessionFactory(klass=klass)
    presents = [Decimal("3"), Decimal("1.5"), Decimal("0")]

    result = ProgressionService.credit_hours_batch(
        entries=[HoursEntry(e.learner_id, 3, p) for e, p in zip(enrolments, presents, strict=True)],
        source=HoursLog.Source.ATTENDANCE,
        session=session_facts(session),
        created_by=own_facilitator,
    )

    assert result is None
    rows = HoursLog.objects.filter(session=session, created_by=own_facilitator).order_by("pk")
    assert [(r.learner_id, r.hours_trained, r.hours_present) for r in rows] == [
        (e.learner_id, Decimal("3"), p) for e, p in zip(enrolments, presents, strict=True)
    ]
    assert {r.klass_id for r in rows} == {klass.pk}
    assert {r.log_date for r in rows} == {session.session_date}
    assert [progression_of(e.learner).hours_present for e in enrolments] == presents


@pytest.mark.parametrize("size", [5, 40])
def test_crediting_a_batch_sends_as_many_statements_as_logging_it(
    size, klass, own_facilitator, django_assert_num_queries, both_paths
):
    enrolments = EnrolmentFactory.create_batch(size, klass=klass)
    session = AttendanceSessionFactory(klass=klass)

    with django_assert_num_queries(QUERIES_PER_SESSION_BATCH[both_paths]):
        ProgressionService.credit_hours_batch(
            entries=[HoursEntry(e.learner_id, 3, 2) for e in enrolments],
            source=HoursLog.Source.ATTENDANCE,
            session=session_facts(session),
            created_by=own_facilitator,
        )

    assert HoursLog.objects.filter(session=session).count() == size


def test_crediting_a_batch_names_the_first_learner_it_cannot_credit(klass, own_facilitator):
    first, other = EnrolmentFactory.create_batch(2, klass=klass)
    session = AttendanceSessionFactory(klass=klass)
    # No progression at all: not credited, and nothing written for the others either.
    stranger = LearnerFactory()
    assert_rejected(
        lambda: ProgressionService.credit_hours_batch(
            entries=[
                HoursEntry(learner_id, 3, 3)
                for learner_id in (first.learner_id, stranger.pk, other.learner_id)
            ],
            source=HoursLog.Source.ATTENDANCE,
            session=session_facts(session),
            created_by=own_facilitator,
        ),
        NoInProgressProgression,
        NO_PROGRESSION_ON_SESSION_DATE.format(
            learner=stranger, programme=klass.programme, date="2 March 2026"
        ),
    )


def test_crediting_a_batch_where_no_learner_can_be_credited_is_refused(klass, own_facilitator):
    session = AttendanceSessionFactory(klass=klass)
    stranger = LearnerFactory()
    assert_rejected(
        lambda: ProgressionService.credit_hours_batch(
            entries=[HoursEntry(stranger.pk, 3, 3)],
            source=HoursLog.Source.ATTENDANCE,
            session=session_facts(session),
            created_by=own_facilitator,
        ),
        NoInProgressProgression,
        NO_PROGRESSION_ON_SESSION_DATE.format(
            learner=stranger, programme=klass.programme, date="2 March 2026"
        ),
    )


def test_equal_hours_of_other_types_are_each_checked(klass):
    """Each distinct (trained, present) is checked once per batch, keyed with its
    types: True (not a number of hours) is not taken for an earlier 1."""
    good, bad = EnrolmentFactory.create_batch(2, klass=klass)
    assert_rejected(
        lambda: ProgressionService.log_hours_batch(
            entries=[HoursEntry(good.learner_id, 1, 1), HoursEntry(bad.learner_id, 1, True)]
        ),
        InvalidHours,
        INVALID_HOURS.format(field="present", learner=bad.learner),
    )
