"""Correcting and voiding a recorded session."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from attendance_project.offline import offline_page
from classes.drafts import CORRECTION
from classes.forms import CorrectionForm, VoidForm, parse
from classes.models import AttendanceSession
from classes.selectors import class_for, recorded_roster
from classes.services import CaptureRejected, NotAllowed, Problem, SessionNotAvailable
from classes.services.corrections import (
    MONTH_CLOSED,
    NOT_RECORDED,
    VOID_NOT_ALLOWED,
    VOID_PERMISSION,
    SessionChangedMeanwhile,
    correct_session,
    in_closed_month,
    may_correct,
    may_undo_not_held,
    undo_not_held,
    void_session,
)
from classes.views.forms import (
    ABSENCE_CHOICES,
    STRAY_FIELD,
    capture_rows,
    detail_url,
    drafts_context,
    entries_from_post,
)
from submissions.http import (
    CONFLICT,
    REFUSED,
    SAVED,
    form_key,
    replay_response,
    submitted_key,
    with_outcome,
)
from submissions.keys import AlreadySubmitted, InvalidSubmission

CORRECTED_MESSAGE = "The correction of {date} is saved; the hours log and history show it."
CANNOT_CORRECT_MESSAGE = "This session cannot be corrected by you now."
VOIDED_MESSAGE = "{date} was voided: its hours were reversed and it can be recorded again."
UNDONE_MESSAGE = "{date} is no longer recorded as not held: it can be captured now."
CANNOT_UNDO_MESSAGE = 'This "not held" cannot be undone by you now.'


# The absence remarks are free text about learners (personal data): an error report
# (were one ever e-mailed) shows none of the POST's values.
@sensitive_post_parameters()
@login_required
@require_http_methods(["GET", "POST"])
@offline_page
def correct(request, class_id: int, session_date: datetime.date):
    klass = class_for(request.user, class_id)
    session = get_object_or_404(klass.sessions.all(), session_date=session_date)
    recorded = recorded_roster(session)
    values = {
        r.attendance.learner_id: {
            "hours": f"{r.attendance.hours_present.normalize():f}",
            "page": str(r.attendance.page_number or ""),
            "absence": r.attendance.absence_reason,
            "remark": r.attendance.absence_remark,
        }
        for r in recorded
    }
    form = parse(CorrectionForm, request.POST)
    context = {
        "klass": klass,
        "session_date": session_date,
        "session": session,
        "problems": [],
        "confirm": set(),
        "reason": form["reason"],
        "version": session.version,
        "submission_key": form_key(request),
    }
    if request.method == "POST":
        entries, values, stray = entries_from_post(request.POST, values)
        context["version"] = form["version"]
        try:
            if stray:
                raise CaptureRejected(problems=[Problem(STRAY_FIELD.format(field=stray[0]))])
            correct_session(
                submission=submitted_key(request, outcome_url=detail_url(klass, session_date)),
                klass=klass,
                session_date=session_date,
                corrected_by=request.user,
                entries=entries,
                reason=form["reason"],
                expected_version=form["version"],
                everyone_absent=form["everyone_absent"],
                lower_pages_confirmed=form["confirm_lower_pages"],
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
            url = reverse("classes:correct", args=[klass.pk, session_date])
            return with_outcome(redirect(url), CONFLICT)
        except (SessionNotAvailable, NotAllowed) as refused:
            messages.warning(request, refused.message)
            return with_outcome(redirect(detail_url(klass, session_date)), REFUSED)
        else:
            messages.success(request, CORRECTED_MESSAGE.format(date=date_format(session_date)))
            return with_outcome(redirect(detail_url(klass, session_date)), SAVED)
    elif not may_correct(request.user, session):
        closed = session.status == AttendanceSession.Status.CAPTURED and in_closed_month(session)
        month = date_format(session_date, "F Y")
        messages.warning(
            request, MONTH_CLOSED.format(month=month) if closed else CANNOT_CORRECT_MESSAGE
        )
        return redirect(detail_url(klass, session_date))
    context["rows"] = capture_rows(
        [r.roster for r in recorded], values, context["problems"], session.scheduled_hours
    )
    context["total_pages"] = klass.programme.total_pages
    context["absence_choices"] = ABSENCE_CHOICES
    context.update(drafts_context(request, klass, session_date, kind=CORRECTION))
    status = 400 if request.method == "POST" else 200
    return render(request, "classes/correct.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def void(request, class_id: int, session_date: datetime.date):
    klass = class_for(request.user, class_id)
    if not request.user.has_perm(VOID_PERMISSION):
        raise PermissionDenied(VOID_NOT_ALLOWED)
    session = get_object_or_404(klass.sessions.all(), session_date=session_date)
    refused = NOT_RECORDED if session.status == AttendanceSession.Status.PENDING else None
    return _reason_form(
        request, klass, session, void_session, "voided_by", VOIDED_MESSAGE, "void", refused
    )


@login_required
@require_http_methods(["GET", "POST"])
def undo_not_held_view(request, class_id: int, session_date: datetime.date):
    klass = class_for(request.user, class_id)
    session = get_object_or_404(klass.sessions.all(), session_date=session_date)
    refused = None if may_undo_not_held(request.user, session) else CANNOT_UNDO_MESSAGE
    return _reason_form(
        request,
        klass,
        session,
        undo_not_held,
        "undone_by",
        UNDONE_MESSAGE,
        "undo_not_held",
        refused,
    )


def _reason_form(request, klass, session, service, user_argument, done, template, refused):
    """A session change that takes a reason (void, undo "not held"): the form, one
    service call with the exactly-once key, a redirect to the session with a message.
    `refused`: why the form is not shown to this user now (GET), or None."""
    session_date = session.session_date
    form = parse(VoidForm, request.POST)
    context = {
        "klass": klass,
        "session_date": session_date,
        "session": session,
        "problems": [],
        "reason": form["reason"],
        "submission_key": form_key(request),
    }
    if request.method == "POST":
        try:
            service(
                submission=submitted_key(request, outcome_url=detail_url(klass, session_date)),
                klass=klass,
                session_date=session_date,
                reason=form["reason"],
                expected_version=form["version"],
                **{user_argument: request.user},
            )
        except AlreadySubmitted as replay:
            return replay_response(request, replay)
        except InvalidSubmission as invalid:
            context["problems"] = [Problem(invalid.message)]
        except CaptureRejected as rejected:
            context["problems"] = rejected.problems
        except (SessionChangedMeanwhile, SessionNotAvailable, NotAllowed) as refusal:
            messages.warning(request, refusal.message)
            return redirect(detail_url(klass, session_date))
        else:
            messages.success(request, done.format(date=date_format(session_date)))
            return redirect(detail_url(klass, session_date))
    elif refused is not None:
        messages.warning(request, refused)
        return redirect(detail_url(klass, session_date))
    status = 400 if context["problems"] else 200
    return render(request, f"classes/{template}.html", context, status=status)
