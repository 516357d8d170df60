"""Recording a session: capture, or mark that it did not happen."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from attendance_project.offline import DAYS_AHEAD, offline_page, prefetching
from classes.drafts import CAPTURE
from classes.forms import CaptureForm, NotHeldForm, parse
from classes.models import AttendanceSession
from classes.selectors import class_for, roster
from classes.services import (
    CaptureRejected,
    NotAllowed,
    Problem,
    SessionAlreadyRecorded,
    SessionNotAvailable,
    capture_session,
    mark_session_not_held,
)
from classes.services.capture import recordable_session
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
from submissions.keys import (
    AlreadySubmitted,
    InvalidSubmission,
)

CAPTURED_MESSAGE = "Attendance for {date} captured for {count} learners."
NOT_HELD_MESSAGE = "{date} recorded as “{status}”."


# The absence remarks are free text about learners (personal data): an error report
# (were one ever e-mailed) shows none of the POST's values.
@sensitive_post_parameters()
@login_required
@require_http_methods(["GET", "POST"])
@offline_page
def capture(request, class_id: int, session_date: datetime.date):
    klass = class_for(request.user, class_id)
    context = {"klass": klass, "session_date": session_date, "problems": [], "confirm": set()}
    if request.method == "POST":
        # The service reads the roster itself; the view needs it only to show the
        # form again, so a successful submit does not read it twice.
        entries, _, stray = entries_from_post(request.POST, {})
        confirmed = parse(CaptureForm, request.POST)
        # Reversed once: the key's outcome and the redirect are the session's page.
        outcome_url = detail_url(klass, session_date)
        try:
            if stray:
                raise CaptureRejected(problems=[Problem(STRAY_FIELD.format(field=stray[0]))])
            capture_session(
                klass=klass,
                session_date=session_date,
                recorded_by=request.user,
                entries=entries,
                everyone_absent=confirmed["everyone_absent"],
                lower_pages_confirmed=confirmed["confirm_lower_pages"],
                rest_absent=confirmed["rest_absent"],
                submission=submitted_key(request, outcome_url=outcome_url),
            )
        except AlreadySubmitted as replay:
            return replay_response(request, replay)
        except InvalidSubmission as invalid:
            context["problems"] = [Problem(invalid.message)]
        except CaptureRejected as rejected:
            context["problems"] = rejected.problems + rejected.confirmations
            context["confirm"] = {p.field for p in rejected.confirmations if p.learner_id is None}
        except (SessionAlreadyRecorded, SessionNotAvailable, NotAllowed) as refused:
            return _refused(request, klass, session_date, refused)
        else:
            # Accepted: exactly one entry per roster learner.
            messages.success(
                request,
                CAPTURED_MESSAGE.format(date=date_format(session_date), count=len(entries)),
            )
            # A path already: redirect() would first try it as a URL name.
            return with_outcome(HttpResponseRedirect(outcome_url), SAVED)
    # The form (again): the planned session from the one recordability rule, asked
    # once (on a GET with the session's row: a recorded one is not offered again).
    # A phone getting ready to go offline may keep the form of a session in the coming
    # week (issue 13); it can be sent once the day has come.
    ahead = DAYS_AHEAD if request.method == "GET" and prefetching(request) else 0
    planned, refused = _recordable(
        klass, session_date, request.user, request.method == "GET", days_ahead=ahead
    )
    if refused is not None:
        return _refused(request, klass, session_date, refused)
    learners = roster(klass, session_date)
    # Every row starts unset; the page starts at the learner's previous page, which may
    # stay as it is (issue 12, point 2).
    values = {
        r.learner.pk: {"hours": "", "page": "" if r.previous_page is None else str(r.previous_page)}
        for r in learners
    }
    if request.method == "POST":
        _, values, _ = entries_from_post(request.POST, values)
    context.update(
        {
            "submission_key": form_key(request),
            "planned": planned,
            "rows": capture_rows(learners, values, context["problems"], planned.hours),
            "total_pages": klass.programme.total_pages,
            "absence_choices": ABSENCE_CHOICES,
            **drafts_context(request, klass, session_date, kind=CAPTURE),
        }
    )
    status = 400 if request.method == "POST" else 200
    return render(request, "classes/capture.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def not_held(request, class_id: int, session_date: datetime.date):
    klass = class_for(request.user, class_id)
    form = parse(NotHeldForm, request.POST)
    context = {
        "klass": klass,
        "session_date": session_date,
        "choices": [
            (AttendanceSession.Status.CLIENT_CANCELLED, "The client cancelled"),
            (AttendanceSession.Status.AGENT_ABSENT, "The facilitator was absent"),
        ],
        "problems": [],
        "chosen": form["status"],
        "notes": form["notes"],
    }
    context["submission_key"] = form_key(request)
    if request.method == "POST":
        try:
            session = mark_session_not_held(
                klass=klass,
                session_date=session_date,
                recorded_by=request.user,
                status=context["chosen"],
                notes=context["notes"],
                submission=submitted_key(request, outcome_url=detail_url(klass, session_date)),
            )
        except AlreadySubmitted as replay:
            return replay_response(request, replay)
        except InvalidSubmission as invalid:
            context["problems"] = [Problem(invalid.message)]
        except CaptureRejected as rejected:
            context["problems"] = rejected.problems
        except (SessionAlreadyRecorded, SessionNotAvailable, NotAllowed) as refused:
            return _refused(request, klass, session_date, refused)
        else:
            label = session.get_status_display()
            messages.success(
                request, NOT_HELD_MESSAGE.format(date=date_format(session_date), status=label)
            )
            return with_outcome(redirect(detail_url(klass, session_date)), SAVED)
    else:
        _, refused = _recordable(klass, session_date, request.user, True)
        if refused is not None:
            return _refused(request, klass, session_date, refused)
    status = 400 if context["problems"] else 200
    return render(request, "classes/not_held.html", context, status=status)


def _recordable(klass, session_date, user, with_row: bool, days_ahead: int = 0):
    """(the planned session, None) if the session may be recorded, else (None, the
    refusal to show): the one recordability rule, which the POST's service asks too.
    `with_row`: with the session's row, so that a recorded session is refused."""
    row = None
    if with_row:
        row = AttendanceSession.objects.filter(klass=klass, session_date=session_date).first()
    try:
        planned = recordable_session(
            klass=klass, session_date=session_date, user=user, row=row, days_ahead=days_ahead
        )
    except (SessionAlreadyRecorded, SessionNotAvailable, NotAllowed) as refused:
        return None, refused
    return planned, None


def _refused(request, klass, session_date, refused):
    messages.warning(request, refused.message)
    if isinstance(refused, SessionAlreadyRecorded):
        return with_outcome(redirect(detail_url(klass, session_date)), CONFLICT)
    url = reverse("classes:attendance", args=[klass.pk])
    return with_outcome(redirect(f"{url}?month={session_date:%Y-%m}"), REFUSED)
