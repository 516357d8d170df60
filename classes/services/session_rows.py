"""Writing a session as recorded: its row, its attendance rows and its history entry.

One statement on PostgreSQL (issue 11): an upsert of the session row that takes
effect only while it is pending, and, from the row it returns, the history entry,
one attendance row per learner and the history's per-learner values. The session's
UNIQUE (class_id, session_date) key and the row lock the upsert takes decide which of
two simultaneous submits wins (DESIGN rule 5): the second waits on the first's lock,
then finds the row no longer pending, and writes nothing. The caller words the
refusal (classes.services.capture.recording_refusal, the one recordability rule).

Other databases (SQLite, for `make run`) take the ORM path below: the same rows, in
the same order of checks, in five statements.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, cast

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import User
from django.db import connection
from django.utils import timezone

from attendance_project import db
from classes.models import AttendanceSession, Class, LearnerAttendance
from classes.services.history import LearnerChange, record_history

if TYPE_CHECKING:
    from classes.services.capture import LearnerValues

Status = AttendanceSession.Status
SESSION_FIELDS = [field.attname for field in AttendanceSession._meta.concrete_fields]
SESSION_COLUMNS = ", ".join(f"s.{f.column}" for f in AttendanceSession._meta.concrete_fields)

# The session's version counts every change after it was first recorded (a correction
# form carries the version it saw): a new row starts at 1, as an existing pending row
# (voided back to pending) moves on by one.
RECORD_SESSION = f"""
WITH session AS (
    INSERT INTO class_attendance_sessions AS s
        (class_id, session_date, status, scheduled_hours, notes, captured_by_id,
         captured_at, version, updated_at)
    VALUES (%(class_id)s, %(day)s, %(status)s, %(hours)s, %(notes)s, %(user_id)s, %(now)s,
            1, %(now)s)
    ON CONFLICT (class_id, session_date) DO UPDATE
    SET status = EXCLUDED.status,
        scheduled_hours = EXCLUDED.scheduled_hours,
        notes = EXCLUDED.notes,
        captured_by_id = EXCLUDED.captured_by_id,
        captured_at = EXCLUDED.captured_at,
        version = s.version + 1,
        updated_at = EXCLUDED.updated_at
    WHERE s.status = 'pending'
    RETURNING {SESSION_COLUMNS}
), entry AS (
    INSERT INTO class_attendance_session_history
        (session_id, action, status_before, status_after, reason, changed_by_id, changed_at)
    SELECT id, %(action)s, 'pending', %(status)s, %(reason)s, %(user_id)s, %(now)s
    FROM session
    RETURNING id
), learner AS (
    SELECT * FROM unnest(%(learners)s::bigint[], %(present)s::numeric[], %(pages)s::int[],
                         %(reasons)s::text[], %(remarks)s::text[])
        WITH ORDINALITY AS r (learner_id, hours_present, page_number, absence_reason,
                              absence_remark, n)
), attendance AS (
    INSERT INTO class_attendance_learners
        (session_id, learner_id, session_date, class_type_subject_id, hours_trained,
         hours_present, page_number, absence_reason, absence_remark, updated_at)
    SELECT session.id, learner.learner_id, session.session_date, %(programme_id)s,
           %(hours)s, learner.hours_present, learner.page_number, learner.absence_reason,
           learner.absence_remark, %(now)s
    FROM session, learner
    ORDER BY learner.n
), change AS (
    INSERT INTO class_attendance_session_history_learners
        (history_id, learner_id, hours_after, page_after, reason_after, remark_after)
    SELECT entry.id, learner.learner_id, learner.hours_present, learner.page_number,
           learner.absence_reason, learner.absence_remark
    FROM entry, learner
    ORDER BY learner.n
)
SELECT * FROM session
"""


def record_session(
    *,
    klass: Class,
    session_date: datetime.date,
    hours: Decimal,
    status: str,
    recorded_by: AbstractBaseUser,
    values: Mapping[int, LearnerValues],
    action: str,
    notes: str = "",
) -> AttendanceSession | None:
    """Record the session (created if it has no row yet) with `status`, one attendance
    row per learner in `values` ({learner id: their hours present, page, absence
    reason and remark}) and a history
    entry `action`; None, writing nothing, if the session is no longer pending.

    Call it inside the caller's transaction: the session row stays locked until the
    transaction ends, also when None is returned."""
    now = timezone.now()
    # The project's user model is django.contrib.auth's.
    user = cast(User, recorded_by)
    if not db.hand_written_sql(connection):
        return _record_session_orm(klass, session_date, hours, status, user, values, action, notes, now)  # fmt: skip  # noqa: E501
    learner_ids = list(values)
    recorded = list(values.values())
    params = {
        "class_id": klass.pk,
        "programme_id": klass.programme_id,
        "day": session_date,
        "status": status,
        "hours": hours,
        "notes": notes,
        "user_id": recorded_by.pk,
        "now": now,
        "action": action,
        # The history entry of a session marked not held carries its notes as the reason.
        "reason": notes,
        # Array literals joined here (attendance_project.db.array_literal): psycopg's
        # element-by-element dumping of five arrays cost more than the statement.
        "learners": db.array_literal(learner_ids),
        "present": db.array_literal([v.hours for v in recorded]),
        "pages": db.array_literal([v.page for v in recorded]),
        "reasons": db.array_literal([v.absence_reason for v in recorded]),
        "remarks": db.array_literal([v.absence_remark for v in recorded]),
    }
    with db.statement_cursor(connection) as cursor:
        cursor.execute(RECORD_SESSION, params)
        row = cursor.fetchone()
    if row is None:
        return None
    session = AttendanceSession.from_db(connection.alias, SESSION_FIELDS, row)
    # What the caller has already: no query to reach them.
    session.klass, session.captured_by = klass, user
    return session


def _record_session_orm(
    klass: Class,
    session_date: datetime.date,
    hours: Decimal,
    status: str,
    recorded_by: User,
    values: Mapping[int, LearnerValues],
    action: str,
    notes: str,
    now: datetime.datetime,
) -> AttendanceSession | None:
    # INSERT ... ON CONFLICT DO NOTHING lets exactly one row exist; the row lock makes a
    # second submit wait here until the first commits, then see its status and stop
    # (rule 5). A SELECT first would let both go on.
    AttendanceSession.objects.bulk_create(
        [AttendanceSession(klass=klass, session_date=session_date, scheduled_hours=hours)],
        ignore_conflicts=True,
    )
    session = AttendanceSession.objects.select_for_update().get(
        klass=klass, session_date=session_date
    )
    if session.status != Status.PENDING:
        return None
    LearnerAttendance.objects.bulk_create(
        LearnerAttendance(
            session=session,
            learner_id=learner_id,
            session_date=session_date,
            programme_id=klass.programme_id,
            hours_trained=hours,
            hours_present=v.hours,
            page_number=v.page,
            absence_reason=v.absence_reason,
            absence_remark=v.absence_remark,
        )
        for learner_id, v in values.items()
    )
    session.status = status
    session.scheduled_hours = hours
    session.notes = notes
    session.captured_by = recorded_by
    session.captured_at = now
    session.version += 1
    session.save(
        update_fields=[
            "status",
            "scheduled_hours",
            "notes",
            "captured_by",
            "captured_at",
            "version",
            "updated_at",
        ]
    )
    record_history(
        session=session,
        action=action,
        status_before=Status.PENDING,
        changed_by=recorded_by,
        reason=notes,
        changes=[
            LearnerChange(
                learner_id,
                hours_after=v.hours,
                page_after=v.page,
                reason_after=v.absence_reason,
                remark_after=v.absence_remark,
            )
            for learner_id, v in values.items()
        ],
    )
    return session
