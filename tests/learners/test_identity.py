"""SA ID numbers: 13 digits, a date of birth, the citizenship digit, the check digit."""

import datetime

import pytest

from learners.identity import (
    BAD_CHECK_DIGIT,
    BAD_CITIZENSHIP,
    NO_SUCH_DATE,
    NOT_13_DIGITS,
    birth_date_of,
    id_number_problem,
    with_check_digit,
)

TODAY = datetime.date(2026, 12, 31)


def test_a_valid_number_passes():
    assert id_number_problem("8001015009087", today=TODAY) is None


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("8001015009088", BAD_CHECK_DIGIT),
        ("8013015009087", NO_SUCH_DATE),
        ("8002305009087", NO_SUCH_DATE),  # 30 February
        ("8001015009287", BAD_CITIZENSHIP),
        ("800101500908", NOT_13_DIGITS),
        ("80010150090870", NOT_13_DIGITS),
        ("80010150O9087", NOT_13_DIGITS),
    ],
)
def test_each_wrong_number_is_named_with_its_reason(number, message):
    assert id_number_problem(number, today=TODAY) == message.format(number=number, date=number[:6])


def test_the_century_is_the_one_that_is_not_in_the_future():
    assert birth_date_of("8001015009087", today=TODAY) == datetime.date(1980, 1, 1)
    assert birth_date_of("2001015009087", today=TODAY) == datetime.date(2020, 1, 1)
    # "27" is 1927: 2027 is still to come.
    assert birth_date_of("2712315009087", today=TODAY) == datetime.date(1927, 12, 31)
    assert birth_date_of("0002295009087", today=TODAY) == datetime.date(2000, 2, 29)


def test_with_check_digit_makes_a_valid_number():
    number = with_check_digit("800101500908")
    assert number == "8001015009087"
    for first in ("900101000008", "850101499908", "000229500008"):
        assert id_number_problem(with_check_digit(first), today=TODAY) is None
