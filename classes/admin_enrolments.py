"""Enrolments in the admin: enrolled through the enrolment service, ended through it
("End enrolments…", with a date and a reason), never edited or deleted once attended.
Plumbing only: the rules are the service's (and the database's triggers)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from classes.models import Enrolment
from classes.services import ClassError, end_enrolment, enrol_learner
from submissions.http import form_key, submitted_key
from submissions.keys import (
    AlreadySubmitted,
    InvalidSubmission,
)

ENDED = "{learner}'s enrolment in {klass} ended on {date} ({status})."


class EndEnrolmentForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            (Enrolment.Status.COMPLETED, "Completed the class"),
            (Enrolment.Status.WITHDRAWN, "Withdrew (or was enrolled by mistake)"),
        ],
        widget=forms.RadioSelect,
    )
    end_date = forms.DateField(
        label="Last day in the class",
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reason = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept in the enrolment's history; auditors read it.",
    )


@admin.action(description="End enrolments…", permissions=["change"])
def end_enrolments(modeladmin, request, queryset):
    enrolments = list(queryset.select_related("learner", "klass").order_by("pk"))
    form = EndEnrolmentForm(request.POST if "apply" in request.POST else None)
    key = form_key(request)
    if form.is_bound:
        try:
            submission = submitted_key(
                request, outcome_url=reverse("admin:classes_enrolment_changelist")
            )
        except InvalidSubmission as invalid:
            form.is_valid()
            form.add_error(None, invalid.message)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        for enrolment in enrolments:
            try:
                ended = end_enrolment(
                    enrolment=enrolment,
                    end_date=data["end_date"],
                    status=data["status"],
                    reason=data["reason"],
                    ended_by=request.user,
                    submission=submission.for_item(enrolment.pk),
                )
            except AlreadySubmitted as replay:
                modeladmin.message_user(request, replay.message, messages.INFO)
            except ClassError as error:
                modeladmin.message_user(request, error.message, messages.ERROR)
            else:
                message = ENDED.format(
                    learner=ended.learner,
                    klass=ended.klass,
                    date=ended.end_date,
                    status=ended.get_status_display().lower(),
                )
                modeladmin.message_user(request, message, messages.SUCCESS)
        return None  # back to the list, which shows the messages
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": "End enrolments",
        "opts": modeladmin.model._meta,
        "form": form,
        "enrolments": enrolments,
        "media": modeladmin.media,
        "submission_key": key,
    }
    return TemplateResponse(request, "admin/classes/enrolment/end_enrolments.html", context)


def enrol_from_admin(request, *, learner, klass, start_date, modeladmin) -> Enrolment | None:
    """Enrol through the service with the change form's key; None (and a message) if
    the form's key is not valid or was already used for this learner and class."""
    try:
        submission = submitted_key(
            request, outcome_url=reverse("admin:classes_class_change", args=[klass.pk])
        )
        enrolment, _ = enrol_learner(
            learner=learner,
            klass=klass,
            start_date=start_date,
            enrolled_by=request.user,
            submission=submission.for_item(f"{klass.pk}:{learner.pk}"),
        )
    except (InvalidSubmission, AlreadySubmitted) as refused:
        modeladmin.message_user(request, refused.message, messages.WARNING)
        return None
    return enrolment
