"""Statements from the hours (issue 14): lines by the pay rules, totals that are the
sum of their lines, the month close that freezes them, and the adjustment a later
correction makes in the next open month, exactly once."""

import datetime
import hashlib
from decimal import Decimal

import pytest

from billing.models import Statement, StatementLine
from billing.payable import billed_class_hours, captured_hours, client_lines, facilitator_lines
from billing.services import MONTH_NOT_OVER, BillingRefused, close_month
from billing.statements import CLIENT, FACILITATOR, statement_view
from classes.models import AttendanceSession
from classes.services import LearnerEntry, NotAllowed, correct_session, void_session
from classes.services.corrections import MONTH_CLOSED, undo_not_held
from tests.billing.conftest import FEB_2, FEB_4, FEB_9, FEB_11, FEBRUARY, MARCH
from tests.classes.conftest import roster_ids
from tests.conftest import SAST

pytestmark = pytest.mark.usefixtures("ledger_checked")


def pay(klass, facilitator, month=FEBRUARY):
    return statement_view(
        FACILITATOR, client_id=klass.client_id, month=month, facilitator_id=facilitator.pk
    )


def bill(klass, month=FEBRUARY):
    return statement_view(CLIENT, client_id=klass.client_id, month=month)


def test_each_session_is_paid_by_its_rule_and_the_totals_are_the_lines(february, own_facilitator):
    view = pay(february, own_facilitator)

    assert [(line.session_date, line.rule, line.hours, line.amount) for line in view.lines] == [
        (FEB_2, "captured", Decimal("3.0"), Decimal("750.00")),
        (FEB_4, "all_absent", Decimal("1.0"), Decimal("250.00")),
        (FEB_9, "agent_absent", Decimal("0"), Decimal("0")),
        (FEB_11, "client_cancelled_late", Decimal("3.0"), Decimal("750.00")),
    ]
    assert view.adjustments == []
    assert view.hours == sum(line.hours for line in view.lines) == Decimal("7.0")
    assert view.amount == sum(line.amount for line in view.lines) == Decimal("1750.00")


def test_the_client_is_billed_the_hours_the_ledger_credits(february):
    view = bill(february)

    # Every roster learner is trained the hours of both captured sessions.
    assert [(line.learner_id, line.hours, line.days, line.amount) for line in view.lines] == [
        (pk, Decimal("6.00"), 2, Decimal("240.00")) for pk in roster_ids(february)
    ]
    assert view.amount == Decimal("720.00")
    # The billed class hours are the captured ones (one definition, one module).
    assert billed_class_hours(client_id=february.client_id, month=FEBRUARY) == {
        february.pk: Decimal("6.00")
    }
    assert captured_hours(client_id=february.client_id, month=FEBRUARY) == {
        february.pk: Decimal("6.0")
    }


def test_a_session_without_a_rate_card_is_shown_unpriced(scheduled_class, own_facilitator):
    from tests.billing.conftest import capture

    capture(scheduled_class, FEB_2, own_facilitator, ("3", "3", "3"))
    (line,) = facilitator_lines(client_id=scheduled_class.client_id, month=FEBRUARY)
    assert (line.hours, line.amount, line.rate) == (Decimal("3.0"), Decimal("0"), "no rate card")
    assert [
        line.amount for line in client_lines(client_id=scheduled_class.client_id, month=FEBRUARY)
    ] == [0, 0, 0]


def test_a_month_that_has_not_ended_cannot_be_closed(february, office_admin):
    with pytest.raises(BillingRefused) as refused:
        close_month(month=MARCH, closed_by=office_admin)
    assert refused.value.message == MONTH_NOT_OVER.format(month="March 2026", first="1 April 2026")


def test_a_facilitator_cannot_close_a_month(february, own_facilitator):
    with pytest.raises(BillingRefused):
        close_month(month=FEBRUARY, closed_by=own_facilitator)


def stored(statement):
    statement.refresh_from_db()
    lines = list(statement.lines.order_by("id").values_list("key", "hours", "amount"))
    return (statement.hours, statement.amount, statement.checksum, bytes(statement.pdf), lines)


def test_a_correction_after_the_close_is_one_adjustment_next_month(
    february, own_facilitator, office_admin, time_machine
):
    close_month(month=FEBRUARY, closed_by=office_admin)
    closed_pay = Statement.objects.get(kind=FACILITATOR, month=FEBRUARY)
    closed_bill = Statement.objects.get(kind=CLIENT, month=FEBRUARY)
    before = stored(closed_pay), stored(closed_bill)
    assert closed_pay.checksum == hashlib.sha256(bytes(closed_pay.pdf)).hexdigest()
    assert (closed_pay.hours, closed_pay.amount) == (Decimal("7.00"), Decimal("1750.00"))
    assert not pay(february, own_facilitator).adjusted_later

    # The office voids 2 February: its 3 hours are reversed for everyone.
    void_session(klass=february, session_date=FEB_2, voided_by=office_admin, reason="Wrong class")

    # The closed month says what it said, and that it was adjusted later.
    assert (stored(closed_pay), stored(closed_bill)) == before
    february_view = pay(february, own_facilitator)
    assert february_view.closed
    assert february_view.adjusted_later
    assert february_view.amount == Decimal("1750.00")
    # March carries exactly one adjustment for it, shown as such.
    march = pay(february, own_facilitator, MARCH)
    assert [(a.key, a.for_month, a.hours, a.amount) for a in march.adjustments] == [
        (
            f"session:{AttendanceSession.objects.get(session_date=FEB_2).pk}",
            FEBRUARY,
            Decimal("-3.0"),
            Decimal("-750.00"),
        )
    ]
    assert march.adjustments[0].description.startswith("Adjustment for February 2026 (")
    assert "2026-02-02): closed with 3 h paid or billed" in march.adjustments[0].description
    assert march.adjustments[0].session_date == FEB_2
    assert [(a.hours, a.amount) for a in bill(february, MARCH).adjustments] == [
        (Decimal("-3.00"), Decimal("-120.00"))
    ] * 3

    # March closes with its adjustment; April owes nothing more for February.
    time_machine.move_to(datetime.datetime(2026, 4, 1, 8, 0, tzinfo=datetime.UTC), tick=False)
    close_month(month=MARCH, closed_by=office_admin)
    frozen = Statement.objects.get(kind=FACILITATOR, month=MARCH)
    assert list(frozen.lines.values_list("kind", "for_month", "amount")) == [
        (StatementLine.Kind.ADJUSTMENT, FEBRUARY, Decimal("-750.00"))
    ]
    assert frozen.amount == Decimal("-750.00")
    april = pay(february, own_facilitator, datetime.date(2026, 4, 1))
    assert april.adjustments == []
    assert april.lines == []
    assert (stored(closed_pay), stored(closed_bill)) == before


def test_facilitators_cannot_change_a_closed_month_office_admins_can(
    february, own_facilitator, office_admin
):
    close_month(month=FEBRUARY, closed_by=office_admin)
    session = AttendanceSession.objects.get(session_date=FEB_2)
    entries = [LearnerEntry(pk, "3", "") for pk in roster_ids(february)]

    with pytest.raises(NotAllowed) as refused:
        correct_session(
            klass=february,
            session_date=FEB_2,
            corrected_by=own_facilitator,
            entries=entries,
            reason="All were there",
            expected_version=session.version,
        )
    assert refused.value.message == MONTH_CLOSED.format(month="February 2026")
    with pytest.raises(NotAllowed):
        undo_not_held(
            klass=february,
            session_date=FEB_9,
            undone_by=own_facilitator,
            reason="It was held",
            expected_version=AttendanceSession.objects.get(session_date=FEB_9).version,
        )

    correct_session(
        klass=february,
        session_date=FEB_2,
        corrected_by=office_admin,
        entries=entries,
        reason="All were there",
        expected_version=session.version,
    )
    # Hours present changed (4.5 to 9 in all); what is paid and billed did not (3
    # scheduled hours, 3 trained each): the adjustments say so, with no money.
    (adjustment,) = pay(february, own_facilitator, MARCH).adjustments
    assert (adjustment.hours, adjustment.present, adjustment.amount) == (0, Decimal("4.5"), 0)
    assert "4.5 h present" in adjustment.description
    assert [(a.hours, a.present, a.amount) for a in bill(february, MARCH).adjustments] == [
        (0, Decimal("1.5"), 0),
        (0, Decimal("3"), 0),
    ]


@pytest.mark.parametrize(
    ("moment", "closes"),
    [
        (datetime.datetime(2026, 2, 28, 23, 59, tzinfo=SAST), False),
        (datetime.datetime(2026, 3, 1, 0, 0, tzinfo=SAST), True),
    ],
)
def test_a_month_closes_from_the_first_of_the_next_in_the_site_time(
    february, office_admin, time_machine, moment, closes
):
    time_machine.move_to(moment, tick=False)
    if closes:
        assert close_month(month=FEBRUARY, closed_by=office_admin)
    else:
        with pytest.raises(BillingRefused):
            close_month(month=FEBRUARY, closed_by=office_admin)


def test_nobody_reviews_their_own_claim(february, office_admin):
    from billing.services import OWN_CLAIM, review_claim, submit_claim
    from tests.factories import FacilitatorRateFactory

    # An office admin who also teaches the class claims for their own sessions.
    february.facilitator = office_admin
    february.save(update_fields=["facilitator"])
    FacilitatorRateFactory(klass=february, facilitator=office_admin)
    submit_claim(
        facilitator=office_admin,
        client_id=february.client_id,
        month=FEBRUARY,
        claimed_hours=Decimal("7"),
        notes="",
        expected_step=0,
    )
    with pytest.raises(BillingRefused) as refused:
        review_claim(
            reviewer=office_admin,
            facilitator_id=office_admin.pk,
            client_id=february.client_id,
            month=FEBRUARY,
            approve=True,
            notes="",
            expected_step=1,
        )
    assert refused.value.message == OWN_CLAIM


def test_a_changed_rule_prices_and_names_the_line_and_the_close_keeps_its_words(
    february, own_facilitator, office_admin
):
    from billing.models import PayRule

    PayRule.objects.filter(outcome="agent_absent").update(pays="scheduled_hours")
    line = next(line for line in pay(february, own_facilitator).lines if line.session_date == FEB_9)
    assert (line.hours, line.amount) == (Decimal("3.0"), Decimal("750.00"))
    assert line.rule_label == "Facilitator absent: the scheduled hours are paid"

    close_month(month=FEBRUARY, closed_by=office_admin)
    PayRule.objects.filter(outcome="agent_absent").update(pays="nothing")
    closed = next(x for x in pay(february, own_facilitator).lines if x.session_date == FEB_9)
    assert closed.rule_label == "Facilitator absent: the scheduled hours are paid"
    # Changing the rule back after the close changes February's figures of today, so
    # March carries the difference, priced by the rule as it is now.
    (adjustment,) = pay(february, own_facilitator, MARCH).adjustments
    assert (adjustment.hours, adjustment.amount) == (Decimal("-3.0"), Decimal("-750.00"))
    assert adjustment.rule_label == "Facilitator absent: not paid"
