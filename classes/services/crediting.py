"""Crediting attendance recorded while the learner had no programme in progress.

DESIGN rule 8: a capture records every roster learner's attendance row, but hours go
to the ledger only for learners whose progression on the class's LP was in progress
on the session date. Once the office has put that right (a progression started or
resumed with a date on or before the session's), an office admin credits the rows:
the hours-log rows are written through `ProgressionService.log_hours_batch` with the
session, exactly as the capture would have written them (source "attendance", dated
on the session date). Which rows can be credited is decided by the same rule
(`progressions_in_progress_on`) as the ledger and the capture page use.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.formats import date_format

from classes.models import AttendanceSession, Class, LearnerAttendance
from classes.selectors import credited, session_facts
from classes.services.capture import NotAllowed, _hours
from progression.models import HoursLog
from progression.selectors import progressions_in_progress_on
from progression.services import HoursEntry, ProgressionError, ProgressionService
from submissions.keys import AlreadySubmitted, Submission, record_submission

CREDIT_PERMISSION = "progression.add_hourslog"

CREDIT_NOT_ALLOWED = "Only office admins can credit hours."
CREDITED = "Credited {present} of {trained} hours to {learner} for {klass} on {date}."
NO_PROGRAMME_YET = (
    "{learner} had no programme in progress on {programme} on {date}: their hours for "
    "{klass} that day were not credited."
)
ALREADY_CREDITED = "{learner}'s hours for {klass} on {date} were already credited."
ROW_GONE = (
    "Attendance row {row_id} no longer exists (its session was voided); nothing was credited."
)
SESSION_NOT_CREDITED = "Nothing was credited for {klass} on {date}: {reason}"
# The ledger row's note, for whoever reads the hours log later.
CREDIT_NOTE = "Credited after capture: recorded while no programme was in progress on {programme}."


@dataclass(frozen=True)
class CreditOutcome:
    """What happened to one attendance row."""

    attendance_id: int
    credited: bool
    message: str


def credit_uncredited(
    *,
    attendance_ids: Sequence[int],
    credited_by: User,
    submission: Submission | None = None,
) -> list[CreditOutcome]:
    """Credit the hours of these attendance rows where that is now possible.

    One transaction per session. Rows already credited, or whose learner had no
    programme in progress on the class's LP on the session date, are reported, not
    credited. Returns one outcome per row, in id order. With a `submission`, each
    session's transaction records its own key derived from it, so a replayed form
    credits nothing twice.
    """
    if not credited_by.has_perm(CREDIT_PERMISSION):
        raise NotAllowed(CREDIT_NOT_ALLOWED)
    wanted = sorted(set(attendance_ids))
    by_session: dict[int, list[int]] = defaultdict(list)
    rows = LearnerAttendance.objects.filter(pk__in=wanted).values_list("pk", "session_id")
    for pk, session_id in rows:
        by_session[session_id].append(pk)
    outcomes: dict[int, CreditOutcome] = {}
    for session_id in sorted(by_session):
        item = submission.for_item(session_id) if submission is not None else None
        for outcome in _credit_session(session_id, by_session[session_id], credited_by, item):
            outcomes[outcome.attendance_id] = outcome
    return [
        outcomes.get(pk) or CreditOutcome(pk, False, ROW_GONE.format(row_id=pk)) for pk in wanted
    ]


def _credit_session(
    session_id: int,
    attendance_ids: list[int],
    credited_by: User,
    submission: Submission | None,
) -> list[CreditOutcome]:
    try:
        with transaction.atomic():
            record_submission(submission)
            # The session row lock that capture, correction and void take: a second
            # "credit now" of the same rows (another admin, a double click) waits
            # here, then finds the ledger rows the first one wrote. Without it both
            # would see none and credit the hours twice.
            session = AttendanceSession.objects.select_for_update().get(pk=session_id)
            klass = Class.objects.select_related("programme").get(pk=session.klass_id)
            # Read under the lock: a void meanwhile has deleted the rows.
            rows = list(
                LearnerAttendance.objects.filter(pk__in=attendance_ids, session=session)
                .filter(session__status=AttendanceSession.Status.CAPTURED)
                .select_related("learner")
                .annotate(credited=credited())
                .order_by("pk")
            )
            # Locked in id order, as log_hours_batch locks them: a status change
            # meanwhile cannot slip between this check and the batch.
            in_progress = set(
                progressions_in_progress_on(
                    learner_ids=[row.learner_id for row in rows],
                    programme_id=klass.programme_id,
                    day=session.session_date,
                    lock=True,
                )
            )
            outcomes, to_credit = _sort_out(rows, in_progress, klass, session)
            if to_credit:
                note = CREDIT_NOTE.format(programme=klass.programme)
                ProgressionService.log_hours_batch(
                    entries=[
                        HoursEntry(row.learner_id, row.hours_trained, row.hours_present, note)
                        for row in to_credit
                    ],
                    source=HoursLog.Source.ATTENDANCE,
                    session=session_facts(session, klass),
                    created_by=credited_by,
                )
            return outcomes
    except AlreadySubmitted as replay:
        return [CreditOutcome(pk, False, replay.message) for pk in attendance_ids]
    except ProgressionError as error:
        # Nothing of this session was written (the transaction rolled back).
        session = AttendanceSession.objects.select_related("klass").get(pk=session_id)
        message = SESSION_NOT_CREDITED.format(
            klass=session.klass, date=date_format(session.session_date), reason=error.message
        )
        return [CreditOutcome(pk, False, message) for pk in attendance_ids]


def _sort_out(rows, in_progress, klass, session):
    outcomes, to_credit = [], []
    for row in rows:
        facts = {
            "learner": row.learner,
            "klass": klass,
            "date": date_format(session.session_date),
            "programme": klass.programme,
        }
        if row.credited:
            outcomes.append(CreditOutcome(row.pk, False, ALREADY_CREDITED.format(**facts)))
        elif row.learner_id not in in_progress:
            outcomes.append(CreditOutcome(row.pk, False, NO_PROGRAMME_YET.format(**facts)))
        else:
            to_credit.append(row)
            message = CREDITED.format(
                present=_hours(row.hours_present), trained=_hours(row.hours_trained), **facts
            )
            outcomes.append(CreditOutcome(row.pk, True, message))
    return outcomes, to_credit
