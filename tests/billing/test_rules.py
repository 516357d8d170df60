"""The pay rules, table-driven (issue 14): each outcome, each status, all absent, the
cancellation policy's edges, and the money of a line."""

import datetime
from decimal import Decimal

import pytest

from billing.rules import (
    DEFAULT_RULES,
    Outcome,
    Pays,
    bill_amount,
    pay_amount,
    payable_hours,
    session_outcome,
)
from tests.conftest import SAST

START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=SAST)
H = datetime.timedelta(hours=1)


@pytest.mark.parametrize(
    ("status", "present", "recorded_at", "notice", "expected"),
    [
        ("pending", Decimal("0"), START, 24, None),
        ("captured", Decimal("3"), START + 4 * H, 24, Outcome.CAPTURED),
        ("captured", Decimal("0.5"), START + 4 * H, 24, Outcome.CAPTURED),
        ("captured", Decimal("0"), START + 4 * H, 24, Outcome.ALL_ABSENT),
        ("agent_absent", Decimal("0"), START, 24, Outcome.AGENT_ABSENT),
        # Cancellations: recorded less than `notice` hours before the start are late.
        ("client_cancelled", Decimal("0"), START + H, 24, Outcome.CLIENT_CANCELLED_LATE),
        ("client_cancelled", Decimal("0"), START, 24, Outcome.CLIENT_CANCELLED_LATE),
        ("client_cancelled", Decimal("0"), START - 23 * H, 24, Outcome.CLIENT_CANCELLED_LATE),
        (
            "client_cancelled",
            Decimal("0"),
            START - 24 * H + datetime.timedelta(seconds=1),
            24,
            Outcome.CLIENT_CANCELLED_LATE,
        ),
        # Exactly the notice period before the start is in time.
        ("client_cancelled", Decimal("0"), START - 24 * H, 24, Outcome.CLIENT_CANCELLED),
        ("client_cancelled", Decimal("0"), START - 48 * H, 24, Outcome.CLIENT_CANCELLED),
        ("client_cancelled", Decimal("0"), START - H, 2, Outcome.CLIENT_CANCELLED_LATE),
        ("client_cancelled", Decimal("0"), START - 2 * H, 2, Outcome.CLIENT_CANCELLED),
        # A policy of 0 hours: a cancellation is never late, even after the start.
        ("client_cancelled", Decimal("0"), START + 5 * H, 0, Outcome.CLIENT_CANCELLED),
    ],
)
def test_the_outcome_of_each_status(status, present, recorded_at, notice, expected):
    outcome = session_outcome(
        status=status,
        hours_present=present,
        starts_at=START,
        recorded_at=recorded_at,
        notice_hours=notice,
    )
    assert outcome == expected


@pytest.mark.parametrize(
    ("outcome", "paid"),
    [
        (Outcome.CAPTURED, Decimal("3.0")),
        (Outcome.ALL_ABSENT, Decimal("1.0")),
        (Outcome.AGENT_ABSENT, Decimal("0")),
        (Outcome.CLIENT_CANCELLED_LATE, Decimal("3.0")),
        (Outcome.CLIENT_CANCELLED, Decimal("0")),
    ],
)
def test_the_default_rules_pay(outcome, paid):
    hours = payable_hours(
        pays=DEFAULT_RULES[outcome],
        scheduled_hours=Decimal("3.0"),
        travel_allowance_hours=Decimal("1.0"),
    )
    assert hours == paid


def test_every_outcome_has_a_default_rule():
    assert set(DEFAULT_RULES) == set(Outcome)
    assert set(DEFAULT_RULES.values()) <= set(Pays)


@pytest.mark.parametrize(
    ("basis", "rate", "hours", "scheduled", "amount"),
    [
        ("hourly", "250.00", "3.0", "3.0", "750.00"),
        ("hourly", "250.00", "1.0", "3.0", "250.00"),
        ("hourly", "199.99", "2.5", "2.5", "499.98"),  # 499.975: the half cent up
        ("hourly", "250.00", "0", "3.0", "0.00"),
        ("daily", "900.00", "3.0", "3.0", "900.00"),
        ("daily", "900.00", "1.0", "3.0", "300.00"),  # a travel allowance: a third
        ("daily", "1000.00", "1.0", "3.0", "333.33"),
        ("daily", "900.00", "0", "3.0", "0.00"),
    ],
)
def test_pay_amounts(basis, rate, hours, scheduled, amount):
    assert pay_amount(
        basis=basis, rate=Decimal(rate), hours=Decimal(hours), scheduled_hours=Decimal(scheduled)
    ) == Decimal(amount)


@pytest.mark.parametrize(
    ("basis", "rate", "hours", "amount"),
    [
        ("hourly", "40.00", "3.0", "120.00"),
        ("hourly", "40.00", "-3.0", "-120.00"),
        ("daily", "150.00", "3.0", "150.00"),
        ("daily", "150.00", "0", "0"),
    ],
)
def test_bill_amounts(basis, rate, hours, amount):
    assert bill_amount(basis=basis, rate=Decimal(rate), hours=Decimal(hours)) == Decimal(amount)


@pytest.mark.django_db
def test_every_migrate_restores_missing_pay_rules_and_keeps_changed_ones():
    from django.core.management import call_command

    from billing.models import PayRule

    PayRule.objects.filter(outcome="captured").delete()
    PayRule.objects.filter(outcome="agent_absent").update(pays="scheduled_hours")

    call_command("migrate", verbosity=0)

    assert dict(PayRule.objects.values_list("outcome", "pays")) == {
        **{outcome.value: pays.value for outcome, pays in DEFAULT_RULES.items()},
        "agent_absent": "scheduled_hours",
    }
