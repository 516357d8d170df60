"""The class monthly report: one class, one month, per learner on its roster that
month: the month's hours (hours-log rows of this class dated in the month) beside the
learner's totals and percentages on the LP (progression.progress), and the absence
reasons recorded for them in the month's sessions (issue 12, point 6)."""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, IntegerField, OuterRef, Q, Subquery, Sum, Value, When
from django.utils import formats

from classes.models import Class, Enrolment, LearnerAttendance, ScheduleSlot, absence_words
from classes.selectors import latest_page_subquery
from learners.models import Learner
from progression.models import HoursLog, Progression
from progression.progress import page_percent, progress_shown
from reports.common import date_text, hours_text, percent_text, person_name

ZERO = Decimal("0")
NO_SCHEDULE = "No schedule"

CSV_TITLE = "Class monthly report"
CSV_HEADER = [
    "Surname",
    "Initials",
    "LP",
    "Start date",
    "Race",
    "Gender",
    "Month trained",
    "Month present",
    "Total trained",
    "Total present",
    "Hours %",
    "Page %",
    "Absence reasons",
]


@dataclass(frozen=True)
class MonthlyRow:
    learner: Learner
    progression: Progression | None  # None: no progression on the class's LP
    month_trained: Decimal
    month_present: Decimal
    # (session date, reason in words) of the month's sessions that recorded one.
    absences: tuple[tuple[datetime.date, str], ...] = ()

    @property
    def absences_text(self) -> str:
        """ "2026-03-02 Sick – clinic letter; 2026-03-04 Late arrival": the page and
        the CSV show the same characters."""
        return "; ".join(f"{date_text(day)} {words}" for day, words in self.absences)

    @property
    def programme(self):
        return self.progression.programme if self.progression else None

    @property
    def progress(self) -> Decimal | None:
        p = self.progression
        return progress_shown(p.hours_trained, p.programme.subject_duration) if p else None

    @property
    def page(self) -> Decimal | None:
        p = self.progression
        return page_percent(p.latest_page, p.programme.total_pages) if p else None


@dataclass(frozen=True)
class ClassMonthly:
    klass: Class
    month: datetime.date  # the first day
    days_and_times: str
    rows: list[MonthlyRow]

    @property
    def last_day(self) -> datetime.date:
        return self.month.replace(day=calendar.monthrange(self.month.year, self.month.month)[1])

    def header(self) -> list[tuple[str, str]]:
        """The report's heading facts, as the page shows them and the CSV lists them."""
        k = self.klass
        return [
            ("Class", k.code),
            ("Client", k.client.name),
            ("Site", k.site),
            ("Class type", k.programme.class_type.name),
            ("LP", f"{k.programme.code} – {k.programme.name}"),
            ("Month", self.month.strftime("%Y-%m")),
            ("Class days and times", self.days_and_times),
            ("Facilitator", person_name(k.facilitator)),
        ]


def days_and_times(slots: list[ScheduleSlot]) -> str:
    """The class's week in words, days with the same times together:
    "Monday, Wednesday 09:00–12:00; Friday 08:00–10:00 and 13:30–15:00",
    "Monday to Friday 08:00–10:00"."""
    times_by_day: dict[int, list[str]] = {}
    for slot in sorted(slots, key=lambda s: (s.weekday, s.start_time)):
        times_by_day.setdefault(slot.weekday, []).append(
            f"{slot.start_time:%H:%M}–{slot.end_time:%H:%M}"
        )
    days_by_times: dict[str, list[int]] = {}
    for day, times in times_by_day.items():
        days_by_times.setdefault(" and ".join(times), []).append(day)
    return "; ".join(f"{_day_names(days)} {times}" for times, days in days_by_times.items())


def _day_names(days: list[int]) -> str:
    names = [ScheduleSlot.Weekday(day).label for day in days]
    # Three or more days in a row read better as a range.
    if len(days) >= 3 and days == list(range(days[0], days[-1] + 1)):
        return f"{names[0]} to {names[-1]}"
    return ", ".join(names)


def class_monthly(*, klass: Class, year: int, month: int, using: str) -> ClassMonthly:
    """The report in a fixed number of queries, however many learners the class has."""
    first = datetime.date(year, month, 1)
    last = first.replace(day=calendar.monthrange(year, month)[1])
    klass = (
        Class.objects.using(using)
        .select_related("client", "facilitator", "programme__class_type")
        .prefetch_related("schedule__slots")
        .get(pk=klass.pk)
    )
    schedule = getattr(klass, "schedule", None)
    slots = list(schedule.slots.all()) if schedule is not None else []

    # The learner's progression on the class's LP: the one of this class if there
    # is one, else the latest (a learner who moved class keeps their progression).
    progression = (
        Progression.objects.filter(learner_id=OuterRef("learner_id"), programme=klass.programme_id)
        .annotate(
            this_class=Case(
                When(klass_id=klass.pk, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("this_class", "-start_date", "-id")
        .values("pk")[:1]
    )
    # On the roster at some point in the month: joined by its end, not left before it.
    enrolments = (
        Enrolment.objects.using(using)
        .filter(
            Q(end_date__isnull=True) | Q(end_date__gte=first), klass=klass, start_date__lte=last
        )
        .select_related("learner")
        .annotate(progression_id=Subquery(progression))
        .order_by("learner__surname", "learner__first_names", "learner_id")
    )
    enrolments = list(enrolments)
    progressions = {
        p.pk: p
        for p in Progression.objects.using(using)
        .filter(pk__in=[e.progression_id for e in enrolments if e.progression_id])
        .select_related("programme")
        .annotate(latest_page=latest_page_subquery())
    }
    month_hours = {
        row["learner_id"]: (row["trained"], row["present"])
        for row in HoursLog.objects.using(using)
        .filter(klass=klass, log_date__gte=first, log_date__lte=last)
        .values("learner_id")
        .annotate(trained=Sum("hours_trained"), present=Sum("hours_present"))
        .order_by()
    }
    # Only captured sessions have attendance rows (a void removes them).
    absences: dict[int, list[tuple[datetime.date, str]]] = {}
    for learner_id, day, reason, remark in (
        LearnerAttendance.objects.using(using)
        .filter(session__klass=klass, session_date__gte=first, session_date__lte=last)
        .exclude(absence_reason="")
        .order_by("session_date", "pk")
        .values_list("learner_id", "session_date", "absence_reason", "absence_remark")
    ):
        absences.setdefault(learner_id, []).append((day, absence_words(reason, remark)))
    rows = [
        MonthlyRow(
            learner=e.learner,
            progression=progressions.get(e.progression_id),
            month_trained=month_hours.get(e.learner_id, (ZERO, ZERO))[0],
            month_present=month_hours.get(e.learner_id, (ZERO, ZERO))[1],
            absences=tuple(absences.get(e.learner_id, ())),
        )
        for e in enrolments
    ]
    return ClassMonthly(klass, first, days_and_times(slots) or NO_SCHEDULE, rows)


def csv_rows(report: ClassMonthly, *, show_race: bool = True) -> Iterator[list]:
    """The heading facts first (one per line), a blank line, then the learners: the
    report reads in Excel like it does on paper. Race is special personal information
    (POPIA, issue 16): blank unless `show_race`."""
    for label, value in report.header():
        yield [label, value]
    yield []
    yield CSV_HEADER
    for row in report.rows:
        p = row.progression
        yield [
            row.learner.surname,
            row.learner.initials,
            p.programme.code if p else "",
            date_text(p.start_date) if p else "",
            row.learner.get_race_display() if show_race else "",
            row.learner.get_gender_display(),
            hours_text(row.month_trained),
            hours_text(row.month_present),
            hours_text(p.hours_trained) if p else "",
            hours_text(p.hours_present) if p else "",
            percent_text(row.progress),
            percent_text(row.page),
            row.absences_text,
        ]


def month_label(month: datetime.date) -> str:
    return formats.date_format(month, "YEAR_MONTH_FORMAT")
