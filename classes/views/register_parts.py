"""The paper register's part of a session's page: the PDF link, the signed scans and
the upload form (its one-time key is issued for the upload URL it posts to)."""

from __future__ import annotations

import datetime

from django.urls import reverse

from classes.models import AttendanceSession, Class
from classes.registers.models import MAX_SIGNED_REGISTER_BYTES, SignedRegister
from classes.registers.scans import UPLOAD_FIELD
from submissions.http import form_key
from submissions.keys import issue_key


def upload_url(klass: Class, session_date: datetime.date) -> str:
    return reverse("classes:upload_signed_register", args=[klass.pk, session_date])


def signed_register_context(
    request, klass: Class, session_date: datetime.date, session, problems=()
) -> dict:
    captured = session is not None and session.status == AttendanceSession.Status.CAPTURED
    scans = list(
        SignedRegister.objects.filter(session=session).select_related("uploaded_by")
        if session is not None
        else []
    )
    url = upload_url(klass, session_date)
    # Shown again after a refused upload: the posted key, still unused; else a new one
    # for the URL the form posts to (not this page's).
    if request.method == "POST" and request.path == url:
        key = form_key(request)
    else:
        key = issue_key(user=request.user, purpose=url) if captured else ""
    return {
        "register_pdf_url": reverse("classes:register_pdf", args=[klass.pk, session_date]),
        "signed_register": scans[0] if scans else None,
        "earlier_signed_registers": scans[1:],
        "can_upload_signed_register": captured,
        "upload_url": url,
        "upload_field": UPLOAD_FIELD,
        "upload_key": key,
        "upload_max_bytes": MAX_SIGNED_REGISTER_BYTES,
        "upload_problems": list(problems),
    }
