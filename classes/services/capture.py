"""Recording a session: capturing attendance, or marking that it did not happen.

DESIGN rules 1–8. Every check the pages make is made here again; the pages only
mirror them. A capture is one transaction: the session row (created if needed and
locked), one attendance row per roster learner, their hours-log rows through
ProgressionService's batch form, and the session's status, or nothing at all.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import formats, timezone
from django.utils.formats import date_format

from attendance_project.errors import ServiceError
from attendance_project.parsing import parse_decimal
from classes.models import AttendanceSession, Class, SessionHistory
from classes.schedule import PlannedSession
from classes.selectors import RosterLearner, may_open
from classes.services.absence import check_absence
from classes.services.recording_start import start_recording
from classes.services.session_rows import record_session
from classes.stored_plan import planned_session_on
from learners.models import Learner
from progression.models import HoursLog
from progression.services import HoursEntry, ProgressionError, ProgressionService, SessionFacts
from submissions.keys import Submission

Status = AttendanceSession.Status

# Rule 1: when a session can be recorded at all.
NOT_ALLOWED = "You are not a facilitator of class {klass}."
CLASS_NOT_ACTIVE = "Class {klass} is not active, so its sessions cannot be recorded."
CLASS_STOPPED = "Class {klass} stopped on {stop_date}; later sessions cannot be recorded."
FUTURE_DATE = "{date} is in the future; a session can be recorded from its day on."
NO_SCHEDULE = "Class {klass} has no schedule yet."
NOT_SCHEDULED = "Class {klass} has no session scheduled on {date}."
BLOCKED = "There is no session on {date}: {reason}."
NO_ROSTER = "No learners were enrolled in class {klass} on {date}."
# Rule 5: once only.
ALREADY_RECORDED = "This session was already {what} by {who} at {when}."
# Rules 4 and 6: the learner rows.
NOT_ON_ROSTER = "{learner} is not on the roster of this session."
UNKNOWN_LEARNER = "The form names a learner who does not exist (number {learner_id})."
LISTED_TWICE = "{learner} is listed more than once."
SENT_TWICE = (
    "The values for {learner} were sent more than once; nothing was saved. "
    "Check their row and save again."
)
HOURS_MISSING = "Hours present for {learner} are missing."
# Issue 12, point 1: a row nobody filled in is not "absent" until someone says so.
HOURS_UNSET = (
    "Hours present for {learner} are not filled in: enter their hours, or 0 if they "
    "were absent (“Save, marking the rest absent” does that for every empty row)."
)
HOURS_INVALID = "Hours present for {learner} must be a number from 0 to {max} in steps of 0.5."
PAGE_REQUIRED = (
    "Last completed page for {learner} is required when they were present "
    "(their previous page was {previous})."
)
PAGE_INVALID = "Last completed page for {learner} must be a whole number from 1 to {max}."
PAGE_LOWER = (
    "Last completed page for {learner} ({page}) is lower than their previous page ({previous})."
)
CONFIRM_LOWER_PAGES = "Tick “the lower pages are correct” to record them."
EVERYONE_ABSENT = (
    "Everyone has 0 hours present. Tick “everyone was absent” to record the session like that."
)
# Rule 7.
NOT_HELD_STATUS_INVALID = "Choose why the session did not happen."

HALF = Decimal("0.5")
NOT_HELD = (Status.CLIENT_CANCELLED, Status.AGENT_ABSENT)


@dataclass(frozen=True)
class LearnerEntry:
    """What the form said for one learner, unparsed: the service does the checking."""

    learner_id: int
    hours_present: str | Decimal | None
    page_number: str | int | None
    # The form sent this learner's values more than once (repeated or aliased field).
    repeated: bool = False
    # Issue 12, point 6: a code of AbsenceReason (or empty), and a remark.
    absence_reason: str | None = None
    absence_remark: str | None = None


class LearnerValues(NamedTuple):
    """What is recorded for one learner once their entry passed every check."""

    hours: Decimal
    page: int | None
    absence_reason: str = ""
    absence_remark: str = ""


@dataclass(frozen=True)
class Problem:
    message: str
    learner_id: int | None = None
    # "hours_present", "page_number", "absence_reason" or "absence_remark"
    field: str | None = None


class Refused(ServiceError):
    """The action is refused as a whole, with a message for the user; nothing was written.

    The message may be given as a function that words it: it is worded when first
    read. The class page asks the recordability rule about every session it shows and
    reads none of the refusals' messages (issue 11: wording them cost more than the
    rest of the page's Python).
    """

    def __init__(self, message: str | Callable[[], str]):
        Exception.__init__(self)
        self._message = message

    @property  # type: ignore[override]
    def message(self) -> str:
        if callable(self._message):
            self._message = self._message()
        return self._message

    @message.setter
    def message(self, value: str) -> None:
        self._message = value

    # As for any exception, args[0] is the message (worded when read).
    @property  # type: ignore[override]
    def args(self) -> tuple[str]:
        return (self.message,)

    @args.setter
    def args(self, value) -> None:
        pass

    def __str__(self) -> str:
        return self.message


class NotAllowed(Refused):
    """Rule 2 (and the edit window, and voiding): not this user."""


class SessionNotAvailable(Refused):
    """Rule 1: the date cannot be recorded (future, blocked, unscheduled, inactive)."""


class SessionAlreadyRecorded(Refused):
    """Rule 5: captured or marked once; the answer says by whom and when."""

    def __init__(self, session: AttendanceSession):
        self.session = session
        super().__init__(self._worded)

    def _worded(self) -> str:
        session = self.session
        what = "captured" if session.status == Status.CAPTURED else "marked as not held"
        when = formats.date_format(timezone.localtime(session.captured_at), "DATETIME_FORMAT")
        who = session.captured_by.get_full_name() or session.captured_by.get_username()
        return ALREADY_RECORDED.format(what=what, who=who, when=when)


@dataclass
class CaptureRejected(Exception):
    """Nothing was written. `problems` must be fixed; `confirmations` only confirmed."""

    problems: list[Problem] = field(default_factory=list)
    confirmations: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return " ".join(p.message for p in [*self.problems, *self.confirmations])


def recording_refusal(
    *,
    klass: Class,
    session_date: datetime.date,
    planned: PlannedSession | None,
    has_schedule: bool,
    today: datetime.date,
    user_may_open: bool = True,
    row: AttendanceSession | None = None,
) -> Refused | None:
    """THE rule of "may this session be recorded now, and if not, why" (DESIGN rules 1,
    2 and 5): None if it may, else the refusal to show or raise.

    Pure: the caller passes what it has loaded (the planned session of that date, the
    session row if there is one, whether the user may open the class, the site's
    today), so the class page asks it for every session of a month without a query,
    the capture page asks it before showing the form, and the capture service asks it
    before writing and again under the session's row lock.
    """
    if not user_may_open:
        return NotAllowed(lambda: NOT_ALLOWED.format(klass=klass))
    if row is not None and row.status != Status.PENDING:
        return SessionAlreadyRecorded(row)
    if klass.status == Class.Status.DRAFT:
        return SessionNotAvailable(lambda: CLASS_NOT_ACTIVE.format(klass=klass))
    if klass.status == Class.Status.STOPPED and session_date > klass.stop_date:
        return SessionNotAvailable(
            lambda: CLASS_STOPPED.format(klass=klass, stop_date=date_format(klass.stop_date))
        )
    if session_date > today:
        return SessionNotAvailable(lambda: FUTURE_DATE.format(date=date_format(session_date)))
    if not has_schedule:
        return SessionNotAvailable(lambda: NO_SCHEDULE.format(klass=klass))
    if planned is None:
        return SessionNotAvailable(
            lambda: NOT_SCHEDULED.format(klass=klass, date=date_format(session_date))
        )
    if planned.blocked:
        return SessionNotAvailable(
            lambda: BLOCKED.format(date=date_format(session_date), reason=planned.blocked_reason)
        )
    return None


def recordable_session(
    *,
    klass: Class,
    session_date: datetime.date,
    user: AbstractBaseUser,
    row: AttendanceSession | None = None,
    days_ahead: int = 0,
) -> PlannedSession:
    """The planned session on `session_date` if it may be recorded now, else the
    refusal raised: `recording_refusal` with the class's stored plan for that day
    (one query; classes.stored_plan). `days_ahead`: as if today were that many days
    later, for the form a phone keeps to capture offline (issue 13); a submit is
    always checked against today."""
    has_schedule, planned = planned_session_on(klass.pk, session_date)
    return _recordable(klass, session_date, user, has_schedule, planned, row, days_ahead)


def _recordable(
    klass: Class,
    session_date: datetime.date,
    user: AbstractBaseUser,
    has_schedule: bool,
    planned: PlannedSession | None,
    row: AttendanceSession | None = None,
    days_ahead: int = 0,
) -> PlannedSession:
    refusal = recording_refusal(
        klass=klass,
        session_date=session_date,
        planned=planned,
        has_schedule=has_schedule,
        # "Today" is the site's day: 00:30 in Johannesburg is already tomorrow in UTC.
        today=timezone.localdate() + datetime.timedelta(days=days_ahead),
        user_may_open=may_open(user, klass),
        row=row,
    )
    if refusal is not None:
        raise refusal
    assert planned is not None
    return planned


def capture_session(
    *,
    klass: Class,
    session_date: datetime.date,
    recorded_by: AbstractBaseUser,
    entries: Sequence[LearnerEntry],
    everyone_absent: bool = False,
    lower_pages_confirmed: bool = False,
    rest_absent: bool = False,
    submission: Submission | None = None,
) -> AttendanceSession:
    """Record the hours present and pages of every learner on the session's roster.

    With a `submission`, its key is recorded first in the same transaction: a replay
    of the form raises AlreadySubmitted before anything is checked or written.
    """
    with ledger_refusals(), transaction.atomic():
        start = start_recording(
            klass=klass, session_date=session_date, submission=submission, with_roster=True
        )
        planned = _recordable(klass, session_date, recorded_by, start.has_schedule, start.planned)
        learners = start.roster
        if not learners:
            raise SessionNotAvailable(NO_ROSTER.format(klass=klass, date=date_format(session_date)))
        values = check_entries(
            learners,
            entries,
            max_hours=planned.hours,
            total_pages=klass.programme.total_pages,
            everyone_absent=everyone_absent,
            lower_pages_confirmed=lower_pages_confirmed,
            rest_absent=rest_absent,
        )
        session = _record(
            klass,
            planned,
            status=Status.CAPTURED,
            recorded_by=recorded_by,
            values=values,
            action=SessionHistory.Action.CAPTURED,
        )
        # Hours trained go to every roster learner, present or not (DESIGN §2), but
        # only those with a progression in progress on the LP can be credited now.
        credited = [r.learner.pk for r in learners if r.creditable]
        if credited:
            # The ledger rows are not read back: nothing here uses them.
            trained = planned.hours  # a sum over the slots: added up once
            ProgressionService.credit_hours_batch(
                entries=[HoursEntry(pk, trained, values[pk].hours) for pk in credited],
                source=HoursLog.Source.ATTENDANCE,
                session=SessionFacts(
                    session_id=session.pk,
                    session_date=session_date,
                    class_id=klass.pk,
                    programme_id=klass.programme_id,
                ),
                created_by=recorded_by,
            )
    return session


def mark_session_not_held(
    *,
    klass: Class,
    session_date: datetime.date,
    recorded_by: AbstractBaseUser,
    status: str,
    notes: str = "",
    submission: Submission | None = None,
) -> AttendanceSession:
    """Record that the session did not happen (rule 7): no hours for anyone."""
    with transaction.atomic():
        start = start_recording(
            klass=klass, session_date=session_date, submission=submission, with_roster=False
        )
        if status not in NOT_HELD:
            raise CaptureRejected(problems=[Problem(NOT_HELD_STATUS_INVALID, field="status")])
        planned = _recordable(klass, session_date, recorded_by, start.has_schedule, start.planned)
        return _record(
            klass,
            planned,
            status=status,
            recorded_by=recorded_by,
            values={},
            action=SessionHistory.Action.NOT_HELD,
            notes=clean_text(notes),
        )


def _record(
    klass: Class,
    planned: PlannedSession,
    *,
    status: str,
    recorded_by: AbstractBaseUser,
    values: dict[int, LearnerValues],
    action: str,
    notes: str = "",
) -> AttendanceSession:
    """The session's rows written (classes.services.session_rows), or the refusal.

    Rule 5 is asked again under the session's row lock: a concurrent submit that won
    the lock has made the row no longer pending, whatever the checks before the lock
    said, and nothing was written; recording_refusal words the answer."""
    session = record_session(
        klass=klass,
        session_date=planned.date,
        hours=planned.hours,
        status=status,
        recorded_by=recorded_by,
        values=values,
        action=action,
        notes=notes,
    )
    if session is not None:
        return session
    # Read after the lock was granted: the winner's row, and who recorded it.
    row = AttendanceSession.objects.select_related("captured_by").get(
        klass=klass, session_date=planned.date
    )
    refusal = recording_refusal(
        klass=klass,
        session_date=planned.date,
        planned=planned,
        has_schedule=True,
        today=timezone.localdate(),
        row=row,
    )
    assert refusal is not None, "a session that is not pending cannot be recorded"
    raise refusal


def check_entries(
    learners: list[RosterLearner],
    entries: Sequence[LearnerEntry],
    *,
    max_hours: Decimal,
    total_pages: int,
    everyone_absent: bool,
    lower_pages_confirmed: bool,
    rest_absent: bool = False,
) -> dict[int, LearnerValues]:
    """Check every learner row; all problems at once, so the form can show them all.

    An empty hours field is refused naming the learner, unless `rest_absent` (the
    user's "mark the rest absent") makes it 0. An empty page is "no page completed
    yet", valid for a learner who has none; the form shows the previous page. An
    absence reason is optional (classes.services.absence holds its rules)."""
    on_roster = {r.learner.pk: r for r in learners}
    problems: list[Problem] = []
    confirmations: list[Problem] = []
    given: dict[int, LearnerEntry] = {}
    strangers = [e.learner_id for e in entries if e.learner_id not in on_roster]
    names = _learner_names(strangers)
    for entry in entries:
        if entry.learner_id not in on_roster:
            name = names.get(entry.learner_id)
            problems.append(
                Problem(
                    NOT_ON_ROSTER.format(learner=name)
                    if name
                    else UNKNOWN_LEARNER.format(learner_id=entry.learner_id)
                )
            )
        elif entry.learner_id in given:
            name = on_roster[entry.learner_id].learner
            problems.append(Problem(LISTED_TWICE.format(learner=name), entry.learner_id))
        elif entry.repeated:
            name = on_roster[entry.learner_id].learner
            problems.append(
                Problem(SENT_TWICE.format(learner=name), entry.learner_id, "hours_present")
            )
            given[entry.learner_id] = entry
        else:
            given[entry.learner_id] = entry

    values: dict[int, LearnerValues] = {}
    parsed_hours: dict[tuple, Decimal | None] = {}
    for learner_id, row in on_roster.items():
        name = row.learner
        entry = given.get(learner_id)
        if entry is None:
            problems.append(
                Problem(HOURS_MISSING.format(learner=name), learner_id, "hours_present")
            )
            continue
        unset = str(entry.hours_present or "").strip() == ""
        if unset and not rest_absent:
            problems.append(Problem(HOURS_UNSET.format(learner=name), learner_id, "hours_present"))
            continue
        # A class's rows share a handful of values: each is parsed once.
        raw_hours = entry.hours_present
        key = (type(raw_hours), raw_hours)
        if key in parsed_hours:
            hours = parsed_hours[key]
        else:
            hours = parsed_hours[key] = _half_hours(raw_hours, max_hours)
        if hours is None:
            message = HOURS_INVALID.format(learner=name, max=_hours(max_hours))
            problems.append(Problem(message, learner_id, "hours_present"))
        page, page_ok = _page(entry.page_number, total_pages)
        if not page_ok:
            message = PAGE_INVALID.format(learner=name, max=total_pages)
            problems.append(Problem(message, learner_id, "page_number"))
        elif page is None and hours and row.previous_page is not None:
            message = PAGE_REQUIRED.format(learner=name, previous=row.previous_page)
            problems.append(Problem(message, learner_id, "page_number"))
        elif page is not None and row.previous_page is not None and page < row.previous_page:
            message = PAGE_LOWER.format(learner=name, page=page, previous=row.previous_page)
            confirmations.append(Problem(message, learner_id, "page_number"))
        reason, remark, refusals = check_absence(
            reason=entry.absence_reason, remark=entry.absence_remark, learner=name,
            hours=hours, max_hours=max_hours,
        )  # fmt: skip
        problems.extend(Problem(message, learner_id, field) for field, message in refusals)
        values[learner_id] = LearnerValues(hours, page, reason, remark)

    if confirmations and lower_pages_confirmed:
        confirmations = []
    elif confirmations:
        confirmations.append(Problem(CONFIRM_LOWER_PAGES, field="confirm_lower_pages"))
    if not problems and not everyone_absent and all(v.hours == 0 for v in values.values()):
        confirmations.append(Problem(EVERYONE_ABSENT, field="everyone_absent"))
    if problems or confirmations:
        raise CaptureRejected(problems=problems, confirmations=confirmations)
    return values


def _learner_names(learner_ids: list[int]) -> dict[int, str]:
    """Names for learners outside the roster: only an invalid submit pays for them."""
    if not learner_ids:
        return {}
    found = Learner.objects.filter(pk__in=learner_ids).only("first_names", "surname")
    return {learner.pk: str(learner) for learner in found}


def _half_hours(raw, max_hours: Decimal) -> Decimal | None:
    """The hours as a Decimal if they are 0…max in half-hour steps, else None."""
    # The shared parser: plain notation only, so "1E+999999999" is refused before
    # any arithmetic on it could overflow. Blank is zero (absent).
    hours = parse_decimal(raw, min_value=Decimal("0"), max_value=max_hours, blank=Decimal("0"))
    if hours is None or hours % HALF != 0:
        return None
    return hours.quantize(Decimal("0.1"))


def _page(raw, total_pages: int) -> tuple[int | None, bool]:
    """(page, ok): a blank page is (None, True); anything but 1…total is not ok."""
    text = "" if raw is None else str(raw).strip()
    if text == "":
        return None, True
    if not (text.isascii() and text.isdigit()) or len(text) > 6:
        return None, False
    page = int(text)
    return page, 1 <= page <= total_pages


@contextmanager
def ledger_refusals():
    """Turn a ledger rule broken between our checks and the write (say, the office put
    a learner's progression on hold a moment ago) into a refusal with the ledger's
    message, instead of a 500. Placed outside the transaction, so it has rolled back."""
    try:
        yield
    except ProgressionError as error:
        raise CaptureRejected(problems=[Problem(error.message, error.learner_id)]) from error


def clean_text(text: str | None) -> str:
    """Free text from a form, as PostgreSQL can store it: NUL characters (never typed
    by a person, but sent by broken or hostile clients) removed, ends trimmed."""
    return (text or "").replace("\x00", "").strip()


def _hours(hours: Decimal) -> str:
    return f"{hours.normalize():f}"


__all__ = [
    "CaptureRejected",
    "LearnerEntry",
    "LearnerValues",
    "NotAllowed",
    "Problem",
    "SessionAlreadyRecorded",
    "SessionNotAvailable",
    "capture_session",
    "mark_session_not_held",
    "recordable_session",
    "recording_refusal",
]
