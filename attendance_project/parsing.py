"""Reading values that arrive as text (query strings, form fields): one strict parser
per kind, shared by every view, admin filter, admin form and export.

Each parser returns the value, or None when the text is not one; it never raises.
The caller decides what None means: "no filter" for a report's query string, a form
message for a field, a 400 for a required parameter. Only what a person could type
is accepted, in its plain form:

- ids: ASCII digits only. `str.isdigit()` also accepts "²" (which int() refuses)
  and `int()` accepts "٣" (Arabic-Indic three) and " 3 ", so neither is used alone.
- decimals: plain notation ("2", "1.5", "1,5"): no exponent, NaN or Infinity, and a
  bounded number of digits, so no decimal arithmetic on them can overflow.
- dates: YYYY-MM-DD that exists on the calendar, within bounds.
- free text: without NUL (which PostgreSQL cannot store), of bounded length.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Collection
from decimal import Decimal

from django.utils.http import content_disposition_header

# A bigint holds any 18-digit number; a longer id is no id of ours.
MAX_ID_DIGITS = 18
ID = re.compile(f"[0-9]{{1,{MAX_ID_DIGITS}}}")
# Whole and fractional digits of a decimal: room for any hours, pages or money.
DECIMAL = re.compile(r"(?P<sign>[+-]?)(?P<whole>[0-9]{1,12})(?:[.,](?P<fraction>[0-9]{1,6}))?")
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
MONTH = re.compile(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})")
# Dates outside these years are typing errors (0001-01-01, 9999-12-31), not dates of
# training, and outside what the reports and the schedule engine handle.
EARLIEST = datetime.date(2000, 1, 1)
LATEST = datetime.date(2100, 12, 31)
# Spaces a person may leave around a value; nothing else is trimmed.
BLANKS = " \t"
NUL = "\x00"


def _plain(value: object) -> str | None:
    """The text of a value, without surrounding blanks; None for non-text."""
    if value is None:
        return ""
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        return None
    return value.strip(BLANKS)


def parse_id(value: object) -> int | None:
    """A primary key: 1 to 18 ASCII digits."""
    text = _plain(value)
    if text is None or not ID.fullmatch(text):
        return None
    return int(text)


def parse_int(value: object, *, min_value: int = 0, max_value: int = 2**31 - 1) -> int | None:
    """A whole number (a version, a page) of ASCII digits within the bounds."""
    number = parse_id(value)
    if number is None or not min_value <= number <= max_value:
        return None
    return number


def parse_decimal(
    value: object,
    *,
    min_value: Decimal | None = None,
    max_value: Decimal | None = None,
    blank: Decimal | None = None,
) -> Decimal | None:
    """A decimal in plain notation, "." or "," before the fraction; `blank` for an
    empty value. Negative zero is zero."""
    if isinstance(value, float):
        value = repr(value)  # 1.5 → "1.5"; 1e-05, nan, inf → refused below
    elif isinstance(value, Decimal):
        # Written out only when small: format(Decimal("1E+999999999"), "f") would be
        # a billion digits. adjusted(), not abs(): abs() rounds, which overflows.
        value = format(value, "f") if value.is_finite() and value.adjusted() < 12 else "NaN"
    text = _plain(value)
    if text is None:
        return None
    if text == "":
        return blank
    match = DECIMAL.fullmatch(text)
    if match is None:
        return None
    number = Decimal(f"{match['sign']}{match['whole']}.{match['fraction'] or '0'}")
    if number == 0:
        number = abs(number)
    if min_value is not None and number < min_value:
        return None
    if max_value is not None and number > max_value:
        return None
    return number


def parse_date(
    value: object,
    *,
    earliest: datetime.date = EARLIEST,
    latest: datetime.date = LATEST,
) -> datetime.date | None:
    """A date as YYYY-MM-DD that exists, from `earliest` to `latest`."""
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        day = value
    else:
        text = _plain(value)
        if text is None or not DATE.fullmatch(text):
            return None
        try:
            day = datetime.date.fromisoformat(text)
        except ValueError:  # 2026-02-30, 2026-13-01, 0000-01-01
            return None
    return day if earliest <= day <= latest else None


def parse_month(value: object) -> tuple[int, int] | None:
    """(year, month) from YYYY-MM, within the years parse_date accepts."""
    text = _plain(value)
    match = MONTH.fullmatch(text) if text is not None else None
    if match is None:
        return None
    year, month = int(match["year"]), int(match["month"])
    if not 1 <= month <= 12 or not EARLIEST.year <= year <= LATEST.year:
        return None
    return year, month


def parse_choice(value: object, choices: Collection[str]) -> str | None:
    """One of `choices`, exactly."""
    text = _plain(value)
    return text if text in choices else None


def clean_text(value: object, *, max_length: int) -> str:
    """Free text as PostgreSQL can store it: NUL characters (never typed by a person,
    but sent by broken or hostile clients) removed, ends trimmed, at most
    `max_length` characters."""
    text = value if isinstance(value, str) else ""
    return text.replace(NUL, "").strip()[:max_length]


def has_nul(value: str) -> bool:
    return NUL in value


# ---- File names for downloads.

# Characters a file name may keep as they are; everything else becomes "-".
UNSAFE_IN_FILENAME = re.compile(r'[\\/"\':*?<>|;,]+')
MAX_FILENAME_LENGTH = 150


def safe_filename(name: str) -> str:
    """A download's file name that cannot break the Content-Disposition header or
    name a path: control characters (newlines, NUL) and quotes, slashes and the like
    replaced by "-", bounded length. Letters of any script are kept ("Müller")."""
    characters = [
        "-" if unicodedata.category(c).startswith(("C", "Z")) and c != " " else c for c in name
    ]
    text = UNSAFE_IN_FILENAME.sub("-", "".join(characters)).strip(" .-")
    if len(text) > MAX_FILENAME_LENGTH:
        stem, dot, extension = text.rpartition(".")
        keep = MAX_FILENAME_LENGTH - len(dot + extension)
        text = stem[:keep] + dot + extension if dot and len(extension) <= 10 else text[:keep]
    return text or "download"


def attachment_header(name: str) -> str:
    """The Content-Disposition value of a download named `name` (made safe first);
    non-ASCII names travel as RFC 6266's filename*."""
    header = content_disposition_header(True, safe_filename(name))
    assert header is not None  # always a value for an attachment
    return header
