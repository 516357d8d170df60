"""What a paper register shows: the reads behind the PDF registers (classes.registers.pdf).

A session's register lists its roster with identity numbers and a signature column.
Before capture the roster is the learners enrolled on the date (DESIGN rule 3) and the
hours, page and reason columns are blank, to fill in by hand; after capture it is the
roster recorded at capture, with what was recorded. A class-month's register is a grid:
its learners by its session dates, each cell the hours present once captured.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from classes.models import AttendanceSession, Class, Enrolment, LearnerAttendance
from classes.plan import slots_text
from classes.schedule import PlannedSession, expand, session_on
from classes.selectors import roster, schedule_spec
from learners.models import Learner

Status = AttendanceSession.Status
ZERO = Decimal("0")


def absence_text(attendance: LearnerAttendance | None) -> str:
    """The row's absence reason in words, with its remark: "Sick – clinic letter"
    (issue 12, point 6); "" before capture or when no reason was given."""
    return attendance.absence if attendance is not None else ""


def identity_number(learner: Learner) -> str:
    """The learner's SA ID number, or their passport's (every learner has one)."""
    if learner.id_number:
        return learner.id_number
    return f"Passport {learner.passport_number}" if learner.passport_number else ""


@dataclass(frozen=True)
class RegisterLine:
    learner: Learner
    # None before capture (and for a session not held): the columns are blank.
    attendance: LearnerAttendance | None = None

    @property
    def identity(self) -> str:
        return identity_number(self.learner)

    @property
    def hours_absent(self) -> Decimal | None:
        a = self.attendance
        return a.hours_trained - a.hours_present if a is not None else None

    @property
    def absence(self) -> str:
        return absence_text(self.attendance)


@dataclass(frozen=True)
class SessionSheet:
    klass: Class
    session_date: datetime.date
    planned: PlannedSession | None
    session: AttendanceSession | None
    lines: list[RegisterLine]

    @property
    def captured(self) -> bool:
        return self.session is not None and self.session.status == Status.CAPTURED

    @property
    def not_held(self) -> bool:
        return self.session is not None and self.session.status in (
            Status.CLIENT_CANCELLED,
            Status.AGENT_ABSENT,
        )

    @property
    def times(self) -> str:
        return slots_text(self.planned.slots) if self.planned else ""

    @property
    def hours(self) -> Decimal | None:
        if self.session is not None:
            return self.session.scheduled_hours
        return self.planned.hours if self.planned else None


def session_sheet(*, klass: Class, session_date: datetime.date) -> SessionSheet | None:
    """The register of the class's session on `session_date`; None when the class has
    no session that day (neither planned nor recorded). A fixed number of queries."""
    session = (
        AttendanceSession.objects.filter(klass=klass, session_date=session_date)
        .select_related("captured_by")
        .first()
    )
    spec = schedule_spec(klass)
    planned = session_on(spec, session_date) if spec is not None else None
    if session is None and planned is None:
        return None
    if session is not None and session.status == Status.CAPTURED:
        # The roster recorded at capture, whoever is enrolled today.
        rows = (
            LearnerAttendance.objects.filter(session=session)
            .select_related("learner")
            .order_by("learner__surname", "learner__first_names", "learner_id")
        )
        lines = [RegisterLine(row.learner, row) for row in rows]
    else:
        lines = [RegisterLine(r.learner) for r in roster(klass, session_date)]
    return SessionSheet(klass, session_date, planned, session, lines)


# ---- The class-month register


@dataclass(frozen=True)
class MonthColumn:
    date: datetime.date
    planned: PlannedSession | None
    session: AttendanceSession | None

    @property
    def captured(self) -> bool:
        return self.session is not None and self.session.status == Status.CAPTURED

    @property
    def not_held(self) -> bool:
        return self.session is not None and self.session.status in (
            Status.CLIENT_CANCELLED,
            Status.AGENT_ABSENT,
        )

    @property
    def hours(self) -> Decimal | None:
        if self.session is not None:
            return self.session.scheduled_hours
        return self.planned.hours if self.planned else None


@dataclass(frozen=True)
class MonthCell:
    column: MonthColumn
    # Not enrolled that day (or not on the roster recorded at capture): no box.
    on_roster: bool
    attendance: LearnerAttendance | None = None


@dataclass
class MonthLine:
    learner: Learner
    cells: list[MonthCell] = field(default_factory=list)

    @property
    def identity(self) -> str:
        return identity_number(self.learner)

    @property
    def present(self) -> Decimal:
        return sum((c.attendance.hours_present for c in self.cells if c.attendance), ZERO)

    @property
    def trained(self) -> Decimal:
        return sum((c.attendance.hours_trained for c in self.cells if c.attendance), ZERO)


@dataclass(frozen=True)
class MonthSheet:
    klass: Class
    month: datetime.date  # the first day
    columns: list[MonthColumn]
    lines: list[MonthLine]


def _enrolled(enrolment: Enrolment, day: datetime.date) -> bool:
    # classes.selectors.enrolled_on, for enrolments already loaded.
    return enrolment.start_date <= day and (enrolment.end_date is None or day <= enrolment.end_date)


def month_sheet(*, klass: Class, year: int, month: int) -> MonthSheet:
    """The class's register for a month: its learners (enrolled on any day of it) by
    its session dates (planned and not blocked, or recorded). Four queries."""
    first = datetime.date(year, month, 1)
    last = first.replace(day=calendar.monthrange(year, month)[1])
    spec = schedule_spec(klass)
    planned = {
        p.date: p
        for p in (expand(spec) if spec is not None else [])
        if first <= p.date <= last and not p.blocked
    }
    sessions = {
        s.session_date: s
        for s in AttendanceSession.objects.filter(
            klass=klass, session_date__gte=first, session_date__lte=last
        )
    }
    # A pending row (a voided session) for a date no longer planned has nothing to show.
    dates = sorted(planned.keys() | {d for d, s in sessions.items() if s.status != Status.PENDING})
    columns = [MonthColumn(d, planned.get(d), sessions.get(d)) for d in dates]
    recorded = {
        (a.learner_id, a.session.session_date): a
        for a in LearnerAttendance.objects.filter(
            session__klass=klass,
            session__session_date__gte=first,
            session__session_date__lte=last,
            session__status=Status.CAPTURED,
        ).select_related("session")
    }
    enrolments = (
        Enrolment.objects.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=first), klass=klass, start_date__lte=last
        )
        .select_related("learner")
        .order_by("learner__surname", "learner__first_names", "learner_id")
    )
    lines = []
    for enrolment in enrolments:
        line = MonthLine(enrolment.learner)
        for column in columns:
            attendance = recorded.get((enrolment.learner_id, column.date))
            if column.captured:
                # The roster recorded at capture decides, as on the session's register.
                line.cells.append(MonthCell(column, attendance is not None, attendance))
            else:
                line.cells.append(MonthCell(column, _enrolled(enrolment, column.date)))
        lines.append(line)
    return MonthSheet(klass, first, columns, lines)
