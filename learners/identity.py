"""South African identity numbers (issue 16): YYMMDD SSSS C A Z, Z a Luhn check digit.

Pure functions; learners.readiness words the problems for a learner."""

from __future__ import annotations

import datetime

# The messages name the number, so that a list of problems reads on its own.
NOT_13_DIGITS = "SA ID number {number}: must be 13 digits."
NO_SUCH_DATE = "SA ID number {number}: {date} is not a date of birth."
BAD_CITIZENSHIP = "SA ID number {number}: the 11th digit must be 0 (citizen) or 1 (resident)."
BAD_CHECK_DIGIT = "SA ID number {number}: the check digit (the last) is wrong."


def luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def birth_date_of(number: str, *, today: datetime.date) -> datetime.date | None:
    """The date of birth the number encodes (the century that makes it not in the
    future), or None when the first six digits are no date."""
    try:
        yy, mm, dd = int(number[0:2]), int(number[2:4]), int(number[4:6])
        century = 1900 if 2000 + yy > today.year else 2000
        born = datetime.date(century + yy, mm, dd)
    except ValueError:
        return None
    if born > today:
        born = born.replace(year=born.year - 100)
    return born


def id_number_problem(number: str, *, today: datetime.date) -> str | None:
    """Why `number` is not a valid SA ID number, or None when it is."""
    if len(number) != 13 or not number.isdigit():
        return NOT_13_DIGITS.format(number=number)
    if birth_date_of(number, today=today) is None:
        return NO_SUCH_DATE.format(number=number, date=number[:6])
    if number[10] not in "01":
        return BAD_CITIZENSHIP.format(number=number)
    if not luhn_ok(number):
        return BAD_CHECK_DIGIT.format(number=number)
    return None


def with_check_digit(first_twelve: str) -> str:
    """The 13-digit number whose last digit makes the Luhn check pass."""
    for digit in "0123456789":
        if luhn_ok(first_twelve + digit):
            return first_twelve + digit
    raise ValueError(first_twelve)  # unreachable: one digit always fits
