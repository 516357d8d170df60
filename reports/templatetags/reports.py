"""Template filters of the report pages: numbers with the same characters as in the
CSVs (reports.common), and the inline SVG pictures."""

from __future__ import annotations

import datetime
from functools import lru_cache
from html import escape

from django import template
from django.urls import reverse
from django.utils import formats
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

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
    choices = list(choices)
    if not choices:
        return ""
    # Escaped all at once: one escape() of the joined texts instead of two calls per
    # option (4,000 calls were half the tag's time). NUL joins them: no database text
    # and no choice holds one, and escape() leaves it alone.
    values = escape("\0".join(str(value) for value, _ in choices)).split("\0")
    labels = escape("\0".join(str(label) for _, label in choices)).split("\0")
    return mark_safe(
        "".join(
            f'<option value="{text}"{" selected" if value == selected else ""}>{label}</option>'
            for (value, _), text, label in zip(choices, values, labels, strict=True)
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


@register.simple_tag
def excessive_rows(rows, can_resolve):
    """The <tr>s of the excessive-hours table (reports.excessive_hours.PageRow rows).

    Built in Python, like `options`: a page shows fifty rows of some twenty values and
    two links each, and the template loop took three times as long as the rest of the
    page, so that the page at 1,000,000 ledger rows (a full page) took 2.7 times as
    long as at 10,000 (three rows; bench/HISTORY.md, issue 10). The markup is the one
    the page had; tests/reports/test_excessive_hours.py reads it back.
    """
    urls = (_url_maker("classes:attendance"), _url_maker("reports:resolve_excessive_hours"))
    language = get_language()
    return mark_safe(
        "".join(_excessive_row(row, can_resolve, *urls, language=language) for row in rows)
    )


# An id no table reaches, reversed once per page; then each row's URL is text.
_MARK = 987_654_321_012_345


def _url_maker(name: str):
    """`pk → reverse(name, args=[pk])`, reversing once: a reverse() per link was
    two thirds of the rows' time."""
    head, tail = reverse(name, args=[_MARK]).split(str(_MARK), 1)
    return lambda pk: f"{head}{pk}{tail}"


# The rows' texts are str from the database (PageRow), never SafeStrings: escape() is
# what conditional_escape() does to them, without its lazy-text wrapper (a tenth of a
# row's time, seven times a row).


@lru_cache(maxsize=1024)
def _time(day: datetime.date, language: str | None) -> str:
    """A date as the page shows it, in the active language. Cached: two date_format()
    calls a date, two dates a resolved row, were the row's dearest values; the dates a
    page shows are few (resolutions of the last weeks, the days they show again)."""
    iso, shown = formats.date_format(day, "Y-m-d"), formats.date_format(day, "j M Y")
    return f'<time data-col datetime="{iso}">{shown}</time>'


def _excessive_row(row, can_resolve: bool, class_url, resolve_url, *, language) -> str:
    if row.class_id is not None:
        url = class_url(row.class_id)
        where = (
            f'<a href="{url}" data-col>{escape(row.class_code)}</a> · '
            f"<span data-col>{escape(row.facilitator)}</span>"
        )
    else:
        where = "<span data-col>–</span> · <span data-col>–</span>"
    if row.resolved_on is not None:
        resolution = (
            f"<strong data-col>{escape(row.resolution)}</strong>, "
            f"<span data-col>{escape(row.resolved_by)}</span>, "
            f"{_time(row.resolved_on, language)}"
            f'<span class="sub" data-col>{escape(row.notes)}</span>'
        )
    else:
        resolution = "<span data-col>–</span><span data-col></span><span data-col></span>"
        resolution += "<span data-col></span>"
    if row.hidden_until:
        hidden = f'<span class="sub">Shows again on {_time(row.hidden_until, language)}</span>'
    else:
        hidden = "<span data-col></span>"
    action = ""
    if can_resolve:
        url = resolve_url(row.progression_id)
        if row.hidden_until:
            action = f'<a href="{url}">History</a>'
        else:
            action = f'<a class="button small" href="{url}">Record resolution</a>'
    return f"""
    <tr data-row data-progression="{row.progression_id}">
      <th scope="row">
        <span data-col>{escape(row.surname)}</span>, <span data-col>{escape(row.first_names)}</span>
        <span class="sub">{where} · <span data-col>{escape(row.programme_code)}</span></span>
      </th>
      <td data-label="Hours" class="num"><div><span data-col>{hours(row.hours_trained)}</span> trained of <span data-col>{hours(row.allocated)}</span><br><strong>+<span data-col>{hours(row.overage)}</span> h over</strong></div></td>
      <td data-label="Progress" class="num"><div><span data-col data-metric="progress">{pct(row.progress)}</span><span class="sub">uncapped <strong data-col data-metric="uncapped">{pct(row.uncapped)}</strong></span></div></td>
      <td data-label="Attendance" class="num"><div><span data-col data-metric="attendance">{pct(row.attendance)}</span> present · page <span data-col data-metric="page">{pct(row.page)}</span></div></td>
      <td data-label="Resolution"><div>{resolution}
        {hidden}</div></td>
      <td class="row-action">{action}</td>
    </tr>
  """  # noqa: E501
