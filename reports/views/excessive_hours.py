"""Recording what was done about a learner's excessive hours (a write: POST with
CSRF, through reports.services, then back to the report)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from classes.forms import parse
from classes.services.capture import Problem, Refused
from reports.excessive_hours import RESOLUTION_HIDES_FOR, over_allocation_row
from reports.forms import ResolutionForm
from reports.models import RECORD_RESOLUTION, VIEW_REPORTS, ExcessiveHoursResolution
from reports.services import (
    NOT_ALLOWED,
    NOT_FLAGGED,
    ResolutionRejected,
    record_resolution,
)
from submissions.http import form_key, replay_response, submitted_key
from submissions.keys import AlreadySubmitted, InvalidSubmission

RESOLVED_MESSAGE = (
    "Resolution recorded for {learner}: the flag is hidden for {days} days and shows "
    "again after that if they are still over their hours."
)


@login_required
@permission_required(VIEW_REPORTS, raise_exception=True)
@require_http_methods(["GET", "POST"])
def resolve(request, progression_id: int):
    if not request.user.has_perm(RECORD_RESOLUTION):
        raise PermissionDenied(NOT_ALLOWED)
    # The primary, not the replica: this page writes, and must show what it wrote.
    row = over_allocation_row(progression_id, now=timezone.now(), using="default")
    if row is None:
        raise Http404(NOT_FLAGGED.format(learner="This learner"))
    form = parse(ResolutionForm, request.POST)
    context = {
        "row": row,
        "kinds": ExcessiveHoursResolution.Kind.choices,
        "chosen": form["kind"],
        "notes": form["notes"],
        "problems": [],
        "hides_for_days": RESOLUTION_HIDES_FOR.days,
        "submission_key": form_key(request),
    }
    if request.method == "POST":
        try:
            record_resolution(
                submission=submitted_key(request, outcome_url=reverse("reports:excessive_hours")),
                progression_id=progression_id,
                kind=form["kind"],
                notes=form["notes"],
                resolved_by=request.user,
            )
        except AlreadySubmitted as replay:
            return replay_response(request, replay)
        except InvalidSubmission as invalid:
            context["problems"] = [Problem(invalid.message)]
        except ResolutionRejected as rejected:
            context["problems"] = rejected.problems
            context["problem_fields"] = {p.field for p in rejected.problems}
        except Refused as refused:
            messages.warning(request, refused.message)
            return redirect("reports:excessive_hours")
        else:
            messages.success(
                request,
                RESOLVED_MESSAGE.format(
                    learner=row.progression.learner, days=RESOLUTION_HIDES_FOR.days
                ),
            )
            return redirect("reports:excessive_hours")
    status = 400 if context["problems"] else 200
    return render(request, "reports/resolve.html", context, status=status)
