"""The bench data set (`python -m bench seed --scale N`), loaded with COPY.

At scale 1: 2,000 classes, 40,000 learners, 300,000 session rows and 1,000,000
hours-log rows, consistent the way the app keeps them: every session on a date its
schedule produces, rosters from enrolment dates, one attendance row and one ledger
row per roster learner of a captured session, a history entry per recorded session,
and progression totals equal to their ledger sums (`check_hours` is clean).

Those totals imply about 3.5 learners per recorded session (1,000,000 ledger rows over
~276,000 captured sessions), so classes have rolling intake: each learner stays for
about one LP's worth of sessions. About 4% of the ledger is manual entries (a few of
them reversed), which also makes the ledger total exact.
"""

from __future__ import annotations

import datetime
import math
import random
import time
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from bench.copy_load import Spool, Table
from bench.seed_class import (
    ONE_SLOT,
    TWO_SLOTS,
    ClassPlan,
    Enrolled,
    captured_at,
    half_hours,
    plan_dates,
    plan_windows,
    write_plan,
    write_sessions,
)
from classes.models import Class
from classes.roles import FACILITATORS, OFFICE_ADMINS

SCALE_ONE = {"classes": 2000, "learners": 40_000, "sessions": 300_000, "ledger": 1_000_000}
PASSWORD = "bench-password-not-a-secret"  # bench databases only
ADMIN_USERNAME = "bench.admin"
FACILITATOR_USERNAME = "bench.facilitator.{:04d}"
CLASSES_PER_FACILITATOR = 10
# Unrecorded past sessions per active class: the load test captures them.
PENDING_PER_CLASS = 5
# Class 0 meets once a week for this many sessions: over two years of history for
# the class page measurement.
TWO_YEAR_SESSIONS = 115
CAPTURED_SHARE = 0.92  # of sessions; the rest were cancelled or the facilitator absent
ATTENDANCE_SHARE = 0.96  # of ledger rows; the rest are manual rows
# fmt: off
FIRST_NAMES = [
    "Sipho", "Lerato", "Johan", "Nomvula", "Ahmed", "Precious", "Kagiso", "Anele", "Ruan",
    "Zanele", "Tshepo", "Fatima", "Thabo", "Naledi", "Pieter", "Ayanda", "Lindiwe", "Mpho",
    "Busisiwe", "Themba", "Karabo", "Refilwe", "Sibusiso", "Palesa",
]
SURNAMES = [
    "Nkosi", "Mahlangu", "Zulu", "Cassim", "Molefe", "Sithole", "Mthembu", "Pretorius", "Dlamini",
    "Khumalo", "Adams", "Botha", "Mokoena", "Naidoo", "Ndlovu", "van Wyk", "Petersen", "Mabaso",
    "Shabalala", "Nel", "Govender", "Radebe", "Maseko", "Jacobs",
]
# fmt: on
SITES = ["Germiston plant", "Head office, Sandton", "Durban depot", "Gqeberha workshop"]


def targets(scale: float) -> dict[str, int]:
    return {name: max(1, round(count * scale)) for name, count in SCALE_ONE.items()}


@dataclass
class Tables:
    users: Table
    groups: Table
    clients: Table
    class_types: Table
    programmes: Table
    learners: Table
    classes: Table
    backups: Table
    status_history: Table
    schedules: Table
    slots: Table
    exceptions: Table
    enrolments: Table
    progressions: Table
    progression_history: Table
    sessions: Table
    attendance: Table
    history: Table
    changes: Table
    ledger: Table
    planned: Table


# (attribute, table, columns without id), in foreign-key order: each table is copied
# after the tables it points at.
TABLES = [
    ("users", "auth_user", "password last_login is_superuser username first_name last_name "
     "email is_staff is_active date_joined"),
    ("groups", "auth_user_groups", "user_id group_id"),
    ("clients", "clients", "name contact_email created_at updated_at"),
    ("class_types", "class_types", "code name hours_capped created_at"),
    ("programmes", "class_type_subjects",
     "code name subject_duration total_pages created_at class_type_id"),
    ("learners", "learners", "first_names surname id_number passport_number race gender "
     "created_at updated_at employer_id"),
    ("classes", "classes", "code site status stop_date created_at updated_at client_id "
     "facilitator_id class_type_subject_id"),
    ("backups", "class_backup_facilitators", "user_id class_id"),
    ("status_history", "class_status_history",
     "old_status new_status stop_date reason changed_at changed_by_id class_id"),
    ("schedules", "class_schedules", "pattern start_date end_date total_hours day_of_month "
     "created_at updated_at class_id"),
    ("slots", "class_schedule_slots", "weekday start_time end_time schedule_id"),
    ("exceptions", "class_schedule_exceptions", "exception_date reason schedule_id"),
    ("enrolments", "class_enrolments",
     "start_date end_date status created_at updated_at class_id learner_id"),
    ("progressions", "learner_lp_tracking", "hours_trained hours_present status start_date "
     "completion_date notes created_at updated_at class_id learner_id marked_complete_by_id "
     "class_type_subject_id"),
    ("progression_history", "learner_lp_tracking_status_history",
     "old_status new_status effective_date changed_at changed_by_id reason tracking_id"),
    ("sessions", "class_attendance_sessions", "session_date status scheduled_hours notes "
     "captured_at created_at updated_at captured_by_id class_id version"),
    ("attendance", "class_attendance_learners", "hours_trained hours_present page_number "
     "created_at updated_at learner_id session_id session_date class_type_subject_id"),
    ("history", "class_attendance_session_history",
     "action status_before status_after reason changed_at changed_by_id session_id"),
    ("changes", "class_attendance_session_history_learners",
     "hours_before hours_after page_before page_after history_id learner_id"),
    ("ledger", "learner_hours_log", "log_date hours_trained hours_present source notes "
     "created_at created_by_id class_id learner_id session_id class_type_subject_id "
     "tracking_id reverses_id"),
    # After the sessions: the trigger that marks planned dates recorded finds no plan
    # rows to update while they load; the plan rows are written with it already.
    ("planned", "class_planned_sessions",
     "session_date slots scheduled_hours blocked_reason recorded class_id"),
]  # fmt: skip


def open_tables(spool: Spool) -> Tables:
    return Tables(**{attr: spool.table(name, columns.split()) for attr, name, columns in TABLES})


def _split(total: int, parts: int, rng, low: float, high: float, minimum: int) -> list[int]:
    """`total` split into `parts` random shares of at least `minimum` (exact sum when
    the minimum allows it)."""
    weights = [rng.uniform(low, high) for _ in range(parts)]
    scale = total / sum(weights)
    shares = [max(minimum, int(w * scale)) for w in weights]
    for i in range(max(0, total - sum(shares))):
        shares[i % parts] += 1
    return shares


def _window(sessions: int, learners: int, pairs: float) -> int:
    """Window length w so that `learners` windows starting uniformly over `sessions`
    sessions (cut off at the end) cover about `pairs` learner-sessions."""
    k, per = sessions, pairs / learners
    disc = k * k - 2 * k * per
    return max(2, round(k - math.sqrt(disc)) if disc > 0 else k)


class Generator:
    def __init__(self, tables: Tables, scale: float, rng, today: datetime.date, cursor):
        self.t, self.rng, self.today = tables, rng, today
        self.goal = targets(scale)
        self.now = timezone.now()
        cursor.execute("SELECT name, id FROM auth_group")
        self.groups = dict(cursor.fetchall())
        self.enrolled: list[tuple[ClassPlan, Enrolled, str]] = []
        self.counts = {"attendance ledger rows": 0, "manual ledger rows": 0}

    def run(self) -> None:
        self._people_and_catalogue()
        n = self.goal["classes"]
        sessions = _split(self.goal["sessions"], n, self.rng, 0.6, 1.4, 8)
        sessions[0] = max(sessions[0], TWO_YEAR_SESSIONS)
        learners = _split(self.goal["learners"], n, self.rng, 0.5, 1.5, 2)
        per_session = self.goal["ledger"] * ATTENDANCE_SHARE / sum(sessions) / CAPTURED_SHARE
        for index in range(n):
            self._class(index, sessions[index], learners[index], per_session)
        self._manual_rows()
        self._progressions()

    def _people_and_catalogue(self) -> None:
        t, now, rng = self.t, self.now, self.rng
        # One hash for every bench user: hashing 200 passwords would take a minute.
        password = make_password(PASSWORD)

        def add_user(username, first, last, staff, group):
            email = f"{username}@example.org"
            user_id = t.users.add(
                password, None, False, username, first, last, email, staff, True, now
            )
            if group in self.groups:
                t.groups.add(user_id, self.groups[group])
            return user_id

        self.admin_id = add_user(ADMIN_USERNAME, "Ayesha", "Patel", True, OFFICE_ADMINS)
        self.facilitators = [
            add_user(
                FACILITATOR_USERNAME.format(i),
                rng.choice(FIRST_NAMES),
                rng.choice(SURNAMES),
                False,
                FACILITATORS,
            )
            for i in range(max(1, math.ceil(self.goal["classes"] / CLASSES_PER_FACILITATOR)))
        ]
        self.clients = [
            t.clients.add(f"Bench client {i} (Pty) Ltd", f"training{i}@example.org", now, now)
            for i in range(max(1, self.goal["classes"] // 20))
        ]
        self.programmes = []
        for i, name in enumerate(
            [
                "Business English",
                "Numeracy",
                "Communication",
                "Literacy",
                "Skills Programme",
                "Supervisory Management",
            ]
        ):
            type_id = t.class_types.add(f"BEN{i}", name, i == 1, now)
            for level, (hours, pages) in enumerate([(60, 80), (80, 120), (120, 180), (160, 240)]):
                programme_id = t.programmes.add(
                    f"BEN{i}-L{level + 1}", f"{name} Level {level + 1}", hours, pages, now, type_id
                )
                self.programmes.append((programme_id, pages, type_id))

    def _class(self, index: int, recorded: int, learners: int, per_session: float) -> None:
        t, rng, now = self.t, self.rng, self.now
        two_year = index == 0
        stopped = not two_year and rng.random() < 0.1
        weekdays = (
            [rng.randrange(5)] if two_year else rng.sample(range(5), rng.choice([1, 2, 2, 3]))
        )
        plan = ClassPlan(
            index=index,
            code=f"BEN-{index:05d}",
            programme=rng.choice(self.programmes),
            facilitator_id=self.facilitators[index // CLASSES_PER_FACILITATOR],
            stopped=stopped,
            weekdays=sorted(weekdays),
            pattern="weekly" if two_year or rng.random() < 0.85 else "biweekly",
            slots=ONE_SLOT if rng.random() < 0.7 else TWO_SLOTS,
            recorded=recorded,
            pending=0 if stopped else PENDING_PER_CLASS,
            learners=learners,
            window=_window(recorded, learners, per_session * recorded),
        )
        # A stopped class stopped some time ago; an active one is recording up to today.
        last_day = self.today - datetime.timedelta(days=rng.randint(30, 400) if stopped else 0)
        plan_dates(plan, rng, last_day)
        client_id = rng.choice(self.clients)
        status = "stopped" if stopped else "active"
        stop_date = plan.dates[-1] if stopped else None
        plan.class_id = t.classes.add_with_id(
            plan.code,
            rng.choice(SITES),
            status,
            stop_date,
            now,
            now,
            client_id,
            plan.facilitator_id,
            plan.programme[0],
        )
        if rng.random() < 0.15 and len(self.facilitators) > 1:
            backup = rng.choice([f for f in self.facilitators if f != plan.facilitator_id])
            t.backups.add(backup, plan.class_id)
        assert plan.start is not None  # plan_dates sets it
        started = captured_at(plan.start - datetime.timedelta(days=7))
        t.status_history.add(
            "", "active", None, "Class started", started, self.admin_id, plan.class_id
        )
        if stopped:
            t.status_history.add(
                "active",
                "stopped",
                stop_date,
                "Contract ended",
                captured_at(plan.dates[-1]),  # the stop date
                self.admin_id,
                plan.class_id,
            )
        schedule_id = t.schedules.add(
            plan.pattern, plan.start, plan.end, None, None, now, now, plan.class_id
        )
        for weekday in plan.weekdays:
            for begin, end in plan.slots:
                t.slots.add(weekday, begin, end, schedule_id)
        for day, reason in sorted(plan.exceptions.items()):
            t.exceptions.add(day, reason, schedule_id)

        enrolled = plan_windows(plan, rng, t.learners.reserve, t.progressions.reserve)
        for e in enrolled:
            first, joined = rng.choice(FIRST_NAMES), plan.dates[e.first]
            t.learners.add(
                first,
                rng.choice(SURNAMES),
                f"{8001015000000 + e.learner_id:013d}",
                None,
                rng.choice(["african", "coloured", "indian", "white"]),
                rng.choice(["female", "male"]),
                now,
                now,
                client_id,
                row_id=e.learner_id,
            )
            outcome = "enrolled" if e.open else rng.choice(["completed"] * 4 + ["withdrawn"])
            left = None if e.open else plan.dates[e.last]
            t.enrolments.add(joined, left, outcome, now, now, plan.class_id, e.learner_id)
            self.enrolled.append((plan, e, outcome))
        self.counts["attendance ledger rows"] += write_sessions(plan, enrolled, rng, t)
        write_plan(plan, t.planned)

    def _manual_rows(self) -> None:
        """Manual entries (catch-up lessons) up to the exact ledger total; every 40th
        is reversed (logged twice, taken back by appending its negative)."""
        t, rng = self.t, self.rng
        missing = self.goal["ledger"] - self.counts["attendance ledger rows"]
        written = 0
        while written < missing:
            plan, e, _ = rng.choice(self.enrolled)
            day = plan.dates[rng.randint(e.first, e.last)]
            trained = rng.choice([2, 4, 6, 8])
            present = rng.randint(0, trained)
            args = (plan.class_id, e.learner_id, None, plan.programme[0], e.progression_id)
            at = captured_at(day)
            row_id = t.ledger.add(
                day,
                half_hours(trained),
                half_hours(present),
                "manual",
                "Catch-up lesson",
                at,
                self.admin_id,
                *args,
                None,
            )
            written += 1
            if written % 40 == 0 and written < missing:
                t.ledger.add(
                    day,
                    half_hours(-trained),
                    half_hours(-present),
                    "manual",
                    "Logged twice",
                    at,
                    self.admin_id,
                    *args,
                    row_id,
                )
                written += 1
            else:
                e.trained += trained
                e.present += present
        self.counts["manual ledger rows"] = written

    def _progressions(self) -> None:
        """One progression per enrolment, with its status history as the services
        write it: in progress from the first session; a learner who left completed
        it, or put it on hold, on their last session (so every session they were
        credited for was held while it was in progress)."""
        history = self.t.progression_history
        for plan, e, outcome in self.enrolled:
            status = {"enrolled": "in_progress", "completed": "completed"}.get(outcome, "on_hold")
            done = plan.dates[e.last] if status == "completed" else None
            started, left = plan.dates[e.first], plan.dates[e.last]
            history.add(
                "",
                "in_progress",
                started,
                captured_at(started - datetime.timedelta(days=7)),
                None,
                f"Started in class {plan.code}.",
                e.progression_id,
            )
            if status != "in_progress":
                history.add(
                    "in_progress",
                    status,
                    left,
                    captured_at(left),
                    self.admin_id,
                    "",
                    e.progression_id,
                )
            self.t.progressions.add(
                half_hours(e.trained),
                half_hours(e.present),
                status,
                plan.dates[e.first],
                done,
                "",
                self.now,
                self.now,
                plan.class_id,
                e.learner_id,
                self.admin_id if done else None,
                plan.programme[0],
                row_id=e.progression_id,
            )


def seed(*, scale: float, random_seed: int = 2026, log=print) -> dict[str, int]:
    """Load the data set into the (class-free) default database; return row counts."""
    if Class.objects.exists():
        raise ValueError("The bench seed loads into a database without classes; this one has some.")
    started = time.monotonic()
    with transaction.atomic(), connection.cursor() as cursor:
        spool = Spool(cursor)
        try:
            tables = open_tables(spool)
            generator = Generator(
                tables, scale, random.Random(random_seed), timezone.localdate(), cursor
            )
            generator.run()
            log(f"generated in {time.monotonic() - started:.1f} s; loading")
            counts = spool.load(lambda name, rows: log(f"  {name}: {rows:,} rows"))
        finally:
            spool.cleanup()
    log(f"loaded in {time.monotonic() - started:.1f} s; vacuum and analyze")
    with connection.cursor() as cursor:
        # Freshly copied rows have no visibility hints yet: without this the first
        # queries to read them would also write them, and the planner has no statistics.
        # (Inside a transaction, as in tests, only ANALYZE can run.)
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (FREEZE, ANALYZE)")
    log(f"ready in {time.monotonic() - started:.1f} s")
    return counts | generator.counts
