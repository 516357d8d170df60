"""A term of history for the demo (issue 12, point 9), written through the services a
facilitator and the office use, so the ledger, the totals and every history table
agree as they would in production.

What a newcomer then finds: captured sessions with varied attendance, pages and
absence reasons (sick, excused, unexcused, left early; one late arrival), one
session not held for each reason, a correction with its reason, a voided and
recaptured session, a signed register uploaded, a learner at risk (joined late: the
schedule ends before their hours), learners over their hours on a capped programme,
attendance not credited (a progression on hold for two weeks), and the last two weeks
still waiting.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.files.base import ContentFile

from classes.models import AbsenceReason, AttendanceSession, Class
from classes.registers.pdf import session_register_pdf
from classes.registers.sheets import session_sheet
from classes.schedule import PlannedSession, expand
from classes.selectors import roster, schedule_spec
from classes.services.capture import LearnerEntry, capture_session, mark_session_not_held
from classes.services.corrections import correct_session, void_session
from classes.services.signed_registers import upload_signed_register
from progression.models import Progression
from progression.services.status import put_on_hold, resume

# Sessions of the last two weeks stay waiting: the backlog a facilitator works off.
WAITING_DAYS = 14
CORRECTION_REASON = "Register re-checked with the site supervisor: {name} arrived an hour late."
VOID_REASON = "Captured on the wrong class; recaptured from the paper register."
NOT_HELD_NOTES: dict[str, str] = {
    AttendanceSession.Status.CLIENT_CANCELLED: "Plant stocktake: the client cancelled.",
    AttendanceSession.Status.AGENT_ABSENT: "Facilitator ill; the office informed the client.",
}
HOLD_REASON = "On leave for two weeks (family responsibility)."
# Why an absent learner was away, in turn; the sick ones brought a note.
ABSENT_REASONS = (AbsenceReason.SICK, AbsenceReason.EXCUSED, AbsenceReason.UNEXCUSED)
SICK_REMARK = "Doctor's note handed in."
# How many pages a present learner works through per session, per learner.
PACE = (3, 2, 4, 2, 3, 1)


def build_history(*, klass: Class, facilitator: User, admin: User, today: datetime.date) -> None:
    """Record the class's sessions up to two weeks before today."""
    until = today - datetime.timedelta(days=WAITING_DAYS)
    spec = schedule_spec(klass)
    assert spec is not None, "the demo classes have schedules"
    sessions = [p for p in expand(spec) if p.date < until and not p.blocked]
    pages: dict[int, int] = {}
    for number, planned in enumerate(sessions):
        if number == 4:
            _not_held(klass, planned, facilitator, AttendanceSession.Status.CLIENT_CANCELLED)
        elif number == 9:
            _not_held(klass, planned, facilitator, AttendanceSession.Status.AGENT_ABSENT)
        else:
            entries = _capture(klass, planned, facilitator, number, pages)
            if number == 6:
                # Voided by the office, then captured again from the paper register.
                void_session(
                    klass=klass, session_date=planned.date, voided_by=admin, reason=VOID_REASON
                )
                _record(klass, planned, facilitator, entries)
    _correct_one_learner(klass, sessions[2], admin)
    _sign_first_register(klass, sessions, facilitator)


def _sign_first_register(klass: Class, sessions: list[PlannedSession], user: User) -> None:
    """The first captured session's paper register, "signed" and uploaded: the printed
    register itself stands in for the scan."""
    first = next(
        p for p in sessions if klass.sessions.get(session_date=p.date).status == "captured"
    )
    sheet = session_sheet(klass=klass, session_date=first.date)
    assert sheet is not None
    scan = ContentFile(session_register_pdf(sheet), name=f"{klass.code}-{first.date}-signed.pdf")
    upload_signed_register(klass=klass, session_date=first.date, file=scan, uploaded_by=user)


def hold_for_two_weeks(*, progression: Progression, admin: User, start: datetime.date) -> None:
    """Attendance captured while the progression was on hold is not credited."""
    put_on_hold(progression=progression, effective_date=start, changed_by=admin, reason=HOLD_REASON)
    resume(
        progression=progression,
        effective_date=start + datetime.timedelta(weeks=2),
        changed_by=admin,
    )


def _capture(
    klass: Class,
    planned: PlannedSession,
    facilitator: User,
    number: int,
    pages: dict[int, int],
) -> list[LearnerEntry]:
    entries = []
    for index, learner in enumerate(roster(klass, planned.date)):
        pk = learner.learner.pk
        # Mostly present; now and then someone absent or leaving early.
        absent = (number + index) % 9 == 4
        early = (number + index) % 6 == 1
        if absent:
            reason = ABSENT_REASONS[number % len(ABSENT_REASONS)]
            remark = SICK_REMARK if reason == AbsenceReason.SICK else ""
            entries.append(
                LearnerEntry(pk, "0", None, absence_reason=reason, absence_remark=remark)
            )
            continue
        left_early = early and planned.hours > 1
        hours = planned.hours - Decimal("1") if left_early else planned.hours
        pages[pk] = min(
            pages.get(pk, learner.previous_page or 0) + PACE[index % len(PACE)],
            klass.programme.total_pages,
        )
        early_reason = AbsenceReason.LEFT_EARLY if left_early else ""
        entries.append(LearnerEntry(pk, str(hours), pages[pk], absence_reason=early_reason))
    _record(klass, planned, facilitator, entries)
    return entries


def _record(
    klass: Class, planned: PlannedSession, facilitator: User, entries: list[LearnerEntry]
) -> None:
    capture_session(
        klass=klass,
        session_date=planned.date,
        recorded_by=facilitator,
        entries=entries,
        everyone_absent=not any(e.hours_present != "0" for e in entries),
    )


def _not_held(klass: Class, planned: PlannedSession, user: User, status: str) -> None:
    mark_session_not_held(
        klass=klass,
        session_date=planned.date,
        recorded_by=user,
        status=status,
        notes=NOT_HELD_NOTES[status],
    )


def _correct_one_learner(klass: Class, planned: PlannedSession, admin: User) -> None:
    """The office corrects one learner's hours (an hour late, so the reason is "late
    arrival"), the rest unchanged."""
    session = klass.sessions.get(session_date=planned.date)
    rows = list(session.attendance.select_related("learner").order_by("learner__surname"))
    late = next(r for r in rows if r.hours_present >= 2)
    entries = [
        LearnerEntry(
            r.learner_id,
            str(r.hours_present - 1 if r is late else r.hours_present),
            r.page_number,
            absence_reason=AbsenceReason.LATE if r is late else r.absence_reason,
            absence_remark="" if r is late else r.absence_remark,
        )
        for r in rows
    ]
    correct_session(
        klass=klass,
        session_date=planned.date,
        corrected_by=admin,
        entries=entries,
        reason=CORRECTION_REASON.format(name=late.learner),
        expected_version=session.version,
    )
