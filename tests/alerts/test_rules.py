"""The alert rules' pure parts: which reminder is due when, and why a learner is at risk."""

import datetime
from decimal import Decimal

import pytest

from alerts.rules import AGAIN, EVENING, OFFICE, at_risk_reasons, capture_step
from tests.conftest import SAST

MONDAY = datetime.date(2026, 3, 2)


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=SAST)


@pytest.mark.parametrize(
    ("now", "step"),
    [
        (at(2, 17, 59), None),  # the session's day, before the evening
        (at(2, 18, 0), EVENING),  # the evening itself
        (at(4, 17, 59), EVENING),
        (at(4, 18, 0), AGAIN),  # two days later (ALERTS_CAPTURE_AGAIN_DAYS)
        (at(7, 17, 59), AGAIN),
        (at(7, 18, 0), OFFICE),  # five days later (ALERTS_CAPTURE_ESCALATE_DAYS)
        (at(1, 12, month=4), OFFICE),
    ],
)
def test_the_reminder_due_follows_the_evenings_after_the_session(now, step):
    assert capture_step(MONDAY, now) == step


def test_the_steps_cross_a_year_end_and_follow_the_settings(settings):
    settings.ALERTS_EVENING = "20:30"
    settings.ALERTS_CAPTURE_AGAIN_DAYS = 1
    settings.ALERTS_CAPTURE_ESCALATE_DAYS = 3
    new_years_eve = datetime.date(2026, 12, 31)
    evening = datetime.datetime(2026, 12, 31, 20, 30, tzinfo=SAST)
    assert capture_step(new_years_eve, evening - datetime.timedelta(seconds=1)) is None
    assert capture_step(new_years_eve, evening) == EVENING
    assert capture_step(new_years_eve, evening + datetime.timedelta(days=1)) == AGAIN
    assert capture_step(new_years_eve, evening + datetime.timedelta(days=3)) == OFFICE


@pytest.mark.parametrize(
    ("projection", "attendance", "minimum", "expected"),
    [
        (False, Decimal("80.0"), None, []),
        (False, Decimal("80.0"), Decimal("80.0"), []),  # at the minimum is not below it
        (False, Decimal("79.9"), Decimal("80.0"), ["attendance 79.9% is below"]),
        (False, None, Decimal("80.0"), []),  # no hours yet: no rate to judge
        (True, Decimal("90.0"), Decimal("80.0"), ["cannot reach the 120 allocated hours"]),
        (True, Decimal("50.0"), Decimal("80.0"), ["cannot reach", "attendance 50.0%"]),
    ],
)
def test_a_learner_is_at_risk_for_each_reason_found(projection, attendance, minimum, expected):
    reasons = at_risk_reasons(
        projection_at_risk=projection,
        attendance=attendance,
        minimum=minimum,
        hours_trained=Decimal("12"),
        allocated=Decimal("120"),
    )
    # One reason per expected phrase, each in its own reason, in order.
    assert len(reasons) == len(expected)
    for reason, words in zip(reasons, expected, strict=True):
        assert words in reason
