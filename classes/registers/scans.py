"""Which signed registers are accepted: a photo (JPEG or PNG) or a PDF, of at most
10 MB, checked by content and never by name.

The uploaded name and the browser's content type say nothing a person cannot change
(a program renamed `register.png` says "image/png"): the kind is what the bytes are.
A PDF starts with `%PDF-` and ends with `%%EOF` (a truncated upload does not); a
photo must be one Pillow can read as a JPEG or PNG, which reads its headers and
checks its structure (PNG chunk checksums) without decoding the pixels.
"""

from __future__ import annotations

import warnings
from pathlib import PurePath

from django.core.files import File
from PIL import Image, UnidentifiedImageError

from attendance_project.errors import ServiceError
from classes.registers.models import MAX_SIGNED_REGISTER_BYTES, SignedRegister

# Each message names the form field it is about ("Signed register"): the page shows
# it above the form.
# The upload form's file field.
UPLOAD_FIELD = "signed_register"

SCAN_MISSING = (
    "Signed register: choose the photo (JPEG or PNG) or PDF of the signed register to upload."
)
SCAN_SEVERAL = "Signed register: choose one file; {count} were sent."
SCAN_EMPTY = "Signed register: {name} is empty."
SCAN_TOO_LARGE = "Signed register: {name} is {size} MB; at most 10 MB is allowed."
SCAN_WRONG_KIND = (
    "Signed register: {name} is not a JPEG or PNG photo or a PDF document "
    "(its content was checked, not its name)."
)

PDF_START = b"%PDF-"
PDF_END = b"%%EOF"
# Where a PDF's end marker may be: only line ends and padding follow it.
PDF_TAIL_BYTES = 1024
JPEG_START = b"\xff\xd8\xff"
PNG_START = b"\x89PNG\r\n\x1a\n"
PILLOW_FORMATS = {"JPEG": SignedRegister.Kind.JPEG, "PNG": SignedRegister.Kind.PNG}


class ScanRejected(ServiceError):
    """The signed register's file is missing, empty, too large or not a photo or PDF."""


def uploaded_scan(files) -> File | None:
    """The one file of the upload form (`request.FILES`), None if there is none;
    ScanRejected if several were sent under the field's name."""
    sent = files.getlist(UPLOAD_FIELD)
    if len(sent) > 1:
        raise ScanRejected(SCAN_SEVERAL.format(count=len(sent)))
    return sent[0] if sent else None


def shown_name(file: File) -> str:
    """The uploaded file's name, as people typed it, without any folder part."""
    return PurePath(str(file.name or "")).name[:255] or "the file"


def checked_scan_kind(file: File | None) -> str:
    """The kind of the file's content ("jpeg", "png" or "pdf"), or ScanRejected
    saying why it is refused. Reads the file; leaves it at its start."""
    if file is None:
        raise ScanRejected(SCAN_MISSING)
    name = shown_name(file)
    if not file.size:
        raise ScanRejected(SCAN_EMPTY.format(name=name))
    if file.size > MAX_SIGNED_REGISTER_BYTES:
        size = f"{file.size / (1024 * 1024):.1f}"
        raise ScanRejected(SCAN_TOO_LARGE.format(name=name, size=size))
    try:
        kind = _content_kind(file)
    finally:
        file.seek(0)
    if kind is None:
        raise ScanRejected(SCAN_WRONG_KIND.format(name=name))
    return kind


def _content_kind(file: File) -> str | None:
    file.seek(0)
    head = file.read(len(PNG_START))
    if head.startswith(PDF_START):
        return SignedRegister.Kind.PDF if _ends_like_a_pdf(file) else None
    if head.startswith(JPEG_START) or head.startswith(PNG_START):
        return _image_kind(file)
    return None


def _ends_like_a_pdf(file: File) -> bool:
    file.seek(max(file.size - PDF_TAIL_BYTES, 0))
    return PDF_END in file.read(PDF_TAIL_BYTES)


def _image_kind(file: File) -> str | None:
    file.seek(0)
    try:
        with warnings.catch_warnings():
            # A photo of more pixels than Pillow's bomb limit is no register page:
            # refused like any other file that is not a usable photo.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                kind = PILLOW_FORMATS.get(image.format or "")
                image.verify()
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
    ):
        return None
    return kind
