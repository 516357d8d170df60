"""Enrolling learners and changing a class's status."""

from __future__ import annotations

import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction

from classes.models import Class, ClassStatusHistory, Enrolment
from learners.models import Learner
from progression.models import Progression
from progression.services import ProgressionService

STOP_DATE_REQUIRED = "A stop date is required to stop a class."
STOP_DATE_ONLY_WHEN_STOPPING = "Only a stopped class has a stop date."
ALREADY_IN_STATUS = "Class {klass} is already {status}."


class ClassError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def enrol_learner(
    *, learner: Learner, klass: Class, start_date: datetime.date
) -> tuple[Enrolment, Progression]:
    """Enrol a learner in a class from `start_date` and start their progression.

    Enrolling starts the learner's progression on the class's LP (DESIGN rule 8);
    an in-progress one on another LP is put on hold with a note. A learner who left
    the class and rejoins keeps their one enrolment row, reopened from the new date.
    """
    with transaction.atomic():
        enrolment, created = Enrolment.objects.select_for_update().get_or_create(
            learner=learner, klass=klass, defaults={"start_date": start_date}
        )
        if not created and enrolment.status != Enrolment.Status.ENROLLED:
            enrolment.status = Enrolment.Status.ENROLLED
            enrolment.end_date = None
            enrolment.save(update_fields=["status", "end_date", "updated_at"])
        progression = ProgressionService.start_progression(
            learner=learner, programme=klass.programme, klass=klass, start_date=start_date
        )
    return enrolment, progression


def change_class_status(
    *,
    klass: Class,
    status: str,
    changed_by: AbstractBaseUser | None,
    stop_date: datetime.date | None = None,
    reason: str = "",
) -> ClassStatusHistory:
    """Move a class to `status` and record who did it, when and why."""
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
    klass.status, klass.stop_date = status, stop_date
    return entry
