"""The paper registers as PDF: Django templates (templates/classes/registers/) laid
out by WeasyPrint on A4, with the fonts vendored beside the stylesheet.

WeasyPrint reads nothing but those files: its URL fetcher refuses any other address
(no network, no file elsewhere on the machine), so a learner's name that looked like
a URL could not make it fetch one even if the templates did not escape it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.request import url2pathname

from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from classes.registers.sheets import MonthSheet, SessionSheet
from learners.models import SPECIAL_INFORMATION

ASSETS = Path(__file__).resolve().parent / "assets"
STYLESHEET = ASSETS / "register.css"

SESSION_TEMPLATE = "classes/registers/session.html"
MONTH_TEMPLATE = "classes/registers/month.html"


class AssetsOnly(URLFetcher):
    """Fetches the register's own files (stylesheet and fonts) and nothing else."""

    def __init__(self) -> None:
        # A missing font or stylesheet stops the rendering instead of printing a
        # register in whatever font the machine has.
        super().__init__(allowed_protocols={"file"}, fail_on_errors=True)

    def fetch(self, url, headers=None):
        path = url2pathname(url.split("?")[0].removeprefix("file:"))
        if not url.startswith("file:") or not Path(path).resolve().is_relative_to(ASSETS):
            raise ValueError(f"The register reads only its own files, not {url}.")
        return super().fetch(url, headers)


def render_pdf(
    template: str, context: dict[str, Any], *, extra_stylesheets: Sequence[Path] = ()
) -> bytes:
    """The template as an A4 PDF in the registers' stylesheet, then any
    `extra_stylesheets` (an app's own rules, e.g. billing's statements; they may not
    fetch anything: url() in them is refused like any address outside these assets)."""
    html = render_to_string(template, {"printed_at": timezone.localtime(), **context})
    fonts = FontConfiguration()
    fetcher = AssetsOnly()
    stylesheets = [
        CSS(filename=str(path), font_config=fonts, url_fetcher=fetcher)
        for path in (STYLESHEET, *extra_stylesheets)
    ]
    document = HTML(string=html, base_url=str(ASSETS) + "/", url_fetcher=fetcher)
    return document.write_pdf(stylesheets=stylesheets, font_config=fonts)


# Identity numbers are special personal information (POPIA, issue 16): printed only
# for those who hold the permission to see them, never for facilitators.


def _context(sheet, printed_by) -> dict:
    show = printed_by is not None and printed_by.has_perm(SPECIAL_INFORMATION)
    return {"sheet": sheet, "klass": sheet.klass, "printed_by": printed_by, "show_identity": show}


def session_register_pdf(sheet: SessionSheet, *, printed_by=None) -> bytes:
    """The session's register: its roster (with ID numbers for who may see them) and
    signature columns; after capture with each learner's hours, page and absence."""
    return render_pdf(SESSION_TEMPLATE, _context(sheet, printed_by))


def month_register_pdf(sheet: MonthSheet, *, printed_by=None) -> bytes:
    """The class-month's register: learners by session dates, A4 landscape."""
    return render_pdf(MONTH_TEMPLATE, _context(sheet, printed_by))
