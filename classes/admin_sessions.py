"""What the office does with recorded sessions in the admin: void them (with a
reason), and credit attendance that was recorded before the learner's programme
existed ("not credited", DESIGN rule 8). Plumbing only: the rules are the services'.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import date_format

from attendance_project.parsing import parse_int
from classes.selectors import credited, not_credited
from classes.services import CaptureRejected, Refused, credit_uncredited, void_session
from submissions.keys import (
    AlreadySubmitted,
    InvalidSubmission,
    issue_key,
    key_from_post,
    reissue_or_keep,
)

VOIDED = "Voided {klass} on {date}: its hours were reversed and it is pending again."
NOT_VOIDED = "{klass} on {date} was not voided: {reason}"
TOO_MANY_TO_CREDIT = (
    "Only the first {limit} selected rows were processed; run “credit now” again for the rest."
)
NOTHING_TO_CREDIT = "None of the selected rows needs crediting (any more)."
# Each row gets its own message; more than this many at once is no longer readable.
CREDIT_LIMIT = 500


class VoidForm(forms.Form):
    reason = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept in each session's history; auditors read it.",
    )


@admin.action(description="Void selected sessions…", permissions=["void_session"])
def void_sessions(modeladmin, request, queryset):
    """Reverse the hours of the selected sessions and return them to pending."""
    sessions = list(queryset.select_related("klass").order_by("session_date", "pk"))
    form = VoidForm(request.POST if "apply" in request.POST else None)
    key = issue_key(user=request.user, purpose=request.path)
    if form.is_bound:
        key = reissue_or_keep(request.POST, user=request.user, purpose=request.path)
        try:
            submission = key_from_post(
                request.POST, user=request.user, purpose=request.path, outcome_url=_list_url()
            )
        except InvalidSubmission as invalid:
            form.is_valid()
            form.add_error(None, invalid.message)
    if form.is_bound and form.is_valid():
        for session in sessions:
            facts = {"klass": session.klass, "date": date_format(session.session_date)}
            try:
                void_session(
                    submission=submission.for_item(session.pk),
                    klass=session.klass,
                    session_date=session.session_date,
                    voided_by=request.user,
                    reason=form.cleaned_data["reason"],
                    expected_version=_version_shown(request, session),
                )
            except AlreadySubmitted as replay:
                modeladmin.message_user(request, replay.message, messages.INFO)
            except Refused as refused:
                message = NOT_VOIDED.format(reason=refused.message, **facts)
                modeladmin.message_user(request, message, messages.WARNING)
            except CaptureRejected as rejected:
                message = NOT_VOIDED.format(reason=str(rejected), **facts)
                modeladmin.message_user(request, message, messages.ERROR)
            else:
                modeladmin.message_user(request, VOIDED.format(**facts), messages.SUCCESS)
        return None  # back to the list, which shows the messages
    opts = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": "Void sessions",
        "opts": opts,
        "form": form,
        "sessions": sessions,
        "media": modeladmin.media,
        "submission_key": key,
    }
    return TemplateResponse(request, "admin/classes/attendancesession/void_sessions.html", context)


def _list_url() -> str:
    return reverse("admin:classes_attendancesession_changelist")


def _version_shown(request, session) -> int:
    """The session's version when the confirmation page was shown: a session changed
    after that (corrected, captured again) is refused as "changed meanwhile" rather
    than voided unseen."""
    version = parse_int(request.POST.get(f"version_{session.pk}"))
    return session.version if version is None else version


class CreditedFilter(admin.SimpleListFilter):
    title = "hours credited"
    parameter_name = "credited"

    def lookups(self, request, model_admin):
        return [("no", "Not credited"), ("yes", "Credited")]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return not_credited(queryset)
        if self.value() == "yes":
            return queryset.filter(credited())
        return queryset


@admin.action(
    description="Credit now (learners whose programme has started since)", permissions=["credit"]
)
def credit_now(modeladmin, request, queryset):
    """Credit the selected rows' hours through the crediting service, one message per
    row: credited, or why not (yet)."""
    # "Select all" of a filtered list means the rows there are to credit; rows ticked
    # one by one are each answered, "already credited" included.
    try:
        submission = key_from_post(
            request.POST,
            user=request.user,
            purpose=request.path,
            outcome_url=reverse("admin:classes_learnerattendance_changelist"),
        )
    except InvalidSubmission as invalid:
        modeladmin.message_user(request, invalid.message, messages.ERROR)
        return
    across = request.POST.get("select_across") == "1"
    rows = not_credited(queryset) if across else queryset
    ids = list(rows.order_by("pk").values_list("pk", flat=True)[: CREDIT_LIMIT + 1])
    if not ids:
        # A second click on the "not credited" list: the rows have left it.
        modeladmin.message_user(request, NOTHING_TO_CREDIT, messages.INFO)
        return
    if len(ids) > CREDIT_LIMIT:
        ids = ids[:CREDIT_LIMIT]
        modeladmin.message_user(
            request, TOO_MANY_TO_CREDIT.format(limit=CREDIT_LIMIT), messages.WARNING
        )
    try:
        outcomes = credit_uncredited(
            attendance_ids=ids, credited_by=request.user, submission=submission
        )
    except Refused as refused:
        modeladmin.message_user(request, refused.message, messages.ERROR)
        return
    for outcome in outcomes:
        level = messages.SUCCESS if outcome.credited else messages.WARNING
        modeladmin.message_user(request, outcome.message, level)
