"""Enrolling learners and changing a class's status."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.formats import date_format

from attendance_project.errors import ServiceError
from classes.models import (
    Class,
    ClassStatusHistory,
    Enrolment,
    EnrolmentHistory,
    LearnerAttendance,
)
from classes.selectors import programme_is_fixed
from classes.services.schedule import rebuild_plan
from learners.models import Learner
from progression.models import LearningProgramme, Progression
from progression.services import ProgressionService
from submissions.keys import Submission, record_submission

STOP_DATE_REQUIRED = "A stop date is required to stop a class."
STOP_DATE_ONLY_WHEN_STOPPING = "Only a stopped class has a stop date."
ALREADY_IN_STATUS = "Class {klass} is already {status}."
# Ending an enrolment.
END_STATUS_INVALID = "Choose whether {learner} completed the class or withdrew from it."
END_REASON_REQUIRED = "Give the reason {learner}'s enrolment in {klass} ends."
END_BEFORE_START = (
    "{learner}'s enrolment in {klass} cannot end ({end}) before it started ({start})."
)
ALREADY_ENDED = "{learner}'s enrolment in {klass} already ended on {end}."
ATTENDED_AFTER_END = (
    "{learner} has attendance recorded in {klass} on {date}, after {end}. "
    "Choose a later end date, or correct or void that session first."
)
# A class's programme.
PROGRAMME_FIXED = (
    "The learning programme of {klass} is fixed: sessions were recorded on {programme}. "
    "To train these learners on another programme, stop this class and start a new one."
)
ENDED_BY_REJOIN = "Rejoined the class."


class ClassError(ServiceError):
    """An enrolment or a class change broke a rule; nothing was written."""


def enrol_learner(
    *,
    learner: Learner,
    klass: Class,
    start_date: datetime.date,
    enrolled_by: User | None = None,
    submission: Submission | None = None,
) -> tuple[Enrolment, Progression]:
    """Enrol a learner in a class from `start_date` and start their progression.

    Enrolling starts the learner's progression on the class's LP (DESIGN rule 8);
    an in-progress one on another LP is put on hold with a note. A learner who left
    the class and rejoins keeps their one enrolment row, reopened (the history keeps
    when they left and came back). Every change is a row of the enrolment's history.
    """
    with transaction.atomic():
        record_submission(submission)
        enrolment, created = Enrolment.objects.select_for_update().get_or_create(
            learner=learner, klass=klass, defaults={"start_date": start_date}
        )
        if created:
            _record(enrolment, EnrolmentHistory.Action.ENROLLED, enrolled_by, "")
        elif enrolment.status != Enrolment.Status.ENROLLED:
            enrolment.status = Enrolment.Status.ENROLLED
            enrolment.end_date = None
            enrolment.save(update_fields=["status", "end_date", "updated_at"])
            _record(enrolment, EnrolmentHistory.Action.REJOINED, enrolled_by, ENDED_BY_REJOIN)
        progression = ProgressionService.start_progression(
            learner=learner, programme=klass.programme, klass=klass, start_date=start_date
        )
    return enrolment, progression


def end_enrolment(
    *,
    enrolment: Enrolment,
    end_date: datetime.date,
    status: str,
    reason: str,
    ended_by: User,
    submission: Submission | None = None,
) -> Enrolment:
    """End a learner's enrolment (completed or withdrew) from `end_date`, with a reason.

    The only way out of a class: the enrolment's learner and class never change and
    an attended enrolment is never deleted, so past rosters stay what they were.
    Refused when it would take the learner off a session already recorded for them.
    """
    reason = (reason or "").replace("\x00", "").strip()
    with transaction.atomic():
        record_submission(submission)
        # Two admins ending the same enrolment: the second waits, then sees it ended.
        locked = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        facts = {"learner": Learner.objects.get(pk=locked.learner_id), "klass": locked.klass}
        if status not in (Enrolment.Status.COMPLETED, Enrolment.Status.WITHDRAWN):
            raise ClassError(END_STATUS_INVALID.format(**facts))
        if locked.status != Enrolment.Status.ENROLLED:
            # An ended enrolment has its end date (class_enrolments_end_date_when_left).
            end = date_format(locked.end_date)  # type: ignore[arg-type]
            raise ClassError(ALREADY_ENDED.format(end=end, **facts))
        if not reason:
            raise ClassError(END_REASON_REQUIRED.format(**facts))
        if end_date < locked.start_date:
            raise ClassError(
                END_BEFORE_START.format(
                    end=date_format(end_date), start=date_format(locked.start_date), **facts
                )
            )
        later = (
            LearnerAttendance.objects.filter(
                learner_id=locked.learner_id,
                session__klass_id=locked.klass_id,
                session__session_date__gt=end_date,
            )
            .order_by("session__session_date")
            .values_list("session__session_date", flat=True)
            .first()
        )
        if later is not None:
            raise ClassError(
                ATTENDED_AFTER_END.format(
                    date=date_format(later), end=date_format(end_date), **facts
                )
            )
        locked.status, locked.end_date = status, end_date
        locked.save(update_fields=["status", "end_date", "updated_at"])
        _record(locked, EnrolmentHistory.Action.ENDED, ended_by, reason)
    return locked


def _record(enrolment: Enrolment, action: str, user: User | None, reason: str) -> EnrolmentHistory:
    return EnrolmentHistory.objects.create(
        enrolment=enrolment,
        action=action,
        start_date=enrolment.start_date,
        end_date=enrolment.end_date,
        status=enrolment.status,
        reason=reason,
        changed_by=user,
    )


def check_programme_change(*, klass: Class, programme: LearningProgramme) -> None:
    """Refuse moving a class to another LP once its programme is fixed."""
    if klass.pk is None:
        return
    current = Class.objects.select_related("programme").get(pk=klass.pk)
    if current.programme_id != programme.pk and programme_is_fixed(current):
        raise ClassError(PROGRAMME_FIXED.format(klass=current, programme=current.programme))


def change_class_status(
    *,
    klass: Class,
    status: str,
    changed_by: User | None,
    stop_date: datetime.date | None = None,
    reason: str = "",
) -> ClassStatusHistory:
    """Move a class to `status` and record who did it, when and why; its stored
    plan follows (a stop date ends it), in the same transaction."""
    if status == Class.Status.STOPPED and stop_date is None:
        raise ClassError(STOP_DATE_REQUIRED)
    if status != Class.Status.STOPPED and stop_date is not None:
        raise ClassError(STOP_DATE_ONLY_WHEN_STOPPING)
    with transaction.atomic():
        # Lock the class: two admins changing its status at once must not both
        # record "from active" in the history.
        locked = Class.objects.select_for_update().get(pk=klass.pk)
        if locked.status == status and locked.stop_date == stop_date:
            raise ClassError(ALREADY_IN_STATUS.format(klass=locked, status=locked.status))
        entry = ClassStatusHistory.objects.create(
            klass=locked,
            old_status=locked.status,
            new_status=status,
            stop_date=stop_date,
            reason=reason,
            changed_by=changed_by,
        )
        locked.status = status
        locked.stop_date = stop_date
        locked.save(update_fields=["status", "stop_date", "updated_at"])
        # A stopped class plans nothing after its stop date.
        rebuild_plan(klass=locked)
    klass.status, klass.stop_date = status, stop_date
    return entry
