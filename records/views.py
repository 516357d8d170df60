"""The funders' files page: who is ready, who is not and why, and the two SETMIS
files of the ready learners (every download logged per learner)."""

from __future__ import annotations

import io
import zipfile

from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from records import access, setmis
from records.forms import FunderFilesForm
from records.models import AccessLog
from records.roles import SPECIAL_INFORMATION
from records.selection import Selection, funder_files

FILES = {
    "person": (setmis.PERSON_NUMBER, access.SETMIS_PERSON),
    "enrolment": (setmis.ENROLMENT_NUMBER, access.SETMIS_ENROLMENT),
}


@login_required
@permission_required(SPECIAL_INFORMATION, raise_exception=True)
@require_GET
def funder_files_page(request):
    today = timezone.localdate()
    form = FunderFilesForm(request.GET, today=today)
    if not form.is_valid():
        return render(request, "records/funder_files.html", {"form": form}, status=400)
    data = form.cleaned_data
    selection = Selection(
        start=data["start"],
        end=data["end"],
        client_id=data["client"].pk if data["client"] else None,
        programme_id=data["programme"].pk if data["programme"] else None,
        class_id=data["klass"].pk if data["klass"] else None,
    )
    files = funder_files(selection, today=today)
    wanted = request.GET.get("download")
    if wanted == "both" and files.ready:
        return _both(request, files, today)
    if wanted in FILES and files.ready:
        return _download(request, wanted, files, today)
    # The not-ready list names the learners and what is wrong with their records.
    access.log_access(
        [learner.pk for learner, _ in files.not_ready],
        action=AccessLog.Action.VIEWED,
        what=access.NOT_READY,
        page=request.path,
        user=request.user,
    )
    context = {"form": form, "files": files, "downloads": list(FILES)}
    return render(request, "records/funder_files.html", context)


def _records(wanted: str, files, today) -> list[str]:
    if wanted == "person":
        return [setmis.person_record(learner, today=today) for learner in files.ready]
    return [setmis.enrolment_record(p, today=today) for p in files.progressions]


def _both(request, files, today) -> HttpResponse:
    """Both files in one zip, from one reading of the records: every enrolment record
    has its person record (two downloads could straddle an edit)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for wanted, (number, _) in FILES.items():
            archive.writestr(
                setmis.file_name(number, today), setmis.file_bytes(_records(wanted, files, today))
            )
    access.log_access(
        [learner.pk for learner in files.ready],
        action=AccessLog.Action.EXPORTED,
        what=access.SETMIS_BOTH,
        page=request.get_full_path(),
        user=request.user,
    )
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    name = f"{settings.SETMIS_SETA_CODE}_0006_v001_{setmis.ymd(today)}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


def _download(request, wanted: str, files, today) -> HttpResponse:
    number, what = FILES[wanted]
    records = _records(wanted, files, today)
    access.log_access(
        [learner.pk for learner in files.ready],
        action=AccessLog.Action.EXPORTED,
        what=what,
        page=request.get_full_path(),
        user=request.user,
    )
    response = HttpResponse(setmis.file_bytes(records), content_type="text/plain; charset=ascii")
    name = setmis.file_name(number, today)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    # Personal information: never kept by a browser or proxy cache.
    response["Cache-Control"] = "no-store"
    return response
