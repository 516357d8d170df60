"""Reads for the attendance pages: who may see which class, rosters, schedules."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404

from attendance_project import db
from classes.models import (
    AttendanceSession,
    Class,
    Enrolment,
    LatestPage,
    LearnerAttendance,
    Schedule,
    SessionHistory,
    SessionHistoryChange,
)
from classes.schedule import Pause, ScheduleSpec, Slot
from learners.models import Client, Learner, name_order
from progression.models import HoursLog, LearningProgramme
from progression.selectors import has_progression_in_progress_on, in_progress_on_sql
from progression.services import SessionFacts

CAPTURE_ANY_CLASS = "classes.capture_any_class"


def can_see_all_classes(user: User) -> bool:
    return user.has_perm(CAPTURE_ANY_CLASS)


def visible_classes(user: User) -> QuerySet[Class]:
    """The classes a user may open: their own (primary or backup), or all for admins."""
    classes = Class.objects.all()
    if can_see_all_classes(user):
        return classes
    # A subquery rather than a join on backups: no duplicate rows, no DISTINCT.
    backed_up = Class.backup_facilitators.through.objects.filter(user=user).values("klass_id")
    return classes.filter(Q(facilitator=user) | Q(pk__in=backed_up))


@dataclass(frozen=True)
class ClassFilters:
    """My classes' filters (office admins): code or client name contains `q`."""

    q: str = ""
    status: str = ""
    facilitator: int | None = None


def class_list(
    *, user: User, day: datetime.date, filters: ClassFilters | None = None
) -> QuerySet[Class]:
    """My classes: the classes the user may open, filtered, by code, each with its
    learner count on `day` and its recorded sessions (`session_rows`)."""
    classes = visible_classes(user).select_related("client", "programme", "facilitator")
    filters = filters or ClassFilters()
    if filters.q:
        classes = classes.filter(
            Q(code__icontains=filters.q) | Q(client__name__icontains=filters.q)
        )
    if filters.status:
        classes = classes.filter(status=filters.status)
    if filters.facilitator is not None:
        classes = classes.filter(facilitator_id=filters.facilitator)
    sessions = AttendanceSession.objects.only("klass_id", "session_date", "status")
    return (
        current_learner_counts(classes, day)
        .prefetch_related(Prefetch("sessions", queryset=sessions, to_attr="session_rows"))
        .order_by("code")
    )


def may_open(user: User, klass: Class) -> bool:
    """Whether the user may see the class (rule 2). The primary facilitator, by far
    the most frequent case, and a backup facilitator of a class read by `class_for`
    are answered without a query."""
    if klass.facilitator_id == user.pk:
        return True
    if getattr(klass, "backup_user_id", None) == user.pk:
        return True
    if can_see_all_classes(user):
        return True
    backed_up = Class.backup_facilitators.through.objects.filter(klass_id=klass.pk, user=user)
    return backed_up.exists()


def _columns(model, alias: str) -> str:
    return ", ".join(f'{alias}."{field.column}"' for field in model._meta.concrete_fields)


# class_for's one statement, hand-written (issue 11): the ORM's spelling of it (a
# select_related of three tables and a subquery) cost more to compile on every
# request than PostgreSQL takes to run it.
CLASS_FOR_MODELS = (Class, Client, LearningProgramme, User)
CLASS_FOR = f"""
SELECT {_columns(Class, "c")}, {_columns(Client, "cl")}, {_columns(LearningProgramme, "lp")},
       {_columns(User, "u")},
       EXISTS (
           SELECT 1 FROM class_backup_facilitators b
           WHERE b.class_id = c.id AND b.user_id = %(user_id)s
       ) AS is_backup
FROM classes c
JOIN clients cl ON cl.id = c.client_id
JOIN class_type_subjects lp ON lp.id = c.class_type_subject_id
JOIN auth_user u ON u.id = c.facilitator_id
WHERE c.id = %(class_id)s
"""


def class_for(user: User, class_id: int) -> Class:
    """The class if the user may see it; 404 otherwise (DESIGN rule 2).

    The class is read first, with its client, LP and facilitator, and whether the
    user is one of its backup facilitators (`backup_user_id`, the user's id if so):
    the class's own facilitators need no permission query. Only someone else is
    asked for the office admins' permission, and gets the same 404 for a class that
    exists as for one that does not.
    """
    klass = _class_with_backup(user, class_id)
    if klass is None or not (
        klass.facilitator_id == user.pk
        or getattr(klass, "backup_user_id", None) == user.pk
        or can_see_all_classes(user)
    ):
        raise Http404("No class matches the given query.")
    return klass


def _class_with_backup(user: User, class_id: int) -> Class | None:
    if not db.hand_written_sql(connection):
        backup = Class.backup_facilitators.through.objects.filter(
            klass_id=OuterRef("pk"), user=user
        )
        return (
            Class.objects.select_related("client", "programme", "facilitator")
            .annotate(backup_user_id=Subquery(backup.values("user_id")[:1]))
            .filter(pk=class_id)
            .first()
        )
    with db.statement_cursor(connection) as cursor:
        cursor.execute(CLASS_FOR, {"class_id": class_id, "user_id": user.pk})
        row = cursor.fetchone()
    if row is None:
        return None
    found: list[Any] = []
    start = 0
    for model in CLASS_FOR_MODELS:
        fields = model._meta.concrete_fields
        values = row[start : start + len(fields)]
        found.append(model.from_db(connection.alias, [f.attname for f in fields], values))
        start += len(fields)
    klass: Class = found[0]
    klass.client, klass.programme, klass.facilitator = found[1:]
    klass.backup_user_id = user.pk if row[-1] else None  # type: ignore[attr-defined]
    return klass


def schedule_spec(klass: Class) -> ScheduleSpec | None:
    """The class's schedule as the pure engine's input (a fixed number of queries)."""
    schedule = (
        Schedule.objects.filter(klass=klass)
        .prefetch_related("slots", "exceptions", "pauses", "holiday_overrides")
        .first()
    )
    if schedule is None:
        return None
    return spec_from_schedule(schedule, klass)


def spec_from_schedule(schedule, klass: Class) -> ScheduleSpec:
    """Build the spec from a schedule whose details are already loaded (prefetched)."""
    return ScheduleSpec(
        pattern=schedule.pattern,
        start_date=schedule.start_date,
        end_date=schedule.end_date,
        total_hours=schedule.total_hours,
        day_of_month=schedule.day_of_month,
        slots=tuple(Slot(s.weekday, s.start_time, s.end_time) for s in schedule.slots.all()),
        exceptions={e.exception_date: e.reason for e in schedule.exceptions.all()},
        pauses=tuple(Pause(p.pause_start, p.resume_date, p.reason) for p in schedule.pauses.all()),
        holiday_overrides=frozenset(o.holiday_date for o in schedule.holiday_overrides.all()),
        stop_date=klass.stop_date if klass.status == Class.Status.STOPPED else None,
    )


def enrolled_on(day: datetime.date, prefix: str = "") -> Q:
    """Enrolments that cover `day`: joined on or before it, not left before it."""
    return Q(**{f"{prefix}start_date__lte": day}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": day})
    )


@dataclass(frozen=True)
class RosterLearner:
    learner: Learner
    previous_page: int | None
    # False when the learner had no progression on the class's LP in progress on the
    # session date: their attendance is recorded but no hours can be credited
    # (DESIGN rule 8). The same rule as the ledger's (progression.selectors).
    creditable: bool


def latest_page_subquery(
    *,
    learner: int | OuterRef | None = None,
    programme: int | OuterRef | None = None,
    before: datetime.date | None = None,
) -> Subquery:
    """The learner's latest completed page on the LP (in any class), from the last
    session that recorded one; with `before`, from sessions before that day only.

    The one latest-page query: the roster's previous page (before the session date)
    and every page-progress column (the admin's progressions, the reports), for
    `.annotate(...)` on rows with a learner and an LP. `learner` and `programme`
    default to the outer row's `learner_id` and `programme_id`. The workbook belongs
    to the LP, so a page recorded in another class on the same LP counts too.
    """
    # Any: a reference or a value, where the stubs type a lookup as the column's value.
    learner_is: Any = OuterRef("learner_id") if learner is None else learner
    programme_is: Any = OuterRef("programme_id") if programme is None else programme
    if before is None:
        # The answer the database keeps (classes.latest_page_sql, issue 11): one
        # primary-key probe a row.
        latest = LatestPage.objects.filter(learner_id=learner_is, programme_id=programme_is)
        return Subquery(latest.values("page_number")[:1])
    return Subquery(attendance_pages(learner=learner_is, programme=programme_is, before=before))


def attendance_pages(
    *, learner: Any, programme: Any, before: datetime.date | None = None
) -> QuerySet:
    """latest_page_subquery's definition, from the attendance rows: the page of the
    last row with a page (by session date, then id), before `before` if given; what
    class_attendance_latest_pages holds for `before=None` (check_hours compares)."""
    # One range of the class_attendance_latest_page index: the rows carry their
    # session's date and LP (issue 11).
    pages = LearnerAttendance.objects.filter(
        learner_id=learner, programme_id=programme, page_number__isnull=False
    )
    if before is not None:
        pages = pages.filter(session_date__lt=before)
    return pages.order_by("-session_date", "-id").values("page_number")[:1]


def _previous_page(klass: Class, day: datetime.date) -> Subquery:
    """The learner's (OuterRef "learner_id") latest page on the class's LP before `day`."""
    return latest_page_subquery(programme=klass.programme_id, before=day)


def _creditable(klass: Class, day: datetime.date) -> Exists:
    return has_progression_in_progress_on(programme_id=klass.programme_id, day=day)


# The roster as one hand-written statement (issue 11): the ORM's spelling below cost
# more to compile on every capture than PostgreSQL takes to run it. The same columns,
# rules and order; tests/classes/test_roster_sql.py holds the two to the same answers.
# Only what the pages show of a learner is read.
ROSTER = f"""
SELECT l.id, l.first_names, l.surname,
    (SELECT a.page_number
     FROM class_attendance_learners a
     WHERE a.learner_id = e.learner_id AND a.class_type_subject_id = %(programme_id)s
       AND a.session_date < %(day)s AND a.page_number IS NOT NULL
     ORDER BY a.session_date DESC, a.id DESC
     LIMIT 1) AS previous_page,
    EXISTS (
        SELECT 1 FROM learner_lp_tracking p
        WHERE p.learner_id = e.learner_id AND p.class_type_subject_id = %(programme_id)s
          AND {in_progress_on_sql("p")}
    ) AS creditable
FROM class_enrolments e
JOIN learners l ON l.id = e.learner_id
WHERE e.class_id = %(class_id)s AND e.start_date <= %(day)s
  AND (e.end_date IS NULL OR e.end_date >= %(day)s)
ORDER BY lower(l.surname), lower(l.first_names), e.learner_id
"""
ROSTER_LEARNER_FIELDS = ["id", "first_names", "surname"]


def roster_learners(rows) -> list[RosterLearner]:
    """ROSTER's rows (id, first names, surname, previous page, creditable) as the roster.
    Only what the pages show of a learner is loaded; other fields load on access."""
    learners = db.loaded(
        Learner, ROSTER_LEARNER_FIELDS, [row[:3] for row in rows], connection.alias
    )
    return [
        RosterLearner(learner, previous_page, creditable)
        for learner, (*_, previous_page, creditable) in zip(learners, rows, strict=True)
    ]


def roster(klass: Class, day: datetime.date) -> list[RosterLearner]:
    """The learners enrolled in the class on `day` (DESIGN rule 3), in one query."""
    if db.hand_written_sql(connection):
        with db.statement_cursor(connection) as cursor:
            cursor.execute(
                ROSTER, {"class_id": klass.pk, "programme_id": klass.programme_id, "day": day}
            )
            rows = cursor.fetchall()
        return roster_learners(rows)
    enrolments = (
        Enrolment.objects.filter(enrolled_on(day), klass=klass)
        .select_related("learner")
        .annotate(previous_page=_previous_page(klass, day), creditable=_creditable(klass, day))
        .order_by(*name_order("learner__"))
    )
    return [RosterLearner(e.learner, e.previous_page, e.creditable) for e in enrolments]


@dataclass(frozen=True)
class RecordedLearner:
    roster: RosterLearner
    attendance: LearnerAttendance


def recorded_roster(session: AttendanceSession) -> list[RecordedLearner]:
    """The learners recorded in a captured session, with what was recorded, in one query.

    A correction works on this roster (fixed at capture), not on today's enrolments.
    """
    klass = session.klass
    rows = (
        LearnerAttendance.objects.filter(session=session)
        .select_related("learner")
        .annotate(
            previous_page=_previous_page(klass, session.session_date),
            creditable=_creditable(klass, session.session_date),
        )
        .order_by(*name_order("learner__"))
    )
    return [
        RecordedLearner(RosterLearner(row.learner, row.previous_page, row.creditable), row)
        for row in rows
    ]


def session_history(session: AttendanceSession) -> list[SessionHistory]:
    """The session's history, oldest first, with each learner's before and after."""
    return list(
        SessionHistory.objects.filter(session=session)
        .select_related("changed_by")
        .prefetch_related(
            Prefetch(
                "changes",
                queryset=SessionHistoryChange.objects.select_related("learner").order_by(
                    "learner__surname", "learner__first_names"
                ),
            )
        )
        .order_by("changed_at", "id")
    )


def recorded_sessions(klass: Class) -> dict[datetime.date, AttendanceSession]:
    """The class's session rows by date (rows exist once a session is recorded)."""
    return {
        s.session_date: s
        for s in AttendanceSession.objects.filter(klass=klass).select_related("captured_by")
    }


def session_facts(session: AttendanceSession, klass: Class | None = None) -> SessionFacts:
    """What the ledger needs of the session hours come from (its date, class and the
    class's LP), for ProgressionService: progression does not read sessions (DESIGN
    §5). `klass` is the session's class when the caller has it loaded already."""
    klass = klass if klass is not None else session.klass
    if klass.pk != session.klass_id:
        raise ValueError(f"Class {klass.pk} is not session {session.pk}'s class.")
    return SessionFacts(
        session_id=session.pk,
        session_date=session.session_date,
        class_id=session.klass_id,
        programme_id=klass.programme_id,
    )


@dataclass(frozen=True)
class AttendanceLine:
    attendance: LearnerAttendance
    credited: bool

    @property
    def hours_absent(self):
        return self.attendance.hours_trained - self.attendance.hours_present


def session_attendance(session: AttendanceSession) -> list[AttendanceLine]:
    """What was recorded per learner, and whether it reached the hours log."""
    credited = HoursLog.objects.filter(session=session, learner_id=OuterRef("learner_id"))
    rows = (
        LearnerAttendance.objects.filter(session=session)
        .select_related("learner")
        .annotate(credited=Exists(credited))
        .order_by(*name_order("learner__"))
    )
    return [AttendanceLine(row, row.credited) for row in rows]


def credited() -> Exists:
    """Whether an attendance row's hours are in the ledger: its learner has a live
    ledger row (neither a reversal nor reversed) for its session. For
    `LearnerAttendance.objects.annotate(credited=credited())`.

    Live rows, not any rows: after a void and a new capture the session's old rows
    are all reversed, and a learner without a programme by then is not credited.
    """
    return Exists(
        HoursLog.objects.filter(
            session_id=OuterRef("session_id"),
            learner_id=OuterRef("learner_id"),
            reverses__isnull=True,
            reversal__isnull=True,
        )
    )


def not_credited(attendance: QuerySet[LearnerAttendance]) -> QuerySet[LearnerAttendance]:
    """Rows of captured sessions whose hours are not in the ledger (DESIGN rule 8)."""
    return attendance.filter(session__status=AttendanceSession.Status.CAPTURED).exclude(credited())


def current_learner_counts(classes: QuerySet[Class], day: datetime.date) -> QuerySet[Class]:
    """Annotate each class with `learner_count`: learners enrolled on `day`."""
    return classes.annotate(
        learner_count=Count("enrolments", filter=enrolled_on(day, prefix="enrolments__"))
    )


def programme_is_fixed(klass: Class) -> bool:
    """A class's LP is fixed once a session was recorded or an hour logged for it
    (the database's trigger `classes_programme_fixed` holds the same rule)."""
    if klass.pk is None:
        return False
    recorded = AttendanceSession.objects.filter(klass_id=klass.pk).exclude(
        status=AttendanceSession.Status.PENDING
    )
    return recorded.exists() or HoursLog.objects.filter(klass_id=klass.pk).exists()


def enrolment_attended(enrolment: Enrolment) -> bool:
    """The learner has attendance or hours in the enrolment's class: the enrolment is
    part of the record and is never deleted (the database's trigger agrees)."""
    attendance = LearnerAttendance.objects.filter(
        learner_id=enrolment.learner_id, session__klass_id=enrolment.klass_id
    )
    hours = HoursLog.objects.filter(learner_id=enrolment.learner_id, klass_id=enrolment.klass_id)
    return attendance.exists() or hours.exists()
