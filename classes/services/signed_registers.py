"""Uploading a session's signed register: the paper register, signed by the learners
and the facilitator, photographed or scanned, kept with the session (issue 12).

One write: check the file's content, then in one transaction record the form's key,
lock the session, check that it is captured and that the uploader may open its
class, store the file through Django's storage API and add its row. A better scan
later is another row; the latest one is shown, none is ever replaced in place.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.models import User
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from attendance_project.errors import ServiceError
from classes.models import AttendanceSession, Class
from classes.registers.models import SignedRegister
from classes.registers.scans import checked_scan_kind, shown_name
from classes.selectors import may_open
from classes.services.capture import NOT_ALLOWED, NotAllowed
from submissions.keys import Submission, record_submission

NOT_CAPTURED = (
    "Signed register: {date} has not been captured, so there is no register to sign yet. "
    "Capture the session first."
)
NOT_CAPTURED_STATUS = (
    "Signed register: {date} was recorded as “{status}”; only a captured session has a "
    "register to sign."
)


class SignedRegisterRefused(ServiceError):
    """The session has no register to sign (not captured); nothing was stored."""


def upload_signed_register(
    *,
    klass: Class,
    session_date: datetime.date,
    file: File | None,
    uploaded_by: User,
    submission: Submission | None = None,
) -> SignedRegister:
    """Keep `file` as the signed register of the class's session on `session_date`.

    The file must be a JPEG or PNG photo or a PDF of at most 10 MB, as its content
    shows (classes.registers.scans; ScanRejected otherwise). The session must be
    captured (SignedRegisterRefused) and the uploader its class's facilitator (primary
    or backup) or an office admin (NotAllowed). With a `submission`, its key is
    recorded first: a replay raises AlreadySubmitted and stores nothing.
    """
    # Read before the transaction: checking a 10 MB upload takes a moment, and no lock
    # should wait for it.
    kind = checked_scan_kind(file)
    assert file is not None
    with transaction.atomic():
        record_submission(submission)
        if not may_open(uploaded_by, klass):
            raise NotAllowed(NOT_ALLOWED.format(klass=klass))
        # The session row is locked: a void at the same moment (which returns the
        # session to pending) either commits first, and this upload is refused, or
        # waits until the scan is in, and voids a session whose scan is kept.
        session = (
            AttendanceSession.objects.select_for_update()
            .filter(klass=klass, session_date=session_date)
            .first()
        )
        _check_captured(session, session_date)
        assert session is not None
        register = SignedRegister(
            session=session,
            kind=kind,
            size_bytes=file.size,
            original_name=shown_name(file),
            uploaded_by=uploaded_by,
            # The app's clock, like the session's captured_at (the column's default is
            # the database's, for rows written by hand).
            uploaded_at=timezone.now(),
        )
        # The storage writes the file now; should the row's INSERT fail after it, an
        # unreferenced file stays behind, never a row without its file.
        register.file.save(f"register.{kind}", file, save=False)
        register.save()
    return register


def _check_captured(session: AttendanceSession | None, session_date: datetime.date) -> None:
    day = date_format(session_date)
    if session is None or session.status == AttendanceSession.Status.PENDING:
        raise SignedRegisterRefused(NOT_CAPTURED.format(date=day))
    if session.status != AttendanceSession.Status.CAPTURED:
        raise SignedRegisterRefused(
            NOT_CAPTURED_STATUS.format(date=day, status=session.get_status_display())
        )
