"""manage.py check_hours: rule 10 over the whole database, and --fix."""

import datetime
import os
import subprocess
import sys
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from classes.services import LearnerEntry, capture_session
from progression.models import Progression
from progression.services import put_on_hold
from tests.classes.conftest import MONDAY, capture_monday, roster_ids
from tests.database import database_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def captured(scheduled_class, own_facilitator):
    return capture_monday(scheduled_class, own_facilitator, ("2",) * 3, ("4",) * 3)


def run(*args):
    from io import StringIO

    out = StringIO()
    call_command("check_hours", *args, stdout=out)
    return out.getvalue()


def test_consistent_data_passes(captured):
    assert "Hours log and totals agree." in run()


def test_a_total_tampered_with_in_sql_is_named_and_fixed(captured):
    progression = Progression.objects.order_by("pk").first()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE learner_lp_tracking SET hours_present = hours_present + 1 WHERE id = %s",
            [progression.pk],
        )

    with pytest.raises(CommandError, match="1 progression"):
        run()

    fixed = run("--fix")
    assert f"fixed progression {progression.pk}: trained 3.00 → 3.00, present 3.00 → 2.00" in fixed
    assert "Hours log and totals agree." in fixed
    progression.refresh_from_db()
    assert progression.hours_present == 2
    assert "Hours log and totals agree." in run()


def test_an_attendance_row_without_its_hours_is_a_mismatch(captured):
    # Simulate a lost ledger write: an attendance row for a learner the ledger never saw
    # while other learners of the session were credited.
    learner_id = roster_ids(captured.klass)[0]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE class_attendance_learners SET hours_present = 1"
            " WHERE session_id = %s AND learner_id = %s",
            [captured.pk, learner_id],
        )
    with pytest.raises(CommandError, match="1 attendance row"):
        run()


def test_an_attendance_row_whose_copied_date_differs_from_its_session_is_named(captured):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE class_attendance_learners SET session_date = session_date - 7"
            " WHERE session_id = %s RETURNING id",
            [captured.pk],
        )
        ids = sorted(pk for (pk,) in cursor.fetchall())
    call = StringIO()

    with pytest.raises(CommandError, match="3 attendance row\\(s\\) do not match their session"):
        call_command("check_hours", stdout=call)
    assert f"ids {ids}" in call.getvalue()


def hold_from_sunday(learner_id, admin_user):
    """The learner's programme on hold from the day before Monday: Monday's hours
    cannot be credited to it."""
    put_on_hold(
        progression=Progression.objects.get(learner_id=learner_id),
        effective_date=datetime.date(2026, 3, 1),
        changed_by=admin_user,
    )


def test_not_credited_rows_are_reported_but_not_errors(
    scheduled_class, own_facilitator, admin_user
):
    hold_from_sunday(roster_ids(scheduled_class)[0], admin_user)
    capture_session(
        klass=scheduled_class,
        session_date=MONDAY,
        recorded_by=own_facilitator,
        entries=[LearnerEntry(pk, "2", "4") for pk in roster_ids(scheduled_class)],
    )
    output = run()
    assert "1 attendance rows are not credited yet" in output
    assert "Hours log and totals agree." in output


@pytest.mark.django_db(transaction=True)
def test_the_command_exits_non_zero_from_the_shell_and_zero_after_fix(captured):
    def check(*args):
        env = os.environ | {"DATABASE_URL": database_url()}
        return subprocess.run(
            [sys.executable, "manage.py", "check_hours", *args],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )

    assert check().returncode == 0
    progression = Progression.objects.order_by("pk").first()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE learner_lp_tracking SET hours_trained = 99 WHERE id = %s", [progression.pk]
        )
    failing = check()
    assert failing.returncode == 1
    assert f"progression {progression.pk} ({progression.learner}" in failing.stdout
    assert check("--fix").returncode == 0
    assert check().returncode == 0


def test_a_recapture_after_a_void_without_a_programme_is_not_credited_not_a_mismatch(
    scheduled_class, own_facilitator, admin_user
):
    from classes.services import void_session

    capture_monday(scheduled_class, own_facilitator)
    void_session(klass=scheduled_class, session_date=MONDAY, voided_by=admin_user, reason="Redo")
    hold_from_sunday(roster_ids(scheduled_class)[0], admin_user)
    capture_monday(scheduled_class, own_facilitator)

    output = run()
    assert "1 attendance rows are not credited yet" in output
    assert "Hours log and totals agree." in output
