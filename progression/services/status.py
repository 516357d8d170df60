"""Status changes of progressions: start a programme, put it on hold, resume it,
mark it complete.

A learner works on at most one programme at a time (DESIGN §2; the partial unique
index `learner_lp_tracking_one_in_progress` holds it in the database). Every change
here locks the learner's row first, as `start_progression` always did, so two changes
for one learner (two office admins, or an admin and an enrolment) run one after the
other and the second sees what the first did.

Every change is also recorded in the progression's status history, in the same
transaction, with the day it took effect: that history decides which progression a
session's hours go to (DESIGN rule 8, progression.selectors.in_progress_on). Its
changes are kept in date order: none takes effect before the previous one.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from learners.models import Learner
from progression.models import LearningProgramme, Progression, ProgressionStatusChange
from progression.services.errors import StatusChangeRefused
from progression.services.portfolio import checked_portfolio_kind
from submissions.keys import Submission, record_submission

Status = Progression.Status

# Notes appended to the progression: its status changes stay readable on its page.
PUT_ON_HOLD_NOTE = "Put on hold on {date}: started {programme}{in_class}."
HELD_NOTE = "Put on hold on {date} by {user}.{reason}"
RESUMED_NOTE = "Resumed on {date} by {user}."

NOT_IN_PROGRESS = (
    "{learner}'s {programme} is {status}; only a programme in progress can be put on hold."
)
NOT_ON_HOLD = "{learner}'s {programme} is {status}; only a programme on hold can be resumed."
ALREADY_COMPLETED = "{learner}'s {programme} was already completed on {date}."
OTHER_IN_PROGRESS = (
    "{learner} already has {other} in progress; put it on hold or complete it "
    "before resuming {programme}."
)
SAME_IN_PROGRESS = "{learner} already has {programme} in progress."
RESUME_INSTEAD = "{learner} has {programme} on hold; resume it instead of starting it again."
CLASS_NOT_ON_PROGRAMME = "Class {klass} follows {class_programme}, not {programme}."
DATE_BEFORE_START = "{date} is before {learner} started {programme} ({start})."
DATE_IN_FUTURE = "{date} is in the future; use today or an earlier date."
DATE_BEFORE_LAST_CHANGE = (
    "{date} is before the last status change of {learner}'s {programme} ({last}); "
    "use that date or a later one."
)
# The reason recorded with a progression's first history row.
STARTED_REASON = "Started{in_class}."


@dataclass(frozen=True)
class StartedProgramme:
    progression: Progression
    # The programme that was in progress before and is now on hold, if any.
    put_on_hold: Progression | None


def start_progression(
    *,
    learner: Learner,
    programme: LearningProgramme,
    start_date: datetime.date,
    klass=None,
    started_by: User | None = None,
) -> Progression:
    """Start (or continue) the learner's progression on `programme`.

    An in-progress progression on the same LP is kept: hours continue to count
    towards it. One on a different LP is put on hold with a note saying why, so
    that the one-in-progress rule holds and nothing is silently dropped. It goes on
    hold on `start_date`, or on its last status change if that is later (a
    backdated enrolment), so that its history stays in date order.
    """
    with transaction.atomic():
        # Serialise progression changes per learner: two enrolments of the same
        # learner at once would otherwise both see no in-progress progression.
        Learner.objects.select_for_update().filter(pk=learner.pk).first()
        current = Progression.objects.filter(learner=learner, status=Status.IN_PROGRESS).first()
        if current is not None and current.programme_id == programme.pk:
            return current
        in_class = f" in class {klass}" if klass is not None else ""
        if current is not None:
            held_from = max(start_date, _last_change_date(current) or current.start_date)
            note = PUT_ON_HOLD_NOTE.format(
                date=held_from.isoformat(), programme=programme, in_class=in_class
            )
            current.status = Status.ON_HOLD
            current.notes = f"{current.notes}\n{note}".strip()
            current.save(update_fields=["status", "notes", "updated_at"])
            _record(current, Status.IN_PROGRESS, held_from, started_by, note)
        progression = Progression.objects.create(
            learner=learner, programme=programme, klass=klass, start_date=start_date
        )
        _record(progression, "", start_date, started_by, STARTED_REASON.format(in_class=in_class))
        return progression


def start_new_programme(
    *,
    learner: Learner,
    programme: LearningProgramme,
    start_date: datetime.date,
    started_by: User,
    klass=None,
    submission: Submission | None = None,
) -> StartedProgramme:
    """An office admin starts the learner on another LP (DESIGN rule 8's way of
    starting: a programme in progress on another LP is put on hold, visibly).

    Refused when the learner already has this LP in progress, or on hold (resume it:
    its hours count on), or when the class follows another LP.
    """
    _check_not_future(start_date)
    if klass is not None and klass.programme_id != programme.pk:
        raise StatusChangeRefused(
            CLASS_NOT_ON_PROGRAMME.format(
                klass=klass, class_programme=klass.programme, programme=programme
            ),
            learner_id=learner.pk,
        )
    with transaction.atomic():
        record_submission(submission)
        Learner.objects.select_for_update().filter(pk=learner.pk).first()
        on_hold = Progression.objects.filter(
            learner=learner, programme=programme, status=Status.ON_HOLD
        ).exists()
        if on_hold:
            raise StatusChangeRefused(
                RESUME_INSTEAD.format(learner=learner, programme=programme),
                learner_id=learner.pk,
            )
        current = Progression.objects.filter(learner=learner, status=Status.IN_PROGRESS).first()
        if current is not None and current.programme_id == programme.pk:
            raise StatusChangeRefused(
                SAME_IN_PROGRESS.format(learner=learner, programme=programme),
                learner_id=learner.pk,
            )
        if current is not None:
            # The one put on hold must not be held before it started, nor before its
            # last status change.
            _check_not_before_start(current, start_date, learner)
            _check_not_before_last_change(current, start_date, learner)
        progression = start_progression(
            learner=learner,
            programme=programme,
            start_date=start_date,
            klass=klass,
            started_by=started_by,
        )
    if current is not None:
        current.refresh_from_db()
    return StartedProgramme(progression=progression, put_on_hold=current)


def put_on_hold(
    *,
    progression: Progression,
    effective_date: datetime.date,
    changed_by: User,
    reason: str = "",
    submission: Submission | None = None,
) -> Progression:
    """Pause a programme in progress; the learner may then start or resume another."""
    _check_not_future(effective_date)
    reason = _clean(reason)
    with transaction.atomic():
        record_submission(submission)
        locked = _locked(progression)
        if locked.status != Status.IN_PROGRESS:
            raise _refused(NOT_IN_PROGRESS, locked, status=locked.get_status_display().lower())
        _check_not_before_start(locked, effective_date, locked.learner)
        _check_not_before_last_change(locked, effective_date, locked.learner)
        note = HELD_NOTE.format(
            date=date_format(effective_date),
            user=_name(changed_by),
            reason=f" Reason: {reason}" if reason else "",
        )
        locked.status = Status.ON_HOLD
        locked.notes = f"{locked.notes}\n{note}".strip()
        locked.save(update_fields=["status", "notes", "updated_at"])
        _record(locked, Status.IN_PROGRESS, effective_date, changed_by, reason)
    return locked


def resume(
    *,
    progression: Progression,
    effective_date: datetime.date,
    changed_by: User,
    submission: Submission | None = None,
) -> Progression:
    """Put a programme on hold back in progress, if the learner has no other one."""
    _check_not_future(effective_date)
    with transaction.atomic():
        record_submission(submission)
        locked = _locked(progression)
        if locked.status != Status.ON_HOLD:
            raise _refused(NOT_ON_HOLD, locked, status=locked.get_status_display().lower())
        other = (
            Progression.objects.filter(learner_id=locked.learner_id, status=Status.IN_PROGRESS)
            .select_related("programme")
            .first()
        )
        if other is not None:
            raise _refused(OTHER_IN_PROGRESS, locked, other=other.programme)
        _check_not_before_start(locked, effective_date, locked.learner)
        _check_not_before_last_change(locked, effective_date, locked.learner)
        note = RESUMED_NOTE.format(date=date_format(effective_date), user=_name(changed_by))
        locked.status = Status.IN_PROGRESS
        locked.notes = f"{locked.notes}\n{note}".strip()
        locked.save(update_fields=["status", "notes", "updated_at"])
        _record(locked, Status.ON_HOLD, effective_date, changed_by, "")
    return locked


def mark_complete(
    *,
    progression: Progression,
    completion_date: datetime.date,
    completed_by: User,
    portfolio: File | None = None,
    submission: Submission | None = None,
) -> Progression:
    """Complete a programme (in progress or on hold), optionally with the learner's
    portfolio: a PDF, DOC or DOCX document of at most 10 MB, checked by its content
    and stored through Django's storage API (local disk or S3, as settings say)."""
    _check_not_future(completion_date)
    # Read before taking any lock: checking a 10 MB upload takes a moment.
    kind = checked_portfolio_kind(portfolio) if portfolio is not None else None
    with transaction.atomic():
        record_submission(submission)
        locked = _locked(progression)
        if locked.status == Status.COMPLETED:
            # A completed progression has its date (the constraint
            # learner_lp_tracking_completion_date_iff_completed).
            completed = date_format(locked.completion_date)  # type: ignore[arg-type]
            raise _refused(ALREADY_COMPLETED, locked, date=completed)
        _check_not_before_start(locked, completion_date, locked.learner)
        _check_not_before_last_change(locked, completion_date, locked.learner)
        was = locked.status
        locked.status = Status.COMPLETED
        locked.completion_date = completion_date
        locked.marked_complete_by = completed_by
        fields = ["status", "completion_date", "marked_complete_by", "updated_at"]
        if portfolio is not None:
            # The storage writes the file now; should the row's save fail after it,
            # an unreferenced file stays behind, never a row without its file.
            locked.portfolio.save(f"portfolio.{kind}", portfolio, save=False)
            fields.append("portfolio")
        locked.save(update_fields=fields)
        _record(locked, was, completion_date, completed_by, "")
    return locked


def _locked(progression: Progression) -> Progression:
    """The progression, re-read under the learner's and its own row lock."""
    Learner.objects.select_for_update().filter(pk=progression.learner_id).first()
    locked = Progression.objects.select_for_update().get(pk=progression.pk)
    # The learner and LP never change; reading them after the lock is only for messages.
    locked.learner = Learner.objects.get(pk=locked.learner_id)
    locked.programme = LearningProgramme.objects.get(pk=locked.programme_id)
    return locked


def _refused(template: str, progression: Progression, **values) -> StatusChangeRefused:
    return StatusChangeRefused(
        template.format(learner=progression.learner, programme=progression.programme, **values),
        learner_id=progression.learner_id,
    )


def _check_not_future(day: datetime.date) -> None:
    # "Today" is the site's day (TIME_ZONE), as for sessions.
    if day > timezone.localdate():
        raise StatusChangeRefused(DATE_IN_FUTURE.format(date=date_format(day)))


def _check_not_before_start(progression: Progression, day: datetime.date, learner: Learner) -> None:
    if day < progression.start_date:
        raise StatusChangeRefused(
            DATE_BEFORE_START.format(
                date=date_format(day),
                learner=learner,
                programme=progression.programme,
                start=date_format(progression.start_date),
            ),
            learner_id=learner.pk,
        )


def _record(
    progression: Progression,
    old_status: str,
    effective_date: datetime.date,
    changed_by: User | None,
    reason: str,
) -> None:
    """Append the change just made to `progression` (its new status is already set) to
    its status history; the caller's transaction makes the two one."""
    ProgressionStatusChange.objects.create(
        progression=progression,
        old_status=old_status,
        new_status=progression.status,
        effective_date=effective_date,
        changed_by=changed_by,
        reason=reason,
    )


def _last_change_date(progression: Progression) -> datetime.date | None:
    return (
        ProgressionStatusChange.objects.filter(progression=progression)
        .order_by("-effective_date", "-id")
        .values_list("effective_date", flat=True)
        .first()
    )


def _check_not_before_last_change(
    progression: Progression, day: datetime.date, learner: Learner
) -> None:
    # A change dated before the previous one would reorder the history and rewrite
    # which sessions the progression was in progress for.
    last = _last_change_date(progression)
    if last is not None and day < last:
        raise StatusChangeRefused(
            DATE_BEFORE_LAST_CHANGE.format(
                date=date_format(day),
                learner=learner,
                programme=progression.programme,
                last=date_format(last),
            ),
            learner_id=learner.pk,
        )


def _name(user: User) -> str:
    return user.get_full_name() or user.get_username()


def _clean(text: str) -> str:
    # NUL cannot be stored in PostgreSQL text; no person types one.
    return (text or "").replace("\x00", "").strip()
