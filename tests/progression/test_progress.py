"""The one definition of progress (DESIGN §2)."""

from decimal import Decimal

import pytest

from progression.progress import (
    attendance_percent,
    overage_hours,
    page_percent,
    percent,
    progress_percent,
    progress_shown,
)

D = Decimal


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (D("30"), D("120"), D("25.0")),
        (D("1"), D("3"), D("33.3")),
        (D("2"), D("3"), D("66.7")),
        (D("0.5"), D("8"), D("6.3")),  # 6.25 rounds half up
        (D("0"), D("120"), D("0.0")),
        (D("5"), D("0"), None),
        (None, D("3"), None),
    ],
)
def test_percent_rounds_half_up_to_one_place(part, whole, expected):
    assert percent(part, whole) == expected


def test_progress_is_capped_when_shown_but_not_for_the_overage():
    assert progress_percent(D("150"), D("120")) == D("125.0")
    assert progress_shown(D("150"), D("120")) == D("100")
    assert progress_shown(D("60"), D("120")) == D("50.0")
    assert overage_hours(D("150"), D("120")) == D("30")
    assert overage_hours(D("60"), D("120")) == D("0")


def test_attendance_and_page_progress():
    assert attendance_percent(D("7.5"), D("10")) == D("75.0")
    assert attendance_percent(D("0"), D("0")) is None
    assert page_percent(45, 180) == D("25.0")
    assert page_percent(None, 180) is None
