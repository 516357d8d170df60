"""Writes to classes, enrolments and attendance sessions."""

from classes.services.capture import (
    CaptureRejected,
    LearnerEntry,
    NotAllowed,
    Problem,
    Refused,
    SessionAlreadyRecorded,
    SessionNotAvailable,
    capture_session,
    mark_session_not_held,
)
from classes.services.corrections import (
    SessionChangedMeanwhile,
    correct_session,
    in_closed_month,
    may_correct,
    void_session,
)
from classes.services.crediting import CreditOutcome, credit_uncredited
from classes.services.enrolment import (
    ClassError,
    change_class_status,
    check_programme_change,
    end_enrolment,
    enrol_learner,
    programme_is_fixed,
)

__all__ = [
    "CaptureRejected",
    "ClassError",
    "CreditOutcome",
    "LearnerEntry",
    "NotAllowed",
    "Problem",
    "Refused",
    "SessionAlreadyRecorded",
    "SessionChangedMeanwhile",
    "SessionNotAvailable",
    "capture_session",
    "change_class_status",
    "check_programme_change",
    "correct_session",
    "credit_uncredited",
    "end_enrolment",
    "enrol_learner",
    "mark_session_not_held",
    "in_closed_month",
    "may_correct",
    "programme_is_fixed",
    "void_session",
]
