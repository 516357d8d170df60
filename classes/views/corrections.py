"""Correcting and voiding a recorded session."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.views.decorators.http import require_http_methods

from attendance_project.parsing import parse_int
from classes.models import AttendanceSession
from classes.selectors import class_for, recorded_roster
from classes.services import CaptureRejected, NotAllowed, Problem, SessionNotAvailable
from classes.services.corrections import (
    NOT_RECORDED,
    VOID_NOT_ALLOWED,
    VOID_PERMISSION,
    SessionChangedMeanwhile,
    correct_session,
    may_correct,
    void_session,
)
from classes.views.forms import STRAY_FIELD, capture_rows, detail_url, entries_from_post
from submissions.http import replay_response
from submissions.keys import AlreadySubmitted, InvalidSubmission, key_from_post, reissue_or_keep

CORRECTED_MESSAGE = "The correction of {date} is saved; the hours log and history show it."
CANNOT_CORRECT_MESSAGE = "This session cannot be corrected by you now."
VOIDED_MESSAGE = "{date} was voided: its hours were reversed and it can be recorded again."
# No session has this version: an unreadable one is answered "changed meanwhile".
UNKNOWN_VERSION = -1


def version_posted(request) -> int:
    """The session version the form was shown with."""
    version = parse_int(request.POST.get("version"))
    return UNKNOWN_VERSION if version is None else version


@login_required
@require_http_methods(["GET", "POST"])
def correct(request, class_id: int, session_date: datetime.date):
    klass = class_for(request.user, class_id)
    session = get_object_or_404(klass.sessions.all(), session_date=session_date)
    recorded = recorded_roster(session)
    values = {
        r.attendance.learner_id: {
            "hours": f"{r.attendance.hours_present.normalize():f}",
            "page": str(r.attendance.page_number or ""),
        }
        for r in recorded
    }
    context = {
        "klass": klass,
        "session_date": session_date,
        "session": session,
        "problems": [],
        "confirm": set(),
        "reason": request.POST.get("reason", "")[:2000],
        "version": session.version,
    }
    purpose = request.path  # the key is good for this form only
    context["submission_key"] = reissue_or_keep(request.POST, user=request.user, purpose=purpose)
    if request.method == "POST":
        entries, values, stray = entries_from_post(request.POST, values)
        context["version"] = version_posted(request)
        try:
            if stray:
                raise CaptureRejected(problems=[Problem(STRAY_FIELD.format(field=stray[0]))])
            correct_session(
                submission=key_from_post(
                    request.POST,
                    user=request.user,
                    purpose=purpose,
                    outcome_url=detail_url(klass, session_date),
                ),
                klass=klass,
                session_date=session_date,
                corrected_by=request.user,
                entries=entries,
                reason=context["reason"],
                expected_version=context["version"],
                everyone_absent=request.POST.get("everyone_absent") == "yes",
                lower_pages_confirmed=request.POST.get("confirm_lower_pages") == "yes",
            )
        except AlreadySubmitted as replay:
            return replay_response(request, replay)
        except InvalidSubmission as invalid:
            context["problems"] = [Problem(invalid.message)]
        except CaptureRejected as rejected:
            context["problems"] = rejected.problems + rejected.confirmations
            context["confirm"] = {p.field for p in rejected.confirmations if p.learner_id is None}
            context["problem_fields"] = {p.field for p in rejected.problems}
        except SessionChangedMeanwhile as stale:
            messages.warning(request, stale.message)
            return redirect(reverse("classes:correct", args=[klass.pk, session_date]))
        except (SessionNotAvailable, NotAllowed) as refused:
            messages.warning(request, refused.message)
            return redirect(detail_url(klass, session_date))
        else:
            messages.success(request, CORRECTED_MESSAGE.format(date=date_format(session_date)))
            return redirect(detail_url(klass, session_date))
    elif not may_correct(request.user, session):
        messages.warning(request, CANNOT_CORRECT_MESSAGE)
        return redirect(detail_url(klass, session_date))
    context["rows"] = capture_rows(
        [r.roster for r in recorded], values, context["problems"], session.scheduled_hours
    )
    context["total_pages"] = klass.programme.total_pages
    status = 400 if request.method == "POST" else 200
    return render(request, "classes/correct.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def void(request, class_id: int, session_date: datetime.date):
    klass = class_for(request.user, class_id)
    if not request.user.has_perm(VOID_PERMISSION):
        raise PermissionDenied(VOID_NOT_ALLOWED)
    session = get_object_or_404(klass.sessions.all(), session_date=session_date)
    context = {
        "klass": klass,
        "session_date": session_date,
        "session": session,
        "problems": [],
        "reason": request.POST.get("reason", "")[:2000],
    }
    purpose = request.path
    context["submission_key"] = reissue_or_keep(request.POST, user=request.user, purpose=purpose)
    if request.method == "POST":
        try:
            void_session(
                submission=key_from_post(
                    request.POST,
                    user=request.user,
                    purpose=purpose,
                    outcome_url=detail_url(klass, session_date),
                ),
                klass=klass,
                session_date=session_date,
                voided_by=request.user,
                reason=context["reason"],
                expected_version=version_posted(request),
            )
        except AlreadySubmitted as replay:
            return replay_response(request, replay)
        except InvalidSubmission as invalid:
            context["problems"] = [Problem(invalid.message)]
        except CaptureRejected as rejected:
            context["problems"] = rejected.problems
        except (SessionChangedMeanwhile, SessionNotAvailable, NotAllowed) as refused:
            messages.warning(request, refused.message)
            return redirect(detail_url(klass, session_date))
        else:
            messages.success(request, VOIDED_MESSAGE.format(date=date_format(session_date)))
            return redirect(detail_url(klass, session_date))
    elif session.status == AttendanceSession.Status.PENDING:
        messages.warning(request, NOT_RECORDED)
        return redirect(detail_url(klass, session_date))
    status = 400 if context["problems"] else 200
    return render(request, "classes/void.html", context, status=status)
