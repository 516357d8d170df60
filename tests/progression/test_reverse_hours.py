"""ProgressionService.reverse_hours / correct_hours and the ops command built on them."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from classes.selectors import session_facts
from progression.models import HoursLog, Progression
from progression.services import (
    NOT_REVERSIBLE,
    REASON_REQUIRED,
    UNKNOWN_ROW,
    InvalidHours,
    ProgressionService,
)
from tests.factories import AttendanceSessionFactory, EnrolmentFactory

pytestmark = pytest.mark.usefixtures("ledger_checked")


@pytest.fixture
def learner(klass):
    return EnrolmentFactory(klass=klass).learner


def totals(learner):
    p = Progression.objects.get(learner=learner)
    return p.hours_trained, p.hours_present


def test_reversing_appends_a_negative_row_and_moves_the_totals_back(learner, admin_user):
    keep = ProgressionService.log_hours(learner, 3, 2)
    wrong = ProgressionService.log_hours(learner, 5, 5)

    (reversal,) = ProgressionService.reverse_hours(
        row_ids=[wrong.pk], reason="Logged twice", created_by=admin_user
    )

    assert (reversal.hours_trained, reversal.hours_present) == (-5, -5)
    assert (reversal.reverses_id, reversal.notes, reversal.created_by) == (
        wrong.pk,
        "Logged twice",
        admin_user,
    )
    assert reversal.log_date == wrong.log_date
    assert totals(learner) == (3, 2)
    assert HoursLog.objects.filter(pk__in=[keep.pk, wrong.pk]).count() == 2  # nothing removed


def test_correct_hours_reverses_and_relogs(learner, admin_user):
    row = ProgressionService.log_hours(learner, 3, 3)
    created = ProgressionService.correct_hours(
        new_hours={row.pk: (Decimal("3"), Decimal("1.5"))},
        reason="Left early",
        created_by=admin_user,
    )
    assert [(r.hours_trained, r.hours_present, r.reverses_id) for r in created] == [
        (-3, -3, row.pk),
        (3, Decimal("1.5"), None),
    ]
    assert totals(learner) == (3, Decimal("1.5"))


@pytest.mark.parametrize(
    ("make_ids", "reason", "message"),
    [
        (lambda row, rev: [row.pk], " ", REASON_REQUIRED),
        (lambda row, rev: [987654], "x", UNKNOWN_ROW.format(row_id=987654)),
        (lambda row, rev: [row.pk], "x", NOT_REVERSIBLE.format(row_id="{row}")),
        (lambda row, rev: [rev.pk], "x", NOT_REVERSIBLE.format(row_id="{rev}")),
    ],
)
def test_what_cannot_be_reversed(learner, admin_user, make_ids, reason, message):
    row = ProgressionService.log_hours(learner, 3, 3)
    (rev,) = ProgressionService.reverse_hours(
        row_ids=[row.pk], reason="first", created_by=admin_user
    )
    before = (HoursLog.objects.count(), totals(learner))
    with pytest.raises(InvalidHours) as caught:
        ProgressionService.reverse_hours(row_ids=make_ids(row, rev), reason=reason, created_by=None)
    assert caught.value.message == message.format(row=row.pk, rev=rev.pk)
    assert (HoursLog.objects.count(), totals(learner)) == before


def test_the_ops_command_reverses_manual_rows_and_refuses_session_rows(learner, klass, admin_user):
    manual = ProgressionService.log_hours(learner, 4, 4)
    session = AttendanceSessionFactory(klass=klass)
    attendance = ProgressionService.log_hours(
        learner, 3, 3, "attendance", session=session_facts(session)
    )
    out = StringIO()

    call_command(
        "reverse_hours", str(manual.pk), reason="Ticket 42", by=admin_user.username, stdout=out
    )

    assert f"entry {manual.pk} reversed by entry" in out.getvalue()
    assert totals(learner) == (3, 3)
    with pytest.raises(CommandError, match="correct or void that session"):
        call_command("reverse_hours", str(attendance.pk), reason="x", by=admin_user.username)
    with pytest.raises(CommandError, match="No user"):
        call_command("reverse_hours", str(manual.pk), reason="x", by="nobody")
