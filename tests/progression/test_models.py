"""Every rule of the progression tables that PostgreSQL holds, proven by breaking it."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from classes.selectors import session_facts
from progression.models import ClassType, HoursLog, LearningProgramme, Progression
from progression.services import ProgressionService
from tests.constraints import assert_violates
from tests.factories import (
    AttendanceSessionFactory,
    ClassTypeFactory,
    EnrolmentFactory,
    LearnerFactory,
    LearningProgrammeFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def progression(klass):
    return EnrolmentFactory(klass=klass).learner.progressions.get()


def test_class_type_code_is_unique_and_required():
    ClassTypeFactory(code="BE")
    assert_violates("class_types_code_key", lambda: ClassType.objects.create(code="BE", name="x"))
    assert_violates(
        "class_types_code_name_not_blank", lambda: ClassType.objects.create(code="", name="x")
    )


@pytest.mark.parametrize(
    ("constraint", "overrides"),
    [
        ("class_type_subjects_duration_range", {"subject_duration": 0}),
        ("class_type_subjects_duration_range", {"subject_duration": -5}),
        ("class_type_subjects_total_pages_range", {"total_pages": 0}),
        ("class_type_subjects_total_pages_range", {"total_pages": 10001}),
    ],
)
def test_programme_checks(constraint, overrides):
    class_type = ClassTypeFactory()
    values = {"class_type": class_type, "code": "LP", "name": "x", "subject_duration": 10}
    values |= {"total_pages": 10} | overrides
    assert_violates(constraint, lambda: LearningProgramme.objects.create(**values))


def test_programme_code_is_unique_within_its_class_type():
    programme = LearningProgrammeFactory(code="COMM1")
    assert_violates(
        "class_type_subjects_type_code_unique",
        lambda: LearningProgrammeFactory(class_type=programme.class_type, code="COMM1"),
    )
    assert LearningProgrammeFactory(code="COMM1").pk  # same code, other class type


def test_a_learner_has_at_most_one_progression_in_progress(progression):
    assert_violates(
        "learner_lp_tracking_one_in_progress",
        lambda: Progression.objects.create(
            learner=progression.learner,
            programme=LearningProgrammeFactory(),
            start_date=datetime.date(2026, 2, 1),
        ),
    )


def test_progressions_on_hold_or_completed_may_be_many(progression):
    for status, completion in [("on_hold", None), ("completed", datetime.date(2026, 5, 1))]:
        Progression.objects.create(
            learner=progression.learner,
            programme=LearningProgrammeFactory(),
            start_date=datetime.date(2026, 2, 1),
            status=status,
            completion_date=completion,
        )
    assert progression.learner.progressions.count() == 3


@pytest.mark.parametrize(
    ("constraint", "changes"),
    [
        ("learner_lp_tracking_status_valid", {"status": "abandoned"}),
        ("learner_lp_tracking_hours_valid", {"hours_present": Decimal("-1")}),
        ("learner_lp_tracking_hours_valid", {"hours_present": Decimal("5")}),
        ("learner_lp_tracking_completion_date_iff_completed", {"status": "completed"}),
        (
            "learner_lp_tracking_completion_date_iff_completed",
            {"completion_date": datetime.date(2026, 5, 1)},
        ),
        (
            "learner_lp_tracking_completion_after_start",
            {"status": "completed", "completion_date": datetime.date(2025, 1, 1)},
        ),
    ],
)
def test_progression_checks(progression, constraint, changes):
    assert_violates(
        constraint, lambda: Progression.objects.filter(pk=progression.pk).update(**changes)
    )


def test_hours_absent_is_derived_by_the_database(progression):
    Progression.objects.filter(pk=progression.pk).update(
        hours_trained=Decimal("10"), hours_present=Decimal("7.5")
    )
    progression.refresh_from_db()
    assert progression.hours_absent == Decimal("2.5")
    with connection.cursor() as cursor, pytest.raises(Exception, match="generated column"):
        cursor.execute(
            "UPDATE learner_lp_tracking SET hours_absent = 0 WHERE id = %s", [progression.pk]
        )


def ledger_row(progression, **overrides):
    values = {
        "learner_id": progression.learner_id,
        "programme_id": progression.programme_id,
        "progression": progression,
        "log_date": datetime.date(2026, 3, 2),
        "hours_trained": Decimal("3"),
        "hours_present": Decimal("2"),
        "source": "manual",
    } | overrides
    return HoursLog.objects.create(**values)


@pytest.mark.parametrize(
    ("constraint", "overrides"),
    [
        ("learner_hours_log_source_valid", {"source": "guess"}),
        ("learner_hours_log_hours_consistent", {"hours_present": Decimal("4")}),
        ("learner_hours_log_hours_consistent", {"hours_present": Decimal("-1")}),
        (
            "learner_hours_log_hours_consistent",
            {"hours_trained": Decimal("-3"), "hours_present": Decimal("-4")},
        ),
        (
            "learner_hours_log_hours_bounded",
            {"hours_trained": Decimal("1000.5"), "hours_present": 0},
        ),
        (
            "learner_hours_log_attendance_hours_bounded",
            {"source": "attendance", "hours_trained": Decimal("24.5")},
        ),
    ],
)
def test_hours_log_checks(progression, constraint, overrides):
    assert_violates(constraint, lambda: ledger_row(progression, **overrides))


def test_only_a_reversal_row_is_negative_and_a_row_is_reversed_once(progression):
    original = ledger_row(progression)
    assert_violates(
        "learner_hours_log_negative_iff_reversal",
        lambda: ledger_row(progression, hours_trained=Decimal("-3"), hours_present=Decimal("-2")),
    )
    assert_violates(
        "learner_hours_log_negative_iff_reversal",
        lambda: ledger_row(progression, reverses=original),
    )
    reversal = ledger_row(
        progression, hours_trained=Decimal("-3"), hours_present=Decimal("-2"), reverses=original
    )
    assert reversal.pk
    assert_violates(
        "learner_hours_log_reverses_id_key",
        lambda: ledger_row(
            progression, hours_trained=Decimal("-3"), hours_present=Decimal("-2"), reverses=original
        ),
    )


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE learner_hours_log SET hours_present = 0",
        "UPDATE learner_hours_log SET notes = 'edited'",
        "DELETE FROM learner_hours_log",
    ],
)
def test_the_database_refuses_to_update_or_delete_ledger_rows(progression, statement):
    ledger_row(progression)
    with pytest.raises(IntegrityError, match="learner_hours_log is append-only"):
        _in_savepoint(statement)
    assert HoursLog.objects.get().notes == ""


def _in_savepoint(statement):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)


def test_the_orm_cannot_update_or_delete_ledger_rows_either(progression):
    row = ledger_row(progression)
    with pytest.raises(IntegrityError), transaction.atomic():
        HoursLog.objects.filter(pk=row.pk).update(hours_present=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        row.delete()
    assert HoursLog.objects.filter(pk=row.pk, hours_present=Decimal("2")).exists()


def test_hours_log_foreign_keys_are_enforced_by_the_database(progression):
    assert_violates(
        "learner_hours_log_session_id_269e4272_fk_class_att",
        lambda: ledger_row(progression, session_id=987654),
    )


def test_ledger_rows_protect_their_session_author_and_learner(progression, admin_user):
    session = AttendanceSessionFactory(klass=progression.klass)
    ProgressionService.log_hours(
        progression.learner,
        3,
        3,
        "attendance",
        session=session_facts(session),
        created_by=admin_user,
    )

    for protected in (session, admin_user, progression, progression.learner):
        with pytest.raises(ProtectedError):
            protected.delete()
    # And in SQL, where Django's on_delete does not reach.
    assert_violates(
        "learner_hours_log_created_by_id_349e0f97_fk_auth_user_id",
        lambda: connection.cursor().execute("DELETE FROM auth_user WHERE id = %s", [admin_user.pk]),
    )


def test_a_learner_with_a_progression_cannot_be_deleted(progression):
    with pytest.raises(ProtectedError):
        LearnerFactory._meta.model.objects.filter(pk=progression.learner_id).delete()
