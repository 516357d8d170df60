"""The progression admin's status actions: put on hold, resume, mark complete, start a
new programme. Each asks for its input on an intermediate page (date, reason,
portfolio file, programme), then calls one service per progression and reports the
outcome of each as a message. No rule lives here: a refusal is the service's message.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import date_format

from progression.forms import CompleteForm, HoldForm, ResumeForm, StartProgrammeForm
from progression.models import Progression
from progression.services import (
    ProgressionError,
    mark_complete,
    put_on_hold,
    resume,
    start_new_programme,
)
from submissions.http import form_key, submitted_key
from submissions.keys import (
    AlreadySubmitted,
    InvalidSubmission,
)

HELD = "{learner}'s {programme} is on hold from {date}."
RESUMED = "{learner}'s {programme} is in progress again from {date}."
COMPLETED = "{learner}'s {programme} is completed on {date}{portfolio}."
WITH_PORTFOLIO = ", with the portfolio"
STARTED = "{learner} started {programme} on {date}{held}."
PUT_ON_HOLD = "; {programme} was put on hold"

# Posted by the buttons on a progression's page, carried through the intermediate
# page: go back to that page afterwards rather than to the list.
FROM_CHANGE_PAGE = "_from_change_page"


def _action_page(
    modeladmin: admin.ModelAdmin,
    request,
    queryset,
    *,
    action: str,
    form_class: type,
    title: str,
    submit: str,
    apply: Callable[..., str],
):
    progressions = list(queryset.select_related("learner", "programme", "klass").order_by("pk"))
    if request.POST.get(FROM_CHANGE_PAGE) and len(progressions) == 1:
        done_url = reverse("admin:progression_progression_change", args=[progressions[0].pk])
    else:
        done_url = reverse("admin:progression_progression_changelist")
    key = form_key(request)
    if "apply" in request.POST:
        form = form_class(request.POST, request.FILES, selected=len(progressions))
        try:
            submission = submitted_key(request, outcome_url=done_url)
        except InvalidSubmission as invalid:
            form.is_valid()
            form.add_error(None, invalid.message)
        if form.is_valid():
            for progression in progressions:
                try:
                    # One key per progression, each in its own service transaction.
                    message = apply(
                        progression, form.cleaned_data, submission.for_item(progression.pk)
                    )
                except AlreadySubmitted as replay:
                    modeladmin.message_user(request, replay.message, messages.INFO)
                except ProgressionError as error:
                    modeladmin.message_user(request, error.message, messages.ERROR)
                else:
                    if message:
                        modeladmin.message_user(request, message, messages.SUCCESS)
            if request.POST.get(FROM_CHANGE_PAGE) and len(progressions) == 1:
                return HttpResponseRedirect(done_url)
            return None  # back to the list, which shows the messages
    else:
        form = form_class(selected=len(progressions))
    opts = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "opts": opts,
        "form": form,
        "progressions": progressions,
        "action": action,
        "submit": submit,
        "from_change_page": request.POST.get(FROM_CHANGE_PAGE, ""),
        "submission_key": key,
        "media": modeladmin.media + form.media,
    }
    return TemplateResponse(request, "admin/progression/progression/status_action.html", context)


@admin.action(description="Put on hold…", permissions=["change"])
def hold_progressions(modeladmin, request, queryset):
    def apply(progression, data, submission):
        held = put_on_hold(
            submission=submission,
            progression=progression,
            effective_date=data["effective_date"],
            changed_by=request.user,
            reason=data["reason"],
        )
        return HELD.format(
            learner=held.learner, programme=held.programme, date=date_format(data["effective_date"])
        )

    return _action_page(
        modeladmin,
        request,
        queryset,
        action="hold_progressions",
        form_class=HoldForm,
        title="Put programmes on hold",
        submit="Put on hold",
        apply=apply,
    )


@admin.action(description="Resume…", permissions=["change"])
def resume_progressions(modeladmin, request, queryset):
    def apply(progression, data, submission):
        resumed = resume(
            submission=submission,
            progression=progression,
            effective_date=data["effective_date"],
            changed_by=request.user,
        )
        return RESUMED.format(
            learner=resumed.learner,
            programme=resumed.programme,
            date=date_format(data["effective_date"]),
        )

    return _action_page(
        modeladmin,
        request,
        queryset,
        action="resume_progressions",
        form_class=ResumeForm,
        title="Resume programmes",
        submit="Resume",
        apply=apply,
    )


@admin.action(description="Mark complete…", permissions=["change"])
def complete_progressions(modeladmin, request, queryset):
    def apply(progression, data, submission):
        portfolio = data.get("portfolio")
        completed = mark_complete(
            submission=submission,
            progression=progression,
            completion_date=data["completion_date"],
            completed_by=request.user,
            portfolio=portfolio,
        )
        return COMPLETED.format(
            learner=completed.learner,
            programme=completed.programme,
            date=date_format(completed.completion_date),
            portfolio=WITH_PORTFOLIO if portfolio else "",
        )

    return _action_page(
        modeladmin,
        request,
        queryset,
        action="complete_progressions",
        form_class=CompleteForm,
        title="Mark programmes complete",
        submit="Mark complete",
        apply=apply,
    )


@admin.action(description="Start a new learning programme…", permissions=["change"])
def start_programmes(modeladmin, request, queryset):
    started_learners: set[int] = set()

    def apply(progression, data, submission):
        if progression.learner_id in started_learners:
            # Two selected progressions of one learner: one new programme.
            return ""
        started_learners.add(progression.learner_id)
        started = start_new_programme(
            learner=progression.learner,
            programme=data["programme"],
            start_date=data["start_date"],
            klass=data["klass"],
            started_by=request.user,
            submission=submission,
        )
        held = started.put_on_hold
        return STARTED.format(
            learner=progression.learner,
            programme=data["programme"],
            date=date_format(data["start_date"]),
            held=PUT_ON_HOLD.format(programme=held.programme) if held else "",
        )

    return _action_page(
        modeladmin,
        request,
        queryset,
        action="start_programmes",
        form_class=StartProgrammeForm,
        title="Start a new learning programme",
        submit="Start the programme",
        apply=apply,
    )


# The actions offered for a progression in each status (the buttons on its page).
ACTIONS_BY_STATUS = {
    Progression.Status.IN_PROGRESS: [
        ("hold_progressions", "Put on hold"),
        ("complete_progressions", "Mark complete"),
        ("start_programmes", "Start a new programme"),
    ],
    Progression.Status.ON_HOLD: [
        ("resume_progressions", "Resume"),
        ("complete_progressions", "Mark complete"),
        ("start_programmes", "Start a new programme"),
    ],
    Progression.Status.COMPLETED: [("start_programmes", "Start a new programme")],
}
