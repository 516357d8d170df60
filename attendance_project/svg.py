"""Small pictures rendered on the server as inline SVG (no CDN, no JavaScript, and
no style attributes, which the Content-Security-Policy forbids)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.html import format_html


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
