"""Which portfolio files are accepted: PDF, DOC or DOCX documents of at most 10 MB.

Checked by content, not only by name: a file must start the way its kind of
document starts (PDF: `%PDF-`; DOC: the OLE2 compound-file header; DOCX: a ZIP
archive holding `word/document.xml`), and that kind must match its extension, so
that a renamed program or a PDF called .docx is refused.
"""

from __future__ import annotations

import zipfile
from pathlib import PurePath

from django.core.files import File

from progression.services.errors import PortfolioRejected

MAX_PORTFOLIO_BYTES = 10 * 1024 * 1024
KINDS = {"pdf": "PDF", "doc": "DOC", "docx": "DOCX"}

PDF_MAGIC = b"%PDF-"
OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_MAGIC = b"PK\x03\x04"

PORTFOLIO_WRONG_TYPE = "The portfolio must be a PDF, DOC or DOCX file; {name} is not."
PORTFOLIO_TOO_LARGE = "The portfolio {name} is {size} MB; at most 10 MB is allowed."
PORTFOLIO_NOT_WHAT_IT_SAYS = "{name} is not a {kind} document: its content does not match its name."


def checked_portfolio_kind(file: File) -> str:
    """The file's kind ("pdf", "doc" or "docx"), or PortfolioRejected saying why not."""
    name = PurePath(file.name or "").name
    extension = PurePath(name).suffix.lower().removeprefix(".")
    if extension not in KINDS:
        raise PortfolioRejected(PORTFOLIO_WRONG_TYPE.format(name=name))
    if file.size > MAX_PORTFOLIO_BYTES:
        size = f"{file.size / (1024 * 1024):.1f}"
        raise PortfolioRejected(PORTFOLIO_TOO_LARGE.format(name=name, size=size))
    try:
        kind = _content_kind(file)
    finally:
        file.seek(0)
    if kind != extension:
        raise PortfolioRejected(PORTFOLIO_NOT_WHAT_IT_SAYS.format(name=name, kind=KINDS[extension]))
    return kind


def _content_kind(file: File) -> str | None:
    file.seek(0)
    head = file.read(len(OLE2_MAGIC))
    if head.startswith(PDF_MAGIC):
        return "pdf"
    if head.startswith(OLE2_MAGIC):
        return "doc"
    if head.startswith(ZIP_MAGIC):
        file.seek(0)
        try:
            # Only the archive's directory is read; nothing is unpacked.
            with zipfile.ZipFile(file) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError, EOFError):
            return None
        return "docx" if "word/document.xml" in names else None
    return None
