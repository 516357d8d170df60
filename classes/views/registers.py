"""The register on paper and back: the printable PDF registers (a session, a
class-month), the upload of a session's signed register and its download.

Plumbing only: check access (class_for: the class's facilitators and office admins,
404 for anyone else), read or call one service, answer. Uploaded files are never
served from MEDIA_URL; they come through `signed_register_file`, which checks who asks.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from attendance_project.parsing import parse_month, safe_filename
from classes.registers.files import scan_download
from classes.registers.models import SignedRegister
from classes.registers.scans import ScanRejected, uploaded_scan
from classes.registers.sheets import month_sheet, session_sheet
from classes.selectors import class_for
from classes.services import NotAllowed
from classes.services.signed_registers import SignedRegisterRefused, upload_signed_register
from classes.views.forms import detail_url
from classes.views.pages import session_page
from learners import access
from learners.models import SPECIAL_INFORMATION
from submissions.http import replay_response, submitted_key
from submissions.keys import AlreadySubmitted, InvalidSubmission

UPLOADED_MESSAGE = "The signed register of {date} was uploaded ({kind}, {size})."
NO_SESSION = "No session on that date."


def _pdf():
    """The PDF renderer, loaded at the first register asked for: WeasyPrint takes
    seconds to load (it opens Pango through cffi), which no other page should cost
    a process at its start."""
    from classes.registers import pdf

    return pdf


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    """A PDF shown in the browser (to print), saved under `filename`."""
    response = HttpResponse(content, content_type="application/pdf")
    # Like attachment_header, but to open in the browser's viewer (non-ASCII names as
    # RFC 6266's filename*).
    response["Content-Disposition"] = content_disposition_header(False, safe_filename(filename))
    return response


def _log_identity_printed(request, learner_ids: list[int]) -> None:
    """A register printed with identity numbers (for those who may see them) is an
    export of each listed learner's special information (POPIA, issue 16)."""
    if request.user.has_perm(SPECIAL_INFORMATION):
        access.record(
            learner_ids,
            action=access.EXPORTED,
            what=access.REGISTER,
            page=request.path,
            user=request.user,
        )


@login_required
@require_GET
def register_pdf(request, class_id: int, session_date: datetime.date):
    klass = class_for(request.user, class_id)
    sheet = session_sheet(klass=klass, session_date=session_date)
    if sheet is None:
        raise Http404(NO_SESSION)
    content = _pdf().session_register_pdf(sheet, printed_by=request.user)
    _log_identity_printed(request, [line.learner.pk for line in sheet.lines])
    return pdf_response(content, f"register-{klass.code}-{session_date:%Y-%m-%d}.pdf")


@login_required
@require_GET
def month_register(request, class_id: int):
    klass = class_for(request.user, class_id)
    today = timezone.localdate()
    year, month = parse_month(request.GET.get("month")) or (today.year, today.month)
    sheet = month_sheet(klass=klass, year=year, month=month)
    content = _pdf().month_register_pdf(sheet, printed_by=request.user)
    _log_identity_printed(request, [line.learner.pk for line in sheet.lines])
    return pdf_response(content, f"register-{klass.code}-{year:04d}-{month:02d}.pdf")


@login_required
@require_POST
def upload(request, class_id: int, session_date: datetime.date):
    klass = class_for(request.user, class_id)
    outcome_url = detail_url(klass, session_date)
    try:
        scan = upload_signed_register(
            klass=klass,
            session_date=session_date,
            file=uploaded_scan(request.FILES),
            uploaded_by=request.user,
            submission=submitted_key(request, outcome_url=outcome_url),
        )
    except AlreadySubmitted as replay:
        return replay_response(request, replay)
    except (InvalidSubmission, ScanRejected, SignedRegisterRefused, NotAllowed) as refused:
        return session_page(request, klass, session_date, problems=[refused.message], status=400)
    size = filesizeformat(scan.size_bytes)
    messages.success(
        request,
        UPLOADED_MESSAGE.format(
            date=date_format(session_date), kind=scan.get_kind_display(), size=size
        ),
    )
    return redirect(outcome_url)


@login_required
@require_GET
def signed_register_file(request, class_id: int, session_date: datetime.date, register_id: int):
    klass = class_for(request.user, class_id)
    scan = get_object_or_404(
        SignedRegister.objects.select_related("session__klass"),
        pk=register_id,
        session__klass=klass,
        session__session_date=session_date,
    )
    return scan_download(scan)
