"""The last resort of a phone that cannot send (issue 13): its user exports the unsent
captures and corrections to a file (static/js/offline.js), and an office admin imports
it here. Each submit goes through the same service as from the phone, with the one-time
key it was typed with: signed for its user and form, so a forged or edited file is
refused, and a later delivery from the phone (or a second import) counts once."""

from __future__ import annotations

import dataclasses
import json

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.http import QueryDict
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from classes.forms import CaptureForm, CorrectionForm, parse
from classes.models import AttendanceSession, Class
from classes.selectors import CAPTURE_ANY_CLASS
from classes.services import (
    CaptureRejected,
    NotAllowed,
    SessionAlreadyRecorded,
    SessionNotAvailable,
    capture_session,
)
from classes.services.corrections import SessionChangedMeanwhile, correct_session
from classes.views.forms import STRAY_FIELD, detail_url, entries_from_post
from submissions.keys import AlreadySubmitted, InvalidSubmission, key_from_post

FORMAT = "attendance-unsent-captures"
MOST_BYTES = 2 * 1024 * 1024  # thousands of registers; a phone's file is a few kB

NO_FILE = "Choose the file the phone exported (unsent-captures-….json)."
NOT_A_FILE = "This is not a file of unsent captures exported by the app: nothing was imported."
SAVED = "Saved."
ALREADY = "Already saved before (from the phone or an earlier import): counted once."
CONFLICT = "Recorded meanwhile from elsewhere: nothing written. Correct the session if needed."
IMPORTED_LOG = "Imported from the unsent captures exported by {user}'s phone."
UNKNOWN = "Not a capture or correction of this app: nothing written."


@dataclasses.dataclass(frozen=True)
class Imported:
    label: str
    user: str
    outcome: str
    saved: bool
    url: str = ""


def _submits(upload) -> list[dict] | None:
    if upload is None or upload.size > MOST_BYTES:
        return None
    try:
        data = json.loads(upload.read().decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    submits = data.get("submits")
    if not isinstance(submits, list) or not all(isinstance(s, dict) for s in submits):
        return None
    return submits


def import_one(submit: dict, *, imported_by) -> Imported:
    """One exported submit, through the capture or correction service as its user;
    the admin who imported it is on the session's admin log."""
    label = str(submit.get("label") or "")[:200]
    path, body, user_id = submit.get("url"), submit.get("body"), submit.get("user")
    user = None
    if isinstance(user_id, int):
        user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    name = (user.get_full_name() or user.get_username()) if user else "–"
    try:
        match = resolve(path) if isinstance(path, str) else None
    except Resolver404:
        match = None
    if user is None or not isinstance(body, str) or match is None:
        return Imported(label, name, UNKNOWN, False)
    if match.view_name not in ("classes:capture", "classes:correct"):
        return Imported(label, name, UNKNOWN, False)
    klass = Class.objects.filter(pk=match.kwargs["class_id"]).first()
    if klass is None:
        return Imported(label, name, UNKNOWN, False)
    session_date = match.kwargs["session_date"]
    post = QueryDict(body)
    outcome_url = detail_url(klass, session_date)
    try:
        submission = key_from_post(post, user=user, purpose=path, outcome_url=outcome_url)
        entries, _, stray = entries_from_post(post, {})
        if stray:
            return Imported(label, name, STRAY_FIELD.format(field=stray[0]), False, outcome_url)
        if match.view_name == "classes:capture":
            form = parse(CaptureForm, post)
            session = capture_session(
                klass=klass,
                session_date=session_date,
                recorded_by=user,
                entries=entries,
                everyone_absent=form["everyone_absent"],
                lower_pages_confirmed=form["confirm_lower_pages"],
                rest_absent=form["rest_absent"],
                submission=submission,
            )
        else:
            form = parse(CorrectionForm, post)
            session = correct_session(
                klass=klass,
                session_date=session_date,
                corrected_by=user,
                entries=entries,
                reason=form["reason"],
                expected_version=form["version"],
                everyone_absent=form["everyone_absent"],
                lower_pages_confirmed=form["confirm_lower_pages"],
                submission=submission,
            )
    except AlreadySubmitted:
        return Imported(label, name, ALREADY, True, outcome_url)
    except InvalidSubmission as invalid:
        return Imported(label, name, invalid.message, False, outcome_url)
    except CaptureRejected as rejected:
        problems = " ".join(p.message for p in rejected.problems + rejected.confirmations)
        return Imported(label, name, problems, False, outcome_url)
    except (SessionAlreadyRecorded, SessionChangedMeanwhile):
        return Imported(label, name, CONFLICT, False, outcome_url)
    except (SessionNotAvailable, NotAllowed) as refused:
        return Imported(label, name, refused.message, False, outcome_url)
    LogEntry.objects.log_actions(
        user_id=imported_by.pk,
        queryset=AttendanceSession.objects.filter(pk=session.pk),
        action_flag=CHANGE,
        change_message=IMPORTED_LOG.format(user=name),
        single_object=True,
    )
    return Imported(label, name, SAVED, True, outcome_url)


# The file holds learners' hours and remarks: an error report shows none of it.
@sensitive_post_parameters()
@login_required
@permission_required(CAPTURE_ANY_CLASS, raise_exception=True)
@require_http_methods(["GET", "POST"])
def import_unsent(request):
    context: dict = {"problem": "", "results": None}
    status = 200
    if request.method == "POST":
        submits = _submits(request.FILES.get("file"))
        if submits is None:
            context["problem"] = NO_FILE if "file" not in request.FILES else NOT_A_FILE
            status = 400
        else:
            context["results"] = [
                import_one(submit, imported_by=request.user) for submit in submits
            ]
    return render(request, "classes/import_unsent.html", context, status=status)
