"""Absence reasons (issue 12, point 6): the rules of one learner's reason and remark,
asked by the capture and correction services (classes.services.capture.check_entries)
for every learner row. The database holds the same rules as CHECKs on
class_attendance_learners (docs/decisions.md, "Issue 12: absence reasons").
"""

from __future__ import annotations

from decimal import Decimal

from classes.models import ABSENCE_REMARK_MAX_LENGTH, PART_PRESENT_REASONS, AbsenceReason

# The fields the refusals name, as the forms name them for the learner's row.
REASON_FIELD = "absence_reason"
REMARK_FIELD = "absence_remark"

REASON_UNKNOWN = (
    "Absence reason for {learner} is not one of the list: choose one from the list, "
    "or leave it empty."
)
REASON_WHEN_PRESENT = (
    "Absence reason for {learner}: they were present for the whole session "
    "({hours} hours), so there is nothing to give a reason for. Clear the reason, or "
    "correct their hours."
)
REASON_NEEDS_SOME_HOURS = (
    "Absence reason for {learner}: “{reason}” means they were there for part of the "
    "session. Enter the hours they were present, or choose another reason."
)
REMARK_REQUIRED = "Absence remark for {learner} is required when the reason is “Other”."
REMARK_TOO_LONG = (
    "Absence remark for {learner} is {length} characters long; keep it to {max} characters."
)
REMARK_WITHOUT_REASON = (
    "Absence remark for {learner} needs an absence reason: choose one, or clear the remark."
)


def check_absence(
    *,
    reason: object,
    remark: object,
    learner: object,
    hours: Decimal | None,
    max_hours: Decimal,
) -> tuple[str, str, list[tuple[str, str]]]:
    """(reason, remark, refusals) of one learner's absence reason as the form sent it;
    each refusal is (field, message), the message naming `learner`.

    Optional. A reason only for a learner present for fewer hours than the session's
    (nobody present throughout missed anything); "late arrival" and "left early" only
    for one present for some of it; "other" needs a remark, and a remark needs a
    reason; a remark is at most ABSENCE_REMARK_MAX_LENGTH characters, trimmed, without
    NUL characters. `hours` None (refused already): the rules about hours wait.
    Tampered values are refused with a message that never repeats them (nor is
    anything logged: a remark is personal data)."""
    code = reason.strip() if isinstance(reason, str) else ""
    text = remark.replace("\x00", "").strip() if isinstance(remark, str) else ""
    if code and code not in AbsenceReason.values:
        return "", text, [(REASON_FIELD, REASON_UNKNOWN.format(learner=learner))]
    refusals: list[tuple[str, str]] = []
    if len(text) > ABSENCE_REMARK_MAX_LENGTH:
        message = REMARK_TOO_LONG.format(
            learner=learner, length=len(text), max=ABSENCE_REMARK_MAX_LENGTH
        )
        refusals.append((REMARK_FIELD, message))
    if not code:
        if text:
            refusals.append((REMARK_FIELD, REMARK_WITHOUT_REASON.format(learner=learner)))
        return code, text, refusals
    if code == AbsenceReason.OTHER and not text:
        refusals.append((REMARK_FIELD, REMARK_REQUIRED.format(learner=learner)))
    if hours is not None and hours >= max_hours:
        hours_text = f"{max_hours.normalize():f}"
        refusals.append(
            (REASON_FIELD, REASON_WHEN_PRESENT.format(learner=learner, hours=hours_text))
        )
    elif hours == 0 and code in PART_PRESENT_REASONS:
        label = AbsenceReason(code).label
        message = REASON_NEEDS_SOME_HOURS.format(learner=learner, reason=label)
        refusals.append((REASON_FIELD, message))
    return code, text, refusals
