"""Template filters of the report pages: numbers with the same characters as in the
CSVs (classes.reports.common), and the inline SVG pictures."""

from __future__ import annotations

from django import template
from django.utils import formats

from attendance_project.svg import attendance_trend, progress_bar
from classes.reports.common import hours_text, percent_text

register = template.Library()

MISSING = "–"


@register.filter
def pct(value) -> str:
    """Decimal("83.3") → "83.3%"; None → "–"."""
    return MISSING if value is None else f"{percent_text(value)}%"


@register.filter
def hours(value) -> str:
    return MISSING if value is None else hours_text(value)


@register.filter
def bar(value):
    """A progress bar for a percentage (drawn capped at 100)."""
    return progress_bar(value, width=96, height=12)


@register.filter
def trend(weeks):
    """The weekly attendance trend (classes.reports.trend) as small bars."""
    return attendance_trend(
        [(f"week of {formats.date_format(w.week, 'j M')}", w.percent) for w in weeks]
    )
