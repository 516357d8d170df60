"""Correcting and voiding recorded sessions without rewriting history (DESIGN rule 9).

A correction appends reversal and replacement rows to the hours log (only for
learners whose hours changed), updates the attendance rows, and appends a history
entry with each learner's before and after. A void reverses every hour of the
session and returns it to pending. Both lock the session row and check the version
the user's form was based on, so two edits from the same old values cannot both apply.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from classes.closed_months import is_month_closed
from classes.models import AttendanceSession, Class, LearnerAttendance, SessionHistory
from classes.selectors import can_see_all_classes, may_open, recorded_roster
from classes.services.capture import (
    NOT_ALLOWED,
    CaptureRejected,
    LearnerEntry,
    LearnerValues,
    NotAllowed,
    Problem,
    Refused,
    SessionNotAvailable,
    check_entries,
    clean_text,
    ledger_refusals,
)
from classes.services.history import LearnerChange, record_history
from progression.models import HoursLog
from progression.services import ProgressionService
from submissions.keys import Submission, record_submission

Status = AttendanceSession.Status
VOID_PERMISSION = "classes.void_session"

NOT_CAPTURED = "Only a captured session can be corrected."
EDIT_WINDOW_PASSED = (
    "A session can be corrected for {days} days after it was captured; this one was "
    "captured on {captured}. Ask the office to correct it."
)
REASON_REQUIRED = "Give a reason for the change."
NOTHING_CHANGED = "Nothing was changed: the values are the same as recorded."
CHANGED_MEANWHILE = (
    "This session was changed by {who} at {when} while you were editing it. "
    "Nothing of yours was saved; check the current values and try again."
)
VOID_NOT_ALLOWED = "Only office admins can void a session."
NOT_RECORDED = "Only a captured or not-held session can be voided."
NOT_NOT_HELD = "Only a session recorded as not held can be undone."
UNDO_WINDOW_PASSED = (
    'A "not held" can be undone for {days} days after it was recorded; this one was '
    "recorded on {captured}. Ask the office to undo it."
)
MONTH_CLOSED = (
    "{month} is closed for billing, so its sessions can no longer be changed by "
    "facilitators. Ask the office: a correction now appears as an adjustment on the "
    "next open month's statements."
)
NOT_HELD_STATUSES = (Status.CLIENT_CANCELLED, Status.AGENT_ABSENT)


class SessionChangedMeanwhile(Refused):
    """Someone changed the session after the user's form was shown."""

    def __init__(self, session: AttendanceSession):
        entry = session.history.select_related("changed_by").order_by("-changed_at", "-id").first()
        who = (
            (entry.changed_by.get_full_name() or entry.changed_by.get_username()) if entry else "?"
        )
        when = timezone.localtime(entry.changed_at).strftime("%H:%M") if entry else "?"
        super().__init__(CHANGED_MEANWHILE.format(who=who, when=when))


def edit_window_ends(session: AttendanceSession) -> datetime.datetime:
    # Only a recorded session is corrected, and it has its time (the constraint
    # class_attendance_sessions_captured_iff_recorded).
    captured_at: datetime.datetime = session.captured_at  # type: ignore[assignment]
    return captured_at + datetime.timedelta(days=settings.ATTENDANCE_EDIT_WINDOW_DAYS)


def in_closed_month(session: AttendanceSession) -> bool:
    """Whether the session's month is closed for its class's client (issue 14)."""
    return is_month_closed(client_id=session.klass.client_id, day=session.session_date)


def may_undo_not_held(user: User, session: AttendanceSession) -> bool:
    """Office admins any time; the class's facilitators within the edit window and
    while the month is open."""
    if session.status not in NOT_HELD_STATUSES:
        return False
    if can_see_all_classes(user):
        return True
    return timezone.now() <= edit_window_ends(session) and not in_closed_month(session)


def may_correct(user: User, session: AttendanceSession) -> bool:
    """Office admins any time; the class's facilitators within the edit window and
    while the month is open."""
    if session.status != Status.CAPTURED:
        return False
    if can_see_all_classes(user):
        return True
    return timezone.now() <= edit_window_ends(session) and not in_closed_month(session)


def _check_month_open(session: AttendanceSession, user: User) -> None:
    if not can_see_all_classes(user) and in_closed_month(session):
        raise NotAllowed(MONTH_CLOSED.format(month=date_format(session.session_date, "F Y")))


def correct_session(
    *,
    klass: Class,
    session_date: datetime.date,
    corrected_by: User,
    entries: Sequence[LearnerEntry],
    reason: str,
    expected_version: int,
    everyone_absent: bool = False,
    lower_pages_confirmed: bool = False,
    submission: Submission | None = None,
) -> AttendanceSession:
    """Change hours present, pages and absence reasons (and remarks) of a captured
    session, with a reason."""
    # The key first: a replay of a correction that took effect is answered with its
    # outcome, not with "changed meanwhile" (its own version bump).
    with transaction.atomic():
        record_submission(submission)
        return _correct_session(
            klass=klass,
            session_date=session_date,
            corrected_by=corrected_by,
            entries=entries,
            reason=reason,
            expected_version=expected_version,
            everyone_absent=everyone_absent,
            lower_pages_confirmed=lower_pages_confirmed,
        )


def _correct_session(
    *,
    klass: Class,
    session_date: datetime.date,
    corrected_by: User,
    entries: Sequence[LearnerEntry],
    reason: str,
    expected_version: int,
    everyone_absent: bool,
    lower_pages_confirmed: bool,
) -> AttendanceSession:
    if not may_open(corrected_by, klass):
        raise NotAllowed(NOT_ALLOWED.format(klass=klass))
    session = AttendanceSession.objects.filter(klass=klass, session_date=session_date).first()
    if session is None or session.status != Status.CAPTURED:
        raise SessionNotAvailable(NOT_CAPTURED)
    _check_edit_window(session, corrected_by)
    if session.version != expected_version:
        # Checked first: "nothing changed" or a row error would be judged against
        # values the user never saw. Checked again under the lock below.
        raise SessionChangedMeanwhile(session)
    reason = clean_text(reason)
    recorded = recorded_roster(session)
    try:
        values = check_entries(
            [r.roster for r in recorded],
            entries,
            max_hours=session.scheduled_hours,
            total_pages=klass.programme.total_pages,
            everyone_absent=everyone_absent,
            lower_pages_confirmed=lower_pages_confirmed,
        )
    except CaptureRejected as rejected:
        if not reason:
            rejected.problems.append(Problem(REASON_REQUIRED, field="reason"))
        raise
    if not reason:
        raise CaptureRejected(problems=[Problem(REASON_REQUIRED, field="reason")])
    with ledger_refusals(), transaction.atomic():
        locked = _locked(session, expected_version)
        _check_edit_window(locked, corrected_by)
        # Compared under the lock, with the rows as they are now: what this correction
        # changes relative to the version the user saw (checked by _locked).
        changed = [
            (attendance, values[attendance.learner_id])
            for attendance in LearnerAttendance.objects.filter(session=locked).order_by("pk")
            if _recorded(attendance) != values[attendance.learner_id]
        ]
        if not changed:
            raise CaptureRejected(problems=[Problem(NOTHING_CHANGED)])
        hours_changed = {
            a.learner_id: new.hours for a, new in changed if a.hours_present != new.hours
        }
        live = _live_ledger_rows(locked, hours_changed)
        ProgressionService.correct_hours(
            new_hours={row.pk: (row.hours_trained, hours_changed[row.learner_id]) for row in live},
            reason=reason,
            created_by=corrected_by,
        )
        history = [
            LearnerChange(
                attendance.learner_id,
                hours_before=attendance.hours_present,
                hours_after=new.hours,
                page_before=attendance.page_number,
                page_after=new.page,
                reason_before=attendance.absence_reason,
                reason_after=new.absence_reason,
                remark_before=attendance.absence_remark,
                remark_after=new.absence_remark,
            )
            for attendance, new in changed
        ]
        now = timezone.now()
        for attendance, new in changed:
            attendance.hours_present, attendance.page_number = new.hours, new.page
            attendance.absence_reason = new.absence_reason
            attendance.absence_remark = new.absence_remark
            attendance.updated_at = now  # bulk_update does not apply auto_now
        LearnerAttendance.objects.bulk_update(
            [attendance for attendance, _ in changed],
            ["hours_present", "page_number", "absence_reason", "absence_remark", "updated_at"],
        )
        _bump(locked)
        record_history(
            session=locked,
            action=SessionHistory.Action.CORRECTED,
            status_before=Status.CAPTURED,
            changed_by=corrected_by,
            reason=reason,
            changes=history,
        )
    return locked


def void_session(
    *,
    klass: Class,
    session_date: datetime.date,
    voided_by: User,
    reason: str,
    expected_version: int | None = None,
    submission: Submission | None = None,
) -> AttendanceSession:
    """Reverse every hour of a recorded session and return it to pending."""
    with transaction.atomic():
        record_submission(submission)
        return _void_session(
            klass=klass,
            session_date=session_date,
            voided_by=voided_by,
            reason=reason,
            expected_version=expected_version,
        )


def _void_session(
    *,
    klass: Class,
    session_date: datetime.date,
    voided_by: User,
    reason: str,
    expected_version: int | None,
) -> AttendanceSession:
    if not may_open(voided_by, klass):
        raise NotAllowed(NOT_ALLOWED.format(klass=klass))
    if not voided_by.has_perm(VOID_PERMISSION):
        raise NotAllowed(VOID_NOT_ALLOWED)
    reason = clean_text(reason)
    if not reason:
        raise CaptureRejected(problems=[Problem(REASON_REQUIRED, field="reason")])
    session = AttendanceSession.objects.filter(klass=klass, session_date=session_date).first()
    if session is None or session.status == Status.PENDING:
        raise SessionNotAvailable(NOT_RECORDED)
    return _back_to_pending(
        session,
        by=voided_by,
        reason=reason,
        expected_version=expected_version,
        refusal=NOT_RECORDED,
        statuses=(Status.CAPTURED, *NOT_HELD_STATUSES),
    )


def undo_not_held(
    *,
    klass: Class,
    session_date: datetime.date,
    undone_by: User,
    reason: str,
    expected_version: int,
    submission: Submission | None = None,
) -> AttendanceSession:
    """Take back a "not held" (issue 12, point 7): the session returns to pending and
    can be captured. The class's facilitators within the edit window, office admins any
    time; with a reason, kept in the session's history as a void of the not-held
    record (no hours were logged for it, so none are reversed)."""
    with transaction.atomic():
        record_submission(submission)
        if not may_open(undone_by, klass):
            raise NotAllowed(NOT_ALLOWED.format(klass=klass))
        session = AttendanceSession.objects.filter(klass=klass, session_date=session_date).first()
        if session is None or session.status not in NOT_HELD_STATUSES:
            raise SessionNotAvailable(NOT_NOT_HELD)
        _check_month_open(session, undone_by)
        if not may_undo_not_held(undone_by, session):
            captured = date_format(timezone.localdate(session.captured_at))
            raise NotAllowed(
                UNDO_WINDOW_PASSED.format(
                    days=settings.ATTENDANCE_EDIT_WINDOW_DAYS, captured=captured
                )
            )
        reason = clean_text(reason)
        if not reason:
            raise CaptureRejected(problems=[Problem(REASON_REQUIRED, field="reason")])
        return _back_to_pending(
            session,
            by=undone_by,
            reason=reason,
            expected_version=expected_version,
            refusal=NOT_NOT_HELD,
            statuses=NOT_HELD_STATUSES,
        )


def _back_to_pending(
    session: AttendanceSession,
    *,
    by: User,
    reason: str,
    expected_version: int | None,
    refusal: str,
    statuses: Sequence[str],
) -> AttendanceSession:
    """Reverse the session's hours and return it to pending, under its row lock."""
    with ledger_refusals(), transaction.atomic():
        locked = _locked(session, session.version if expected_version is None else expected_version)
        if locked.status not in statuses:
            raise SessionNotAvailable(refusal)
        status_before = locked.status
        attendance = list(LearnerAttendance.objects.filter(session=locked))
        live = _live_ledger_rows(locked, None)
        ProgressionService.reverse_hours(
            row_ids=[row.pk for row in live], reason=reason, created_by=by
        )
        # The attendance rows are the session's current state; what they said is kept
        # in the history entry below, and the hours log keeps every hour and reversal.
        LearnerAttendance.objects.filter(session=locked).delete()
        locked.status = Status.PENDING
        locked.captured_by = None
        locked.captured_at = None
        locked.notes = ""
        _bump(locked, extra=["status", "captured_by", "captured_at", "notes"])
        record_history(
            session=locked,
            action=SessionHistory.Action.VOIDED,
            status_before=status_before,
            changed_by=by,
            reason=reason,
            changes=[
                LearnerChange(
                    a.learner_id,
                    hours_before=a.hours_present,
                    page_before=a.page_number,
                    reason_before=a.absence_reason,
                    remark_before=a.absence_remark,
                )
                for a in attendance
            ],
        )
    return locked


def _recorded(attendance: LearnerAttendance) -> LearnerValues:
    """The row's values as check_entries returns them, to compare the two."""
    return LearnerValues(
        attendance.hours_present,
        attendance.page_number,
        attendance.absence_reason,
        attendance.absence_remark,
    )


def _check_edit_window(session: AttendanceSession, user: User) -> None:
    _check_month_open(session, user)
    if not can_see_all_classes(user) and timezone.now() > edit_window_ends(session):
        captured = date_format(timezone.localdate(session.captured_at))
        raise NotAllowed(
            EDIT_WINDOW_PASSED.format(days=settings.ATTENDANCE_EDIT_WINDOW_DAYS, captured=captured)
        )


def _locked(session: AttendanceSession, expected_version: int) -> AttendanceSession:
    """The session row, locked; refused if someone changed it since the form was shown."""
    locked = AttendanceSession.objects.select_for_update().get(pk=session.pk)
    if locked.version != expected_version:
        raise SessionChangedMeanwhile(locked)
    return locked


def _live_ledger_rows(session: AttendanceSession, learner_ids) -> list[HoursLog]:
    """The session's ledger rows that are neither reversals nor reversed."""
    rows = HoursLog.objects.filter(session=session, reverses__isnull=True, reversal__isnull=True)
    if learner_ids is not None:
        rows = rows.filter(learner_id__in=learner_ids)
    return list(rows.order_by("pk"))


def _bump(session: AttendanceSession, extra: Sequence[str] = ()) -> None:
    session.version += 1
    session.save(update_fields=[*extra, "version", "updated_at"])
