"""The learner's admin (with POPIA's duties) and the access log."""

from __future__ import annotations

import datetime
from contextvars import ContextVar

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.http import HttpResponse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from attendance_project.admin_mixins import ReadOnlyAdminMixin, SafeAutocompleteMixin
from learners.lookups import CodeList, LookupCode, LookupVersion
from learners.models import RATING_FIELDS, Learner
from learners.readiness import OPTIONAL_CODES, REQUIRED_CODES, CodeBook, problems
from records import access
from records.models import AccessLog
from records.roles import SUBJECT_ACCESS, may_see_special
from records.subject_access import subject_access_file

# The code lists for the changelist's "ready" column, read once per request (a
# context variable: the admin instance is shared by every thread).
_LIST_BOOK: ContextVar[CodeBook | None] = ContextVar("learner_list_book", default=None)
# Whether the user rendering the form may see special information: the readiness
# list words a special field's problem without its value otherwise.
_SPECIAL: ContextVar[bool] = ContextVar("learner_form_special", default=False)
NOT_READY_SAVED = "{learner} is saved, but not ready to submit to funders: {problems}"
ONE_LEARNER = "Choose one learner for a subject-access file."


def _code_choices(codes: list[LookupCode], code_list: str, current: str):
    choices = [("", "—")] + [
        (c.code, f"{c.code} – {c.description}") for c in codes if c.code_list == code_list
    ]
    if current and current not in {c for c, _ in choices}:
        choices.append((current, f"{current} (not in the code list)"))
    return choices


@admin.register(Learner)
class LearnerAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    list_select_related = ["employer"]
    # The employer is a plain select (a provider has tens of clients, not thousands):
    # the autocomplete's combobox has no accessible name while empty (axe, serious).
    readonly_fields = ["ready_to_submit", "lookup_version", "anonymised_at"]
    # The default; get_search_fields adds the identity numbers for those who may see them.
    search_fields = ["surname", "first_names"]
    actions = ["produce_subject_access_file"]

    # --- what each user may see -------------------------------------------------

    def get_list_display(self, request):
        special = ["id_number", "passport_number"] if may_see_special(request.user) else []
        return ["surname", "first_names", *special, "employer", "gender", "ready"]

    def get_list_filter(self, request):
        return (
            ["race", "gender", "employer"]
            if may_see_special(request.user)
            else [
                "gender",
                "employer",
            ]
        )

    def get_search_fields(self, request):
        special = ["=id_number", "=passport_number"] if may_see_special(request.user) else []
        return [*self.search_fields, *special]

    def has_add_permission(self, request):
        # A new learner needs an identity number, which only the permission shows.
        return super().has_add_permission(request) and may_see_special(request.user)

    def get_fieldsets(self, request, obj=None):
        special = may_see_special(request.user)
        sets = [
            (
                None,
                {
                    "fields": ["first_names", "surname", "employer", "gender"],
                    "description": settings.POPIA_COLLECTION_NOTICE,
                },
            ),
            ("Ready to submit", {"fields": ["ready_to_submit"]}),
        ]
        if special:
            sets.append(
                (
                    "Identity and population group (special personal information)",
                    {
                        "fields": [
                            "id_number",
                            "passport_number",
                            "alternate_id_type",
                            "birth_date",
                            "race",
                            "equity_code",
                        ]
                    },
                )
            )
        sets.append(
            (
                "Funder codes",
                {
                    "fields": [
                        "gender_code",
                        "home_language_code",
                        "citizen_status_code",
                        "nationality_code",
                        "socio_economic_code",
                        "province_code",
                        "statssa_area_code",
                        "lookup_version",
                    ]
                },
            )
        )
        if special:
            sets.append(
                (
                    "Functional difficulty (special personal information)",
                    {"fields": list(RATING_FIELDS)},
                )
            )
        sets.append(("POPI Act consent", {"fields": ["popi_status", "popi_status_date"]}))
        if obj is not None and obj.anonymised_at is not None:
            sets.append(("Retention", {"fields": ["anonymised_at"]}))
        return sets

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        version = (obj.lookup_version if obj is not None else None) or (
            LookupVersion.objects.order_by("-loaded_at", "-id").first()
        )
        # Every list of the version in one query.
        lists = list(LookupCode.objects.filter(version=version)) if version is not None else []
        codes = {
            **REQUIRED_CODES,
            **OPTIONAL_CODES,
            "alternate_id_type": CodeList.ALTERNATE_ID_TYPE,
        }
        for field, code_list in codes.items():
            if field in form.base_fields:
                current = getattr(obj, field, "") if obj is not None else ""
                base = form.base_fields[field]
                form.base_fields[field] = forms.ChoiceField(
                    label=base.label,
                    required=False,
                    choices=_code_choices(lists, code_list, current),
                    help_text=base.help_text,
                )
        return form

    # --- readiness ---------------------------------------------------------------

    @admin.display(description="ready to submit")
    def ready_to_submit(self, obj):
        if obj is None or obj.pk is None:
            return "Saved learners are checked against the funders' rules."
        found = problems(obj, CodeBook([obj.lookup_version_id]), today=timezone.localdate())
        if not found:
            return "Ready: nothing missing."
        return format_html(
            "Not ready:<ul>{}</ul>",
            format_html_join(
                "", "<li>{}</li>", ((p.shown(special=_SPECIAL.get()),) for p in found)
            ),
        )

    @admin.display(description="ready", boolean=True)
    def ready(self, obj):
        book = _LIST_BOOK.get() or CodeBook([obj.lookup_version_id])
        return not problems(obj, book, today=timezone.localdate())

    def changelist_view(self, request, extra_context=None):
        token = _LIST_BOOK.set(CodeBook(LookupVersion.objects.values_list("pk", flat=True)))
        try:
            response = super().changelist_view(request, extra_context)
            # The rows are rendered here, while the code lists are set.
            if hasattr(response, "render"):
                response.render()
        finally:
            _LIST_BOOK.reset(token)
        # The list shows ID numbers to those who may see them: each learner listed is
        # a view of their special information.
        shown = getattr(response, "context_data", None) or {}
        changelist = shown.get("cl")
        if changelist is not None and may_see_special(request.user):
            access.log_access(
                [learner.pk for learner in changelist.result_list],
                action=AccessLog.Action.VIEWED,
                what=access.LISTED,
                page=request.path,
                user=request.user,
            )
        return response

    def save_model(self, request, obj, form, change):
        if obj.lookup_version_id is None:
            obj.lookup_version = LookupVersion.objects.order_by("-loaded_at", "-id").first()
        super().save_model(request, obj, form, change)
        found = problems(obj, CodeBook([obj.lookup_version_id]), today=timezone.localdate())
        if found:
            self.message_user(
                request,
                NOT_READY_SAVED.format(
                    learner=obj,
                    problems="; ".join(
                        p.shown(special=may_see_special(request.user)) for p in found
                    ),
                ),
                messages.WARNING,
            )

    # --- POPIA: every view logged; the subject-access file ---------------------------

    def has_change_permission(self, request, obj=None):
        # An anonymised record stays as the retention run left it: a form opened
        # before the run cannot write the names back.
        if obj is not None and obj.anonymised_at is not None:
            return False
        return super().has_change_permission(request, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        token = _SPECIAL.set(may_see_special(request.user))
        try:
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render"):
                response.render()
        finally:
            _SPECIAL.reset(token)
        if object_id and request.method == "GET" and response.status_code == 200:
            learner = self.get_object(request, object_id)
            if learner is not None:
                access.log_access(
                    [learner.pk],
                    action=AccessLog.Action.VIEWED,
                    what=access.SPECIAL
                    if may_see_special(request.user)
                    else access.NAMES_AND_HOURS,
                    # The path only: a query string may carry a search for an ID
                    # number, which an append-only log would keep for ever.
                    page=request.path,
                    user=request.user,
                )
        return response

    @admin.action(description="Produce the subject-access file", permissions=["subject_access"])
    def produce_subject_access_file(self, request, queryset):
        learners = list(queryset[:2])
        if len(learners) != 1:
            self.message_user(request, ONE_LEARNER, messages.ERROR)
            return None
        (learner,) = learners
        body = subject_access_file(learner=learner, user=request.user, page=request.path)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        stamp = datetime.date.isoformat(timezone.localdate())
        response["Content-Disposition"] = (
            f'attachment; filename="subject-access-learner-{learner.pk}-{stamp}.json"'
        )
        response["Cache-Control"] = "no-store"
        return response

    def has_subject_access_permission(self, request):
        # The file holds the ID number and the race: the special permission too.
        return request.user.has_perm(SUBJECT_ACCESS) and may_see_special(request.user)


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "by", "action", "learner", "what", "page"]
    list_filter = ["action", "at"]
    list_select_related = ["learner"]
    search_fields = ["=learner__id", "learner__surname", "by"]
    date_hierarchy = "at"
    fields = ["at", "by", "user", "action", "learner", "what", "page"]
