"""Small pictures rendered on the server as inline SVG (no CDN, no JavaScript, and
no style attributes, which the Content-Security-Policy forbids)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import format_html, format_html_join


def progress_bar(percent: Decimal | None, *, width: int = 120, height: int = 12, label: str = ""):
    """A horizontal bar filled to `percent` (0–100; None draws an empty bar)."""
    filled = 0 if percent is None else max(0, min(100, float(percent)))
    title = label or ("no data" if percent is None else f"{percent}%")
    return format_html(
        '<svg class="bar" width="{}" height="{}" viewBox="0 0 100 10" preserveAspectRatio="none"'
        ' role="img" aria-label="{}"><title>{}</title>'
        '<rect width="100" height="10" fill="#e3e8ee"/>'
        '<rect width="{}" height="10" fill="#1f5f8b"/></svg>',
        width,
        height,
        title,
        title,
        f"{filled:.1f}",
    )


# Bars under this percentage are drawn in the warning colour: a week in which the
# learner missed more than a third of the hours is worth a look.
TREND_LOW = 66
TREND_COLOURS = {"ok": "#1f5f8b", "low": "#b86e00", "none": "#c3cbd5"}


def attendance_trend(points: Sequence[tuple[str, Decimal | None]], *, height: int = 28):
    """Small bars, one per period (oldest first), as high as that period's attendance
    percentage; a period without training shows as a flat grey mark.

    `points` are (label, percent) pairs, e.g. ("week of 23 Feb", Decimal("83.3")).
    Each bar has its own <title> (the tooltip), and the picture as a whole an
    aria-label that reads the numbers out.
    """
    step, bar = 10, 8
    bars, spoken = [], []
    for index, (label, percent) in enumerate(points):
        if percent is None:
            value, kind, text = 0.0, "none", f"{label}: no session"
        else:
            value = max(0.0, min(100.0, float(percent)))
            kind = "low" if value < TREND_LOW else "ok"
            text = f"{label}: {percent}%"
        drawn = max(value, 4.0)  # an absent week still shows a stub
        bars.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}</title></rect>',
                index * step + 1,
                f"{100 - drawn:.1f}",
                bar,
                f"{drawn:.1f}",
                TREND_COLOURS[kind],
                text,
            )
        )
        spoken.append(text)
    width = max(len(points), 1) * step
    return format_html(
        '<svg class="trend" width="{}" height="{}" viewBox="0 0 {} 100"'
        ' preserveAspectRatio="none" role="img" aria-label="{}">{}'
        '<line x1="0" y1="100" x2="{}" y2="100" stroke="#8a96a3" stroke-width="2"/></svg>',
        width,
        height,
        width,
        "Attendance " + "; ".join(spoken) if spoken else "No attendance yet",
        format_html_join("", "{}", ((b,) for b in bars)),
        width,
    )
