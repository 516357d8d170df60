"""The shared parsers: what a person types is read, anything else is None, and
nothing raises (issue 9: every 500 from crafted input came from a parser)."""

import datetime
from decimal import Decimal

import pytest

from attendance_project.parsing import (
    attachment_header,
    clean_text,
    parse_choice,
    parse_date,
    parse_decimal,
    parse_id,
    parse_int,
    parse_month,
    safe_filename,
)

HOSTILE = [
    "²",
    "٣",
    "\x00",
    "1\x00",
    "x" * 10_000,
    "9" * 40,
    "1E+999999999",
    "1e5",
    "NaN",
    "Infinity",
    "-inf",
    "0x10",
    "1_000",
    "2026-02-30",
    "0000-01-01",
    "'\"",
    "1\n",
    "\n1",
    "a\r\nb",
    None,
    ["1"],
    object(),
]


@pytest.mark.parametrize("value", HOSTILE)
def test_no_parser_raises_on_hostile_input(value):
    for parse in (parse_id, parse_int, parse_month, parse_decimal):
        result = parse(value)
        assert result is None or isinstance(result, int | tuple | Decimal), (parse, value)
    assert parse_date(value) is None
    assert parse_choice(value, ["a"]) is None
    assert "\x00" not in clean_text(value, max_length=100)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", 1), (" 42\t", 42), ("007", 7), ("9" * 18, int("9" * 18)), (5, 5)],
)
def test_ids_are_ascii_digits(value, expected):
    assert parse_id(value) == expected


@pytest.mark.parametrize("value", ["", "²", "٣", "1²", "-1", "+1", "1.0", "9" * 19, "1 2", True])
def test_anything_else_is_no_id(value):
    assert parse_id(value) is None


def test_whole_numbers_are_bounded():
    assert parse_int("3", max_value=3) == 3
    assert parse_int("4", max_value=3) is None
    assert parse_int("0", min_value=1) is None
    assert parse_int(str(2**31)) is None  # beyond a PostgreSQL integer


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2", Decimal("2")),
        ("1.5", Decimal("1.5")),
        ("1,5", Decimal("1.5")),
        (" 0.25 ", Decimal("0.25")),
        ("-0", Decimal("0")),
        ("-2.5", Decimal("-2.5")),
        (Decimal("3.0"), Decimal("3.0")),
        (1.5, Decimal("1.5")),
        (3, Decimal("3")),
    ],
)
def test_decimals_in_plain_notation(value, expected):
    assert parse_decimal(value) == expected


@pytest.mark.parametrize(
    "value",
    ["1E+999999999", "1e2", "NaN", "sNaN", "Infinity", ".5", "5.", "1.2.3", "1 000", "½", "٣"]
    + [Decimal("1E+999999999"), Decimal("NaN"), float("nan"), float("inf"), 1e-05, "1" * 13],
)
def test_exponents_and_non_finite_numbers_are_refused(value):
    assert parse_decimal(value) is None


def test_negative_zero_is_zero_and_bounds_hold():
    assert str(parse_decimal("-0")) == "0.0"
    assert parse_decimal("", blank=Decimal("0")) == 0
    assert parse_decimal("", blank=None) is None
    assert parse_decimal("3.5", max_value=Decimal("3")) is None
    assert parse_decimal("-1", min_value=Decimal("0")) is None


def test_dates_exist_on_the_calendar_and_within_bounds():
    assert parse_date("2026-03-04") == datetime.date(2026, 3, 4)
    assert parse_date(datetime.date(2026, 3, 4)) == datetime.date(2026, 3, 4)
    for value in ["2026-02-30", "2026-13-01", "0000-01-01", "0001-01-01", "9999-12-31"]:
        assert parse_date(value) is None, value
    # Python 3.11 reads these as dates too; a query string or form never sends them.
    for value in ["20260304", "2026-W10-3", "2026-03-04T00:00", "２０２６-03-04"]:
        assert parse_date(value) is None, value
    assert parse_date("2026-03-04", latest=datetime.date(2026, 3, 3)) is None


def test_months():
    assert parse_month("2026-03") == (2026, 3)
    for value in ["2026-13", "2026-00", "1999-12", "2026-3", "²026-03", "2026-03-01"]:
        assert parse_month(value) is None, value


def test_free_text_loses_nul_and_is_bounded():
    assert clean_text(" a\x00b \n", max_length=10) == "ab"
    assert clean_text("x" * 50, max_length=10) == "x" * 10
    assert clean_text(None, max_length=10) == ""


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("class-CLS-7-2026-03.csv", "class-CLS-7-2026-03.csv"),
        ('class-CLS"7.csv', "class-CLS-7.csv"),
        ("class-CLS\r\nSet-Cookie: x.csv", "class-CLS--Set-Cookie- x.csv"),
        ("../../etc/passwd", "etc-passwd"),
        ("portfolio-Müller-LP1.pdf", "portfolio-Müller-LP1.pdf"),
        ("\x00", "download"),
    ],
)
def test_download_names_are_safe(name, expected):
    assert safe_filename(name) == expected


def test_download_headers_carry_no_line_break_and_keep_letters():
    header = attachment_header("portfolio-Müller\n.pdf")
    assert "\n" not in header
    assert "\r" not in header
    assert header.startswith("attachment; filename*=utf-8''portfolio-M%C3%BCller")
    assert len(safe_filename("x" * 1000 + ".csv")) <= 150
    assert safe_filename("x" * 1000 + ".csv").endswith(".csv")
