"""A stored signed register, sent back: the session page's and the admin's download."""

from __future__ import annotations

from django.http import FileResponse

from attendance_project.parsing import safe_filename
from classes.registers.models import SignedRegister

CONTENT_TYPES: dict[str, str] = {
    SignedRegister.Kind.JPEG: "image/jpeg",
    SignedRegister.Kind.PNG: "image/png",
    SignedRegister.Kind.PDF: "application/pdf",
}
EXTENSIONS: dict[str, str] = {SignedRegister.Kind.JPEG: "jpg", SignedRegister.Kind.PNG: "png"}


def scan_download(scan: SignedRegister) -> FileResponse:
    """The stored file, read through the storage API (disk or S3), as a download with
    the content type its content was found to be, never the one it was sent with.
    The caller has checked that the person may see the scan's session."""
    session = scan.session
    extension = EXTENSIONS.get(scan.kind, scan.kind)
    filename = (
        f"signed-register-{session.klass.code}-{session.session_date:%Y-%m-%d}-{scan.pk}"
        f".{extension}"
    )
    return FileResponse(
        scan.file.open("rb"),
        as_attachment=True,
        filename=safe_filename(filename),
        content_type=CONTENT_TYPES[scan.kind],
    )
