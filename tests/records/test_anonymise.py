"""POPIA retention: `manage.py anonymise_learners` (with --dry-run) removes the
identity of learners inactive beyond the limit; hours and totals stay."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from classes.ledger_check import check_ledger
from classes.models import LearnerAttendance
from learners.models import Learner
from progression.models import HoursLog, Progression
from records.anonymise import cutoff
from records.models import AccessLog
from tests.classes.conftest import capture_monday

pytestmark = pytest.mark.usefixtures("ledger_checked")


def run(*args) -> str:
    out = StringIO()
    call_command("anonymise_learners", *args, stdout=out)
    return out.getvalue()


def totals():
    return sorted(Progression.objects.values_list("learner_id", "hours_trained", "hours_present"))


@pytest.fixture
def captured(client_class, own_facilitator):
    """Monday 2 March 2026 captured for the client's class (surname order: Dlamini,
    Mokoena, Nkosi): Mokoena absent with a remark, the others present."""
    klass, learners = client_class
    capture_monday(
        klass,
        own_facilitator,
        hours=("3", "0", "3"),
        pages=("4", "", "6"),
        absences=[("", ""), ("other", "At the clinic with her child"), ("", "")],
    )
    return klass, learners


def test_the_dry_run_lists_the_inactive_learner_and_changes_nothing(captured):
    before = list(Learner.objects.order_by("pk").values())

    out = run("--dry-run", "--years", "5", "--today", "2031-03-03")

    assert "Would anonymise 5 learner(s) with no activity since before 2026-03-03:" in out
    assert "Dlamini" in out
    assert "last activity 2026-03-02" in out
    assert "Dry run: nothing changed." in out
    assert list(Learner.objects.order_by("pk").values()) == before
    assert not AccessLog.objects.exists()
    # A day earlier, the session of 2 March is within the five years: nobody but the
    # other class's learners (enrolled 2 February, no session captured).
    out = run("--dry-run", "--years", "5", "--today", "2031-03-02")
    assert "Would anonymise 2 learner(s)" in out


def test_the_real_run_anonymises_and_keeps_the_hours(captured):
    klass, learners = captured
    hours_before, log_before = totals(), HoursLog.objects.count()
    dlamini = learners["ready"]

    out = run("--years", "5", "--today", "2031-03-03")

    assert "Anonymised 5 learner(s)." in out
    dlamini.refresh_from_db()
    assert (dlamini.first_names, dlamini.surname) == ("Anonymised", f"Learner {dlamini.pk}")
    assert (dlamini.id_number, dlamini.passport_number, dlamini.birth_date) == (None, None, None)
    assert (dlamini.home_language_code, dlamini.seeing_rating) == ("", "")
    assert dlamini.anonymised_at is not None
    # Kept for the aggregates.
    assert (dlamini.equity_code, dlamini.gender_code, dlamini.province_code) == ("BA", "F", "7")
    remark = LearnerAttendance.objects.get(learner=learners["wrong_id"]).absence_remark
    assert remark == "Removed: learner anonymised"
    assert totals() == hours_before
    assert HoursLog.objects.count() == log_before
    assert check_ledger().clean
    assert AccessLog.objects.filter(action="anonymised").count() == 5
    # A second run finds nobody.
    assert "Anonymising 0 learner(s)" in run("--years", "5", "--today", "2031-03-03")
    out = StringIO()
    call_command("check_hours", stdout=out)
    assert "Hours log and totals agree." in out.getvalue()


def test_recent_activity_keeps_a_learner(captured):
    assert "Would anonymise 0 learner(s)" in run("--dry-run", "--today", "2027-03-03")


def test_bad_arguments_are_refused(db):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="--today '2031-02-30': not a date"):
        run("--today", "2031-02-30")
    with pytest.raises(CommandError, match="--years must be at least 1"):
        run("--years", "0")


def test_the_cutoff_of_29_february():
    assert cutoff(today=datetime.date(2032, 2, 29), years=5) == datetime.date(2027, 2, 28)
    assert cutoff(today=datetime.date(2031, 12, 31), years=5) == datetime.date(2026, 12, 31)


def test_activity_since_the_list_was_made_keeps_the_learner(captured):
    from records.anonymise import anonymise

    _, learners = captured
    # Listed as inactive before 2026-03-01, but the 2 March session is after that.
    assert not anonymise(
        learner_id=learners["ready"].pk, by="test", before=datetime.date(2026, 3, 1)
    )
    learners["ready"].refresh_from_db()
    assert learners["ready"].anonymised_at is None


def test_the_admin_history_no_longer_names_the_learner(captured, office_admin):
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType

    _, learners = captured
    dlamini = learners["ready"]
    LogEntry.objects.create(
        user=office_admin,
        content_type=ContentType.objects.get_for_model(Learner),
        object_id=str(dlamini.pk),
        object_repr=str(dlamini),
        action_flag=CHANGE,
    )

    run("--years", "5", "--today", "2031-03-03")

    (entry,) = LogEntry.objects.filter(object_id=str(dlamini.pk))
    assert entry.object_repr == f"Anonymised Learner {dlamini.pk}"


def test_the_alerts_about_the_learner_lose_the_name(captured, office_admin):
    from alerts.models import Alert, Delivery, Rule
    from alerts.rules import progression_subject

    klass, learners = captured
    dlamini = learners["ready"]
    name = str(dlamini)
    alert = Alert.objects.create(
        rule=Rule.AT_RISK,
        subject=progression_subject(Progression.objects.get(learner=dlamini).pk),
        period="1",
        recipient=office_admin,
        klass=klass,
        title=f"{name} ({klass.code}) is at risk",
        body=f"{name} in {klass.code} is at risk: attendance 50 %.",
        link="/",
        delivery=Delivery.EMAIL,
        status=Alert.Status.SENT,
        sent_at=datetime.datetime(2026, 3, 3, 19, 0, tzinfo=datetime.UTC),
    )

    run("--years", "5", "--today", "2031-03-03")

    alert.refresh_from_db()
    assert name not in alert.title + alert.body
    assert alert.title == f"Anonymised Learner {dlamini.pk} ({klass.code}) is at risk"
