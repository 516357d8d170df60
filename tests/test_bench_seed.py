"""The bench data set (python -m bench seed) is consistent the way the app keeps data:
sessions on dates their schedules produce, rosters from enrolment dates, one
attendance and one ledger row per roster learner, totals equal to the ledger."""

import ast
import io
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from bench import seed_command
from bench.seed import PENDING_PER_CLASS, TWO_YEAR_SESSIONS
from classes.ledger_check import check_ledger
from classes.models import AttendanceSession, Class, Enrolment, LearnerAttendance
from classes.schedule import expand
from classes.selectors import enrolled_on, schedule_spec
from progression.models import HoursLog, Progression, ProgressionStatusChange
from progression.selectors import progressions_in_progress_on
from tests.conftest import NOW

SCALE = 0.002  # 4 classes, 80 learners, 600 sessions, 2,000 ledger rows


@pytest.fixture
def seeded(db, time_machine):
    # The seeder dates everything from today (classes recording up to today, sessions
    # waiting since): pinned, so the public holidays and month ends it meets are always
    # the same ones, and a run at midnight does not change "today" halfway.
    time_machine.move_to(NOW, tick=False)
    out = io.StringIO()
    assert seed_command.main([f"--scale={SCALE}"], out=out) == 0
    return out.getvalue()


def test_the_counts_are_those_asked_for(seeded):
    assert Class.objects.count() == 4
    assert AttendanceSession.objects.count() == 600
    assert HoursLog.objects.count() == 2000
    assert Enrolment.objects.values("learner").distinct().count() == 80
    assert "2,000 hours-log rows" in seeded


def test_the_ledger_check_is_clean_and_rules_hold(seeded):
    assert check_ledger().clean
    # At most one progression in progress per learner (the database holds it too).
    assert (
        not Progression.objects.filter(status="in_progress")
        .values("learner")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    sources = Counter(HoursLog.objects.values_list("source", flat=True))
    assert sources["attendance"] > 0.8 * 2000  # the rest: manual entries
    assert HoursLog.objects.filter(reverses__isnull=False).count() <= sources["manual"]


def test_sessions_are_on_dates_the_schedule_produces_with_the_roster_of_that_date(seeded):
    for klass in Class.objects.all():
        spec = schedule_spec(klass)
        open_dates = {p.date for p in expand(spec) if not p.blocked}
        sessions = list(klass.sessions.all())
        assert {s.session_date for s in sessions} <= open_dates
        for session in sessions[:: max(1, len(sessions) // 15)]:
            roster = set(
                klass.enrolments.filter(enrolled_on(session.session_date)).values_list(
                    "learner_id", flat=True
                )
            )
            recorded = set(
                LearnerAttendance.objects.filter(session=session).values_list(
                    "learner_id", flat=True
                )
            )
            assert recorded == (roster if session.status == "captured" else set())


def test_active_classes_leave_sessions_to_capture_and_class_zero_spans_two_years(seeded):
    first = Class.objects.get(code="BEN-00000")
    assert first.sessions.count() >= TWO_YEAR_SESSIONS
    span = first.sessions.latest("session_date").session_date - first.schedule.start_date
    assert span.days > 730
    today = timezone.localdate()
    for klass in Class.objects.filter(status="active"):
        recorded = set(klass.sessions.values_list("session_date", flat=True))
        waiting = [
            p.date
            for p in expand(schedule_spec(klass))
            if not p.blocked and p.date <= today and p.date not in recorded
        ]
        assert len(waiting) == PENDING_PER_CLASS


def test_status_histories_agree_with_the_progressions_and_their_ledger(seeded):
    progressions = Progression.objects.all()
    latest = {}
    for change in ProgressionStatusChange.objects.order_by("effective_date", "id"):
        latest[change.progression_id] = change.new_status
    assert latest == {p.pk: p.status for p in progressions}
    # Every session's hours went to a progression in progress on the session date.
    rows = HoursLog.objects.filter(session__isnull=False).order_by("pk")
    for row in rows[:: max(1, rows.count() // 40)]:
        found = progressions_in_progress_on(
            learner_ids=[row.learner_id], programme_id=row.programme_id, day=row.log_date
        )
        assert found[row.learner_id].pk == row.progression_id, row


def test_a_database_with_classes_is_refused(seeded, capsys):
    with pytest.raises(SystemExit) as refused:
        seed_command.main(["--scale=0.001"], out=io.StringIO())
    assert refused.value.code == 2
    assert "without classes" in capsys.readouterr().err


def test_no_product_module_imports_the_bench():
    """The bench sits outside the product: it imports the apps, never the reverse
    (its seed command is `python -m bench seed`, not a management command)."""
    root = Path(settings.BASE_DIR)
    found = []
    apps = ("attendance_project", "classes", "learners", "progression", "reports", "submissions")
    for app in apps:
        for path in sorted((root / app).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text())):
                names = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom):
                    names = [node.module or ""]
                if any(name.split(".")[0] == "bench" for name in names):
                    found.append(f"{path.relative_to(root)}:{node.lineno}")
    assert found == []


def test_every_class_has_its_stored_plan(seeded):
    from classes.models import PlannedSessionRow
    from classes.plan_check import check_plans

    assert check_plans() == []
    assert PlannedSessionRow.objects.filter(recorded=True).count() == 600
