"""The month in billing's URLs: YYYY-MM (the months parse_month accepts), as the
month's first day. Anything else is no URL of ours (404), never a 500."""

from __future__ import annotations

import datetime

from attendance_project.parsing import parse_month


class MonthConverter:
    regex = "[0-9]{4}-[0-9]{2}"

    def to_python(self, value: str) -> datetime.date:
        parsed = parse_month(value)
        if parsed is None:
            raise ValueError(value)
        return datetime.date(parsed[0], parsed[1], 1)

    def to_url(self, value: datetime.date) -> str:
        return f"{value.year:04d}-{value.month:02d}"
