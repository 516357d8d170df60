"""Template filters of the report pages: numbers with the same characters as in the
CSVs (reports.common), and the inline SVG pictures."""

from __future__ import annotations

from html import escape

from django import template
from django.utils import formats
from django.utils.safestring import mark_safe

from attendance_project.svg import attendance_trend, progress_bar
from reports.common import hours_text, percent_text

register = template.Library()

MISSING = "–"


@register.simple_tag
def options(choices, selected=None):
    """The <option>s of a filter: (value, label) pairs, the selected value marked.

    Built as one string in Python rather than by a template loop (or format_html per
    option): a filter may offer every class (2,000 in the bench), and either took
    longer than the rest of the page (bench/HISTORY.md, issue 10).
    """
    return mark_safe(
        "".join(
            f'<option value="{escape(str(value))}"{" selected" if value == selected else ""}>'
            f"{escape(str(label))}</option>"
            for value, label in choices
        )
    )


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
    """The weekly attendance trend (reports.trend) as small bars."""
    return attendance_trend(
        [(f"week of {formats.date_format(w.week, 'j M')}", w.percent) for w in weeks]
    )
