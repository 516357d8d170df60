from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from attendance_project.admin_mixins import ReadOnlyAdminMixin, ReadOnlyInlineMixin
from learners.models import Learner
from progression.forms import ManualHoursForm
from progression.models import ClassType, HoursLog, LearningProgramme, Progression
from progression.services import HoursEntry, ProgressionError, ProgressionService

MANUAL_HOURS_LOGGED = "Logged {present} of {trained} hours for {learner}."


class LearningProgrammeInline(admin.TabularInline):
    model = LearningProgramme
    extra = 0


@admin.register(ClassType)
class ClassTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "hours_capped"]
    list_filter = ["hours_capped"]
    search_fields = ["code", "name"]
    inlines = [LearningProgrammeInline]


@admin.register(LearningProgramme)
class LearningProgrammeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "class_type", "subject_duration", "total_pages"]
    list_filter = ["class_type"]
    list_select_related = ["class_type"]
    search_fields = ["code", "name", "class_type__code"]


class HoursLogInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = HoursLog
    fk_name = "tracking"
    fields = ["log_date", "hours_trained", "hours_present", "source", "session", "created_by"]
    readonly_fields = fields
    ordering = ["-log_date", "-id"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("session", "created_by")


@admin.register(Progression)
class ProgressionAdmin(admin.ModelAdmin):
    list_display = [
        "learner",
        "programme",
        "klass",
        "status",
        "hours_trained",
        "hours_present",
        "hours_absent",
        "start_date",
        "completion_date",
    ]
    list_filter = ["status", "programme__class_type", "programme"]
    list_select_related = ["learner", "programme", "klass"]
    search_fields = ["learner__surname", "learner__first_names", "=learner__id_number"]
    # Totals and status only change through services, so the ledger stays the truth.
    readonly_fields = [*list_display, "marked_complete_by"]
    fields = [*readonly_fields, "notes"]
    inlines = [HoursLogInline]

    def has_add_permission(self, request):
        # Progressions start when a learner is enrolled in a class.
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LearnerFilter(admin.SimpleListFilter):
    """Filter by one learner, reached from a learner or progression link (?learner=ID).

    A full list of learners would be tens of thousands of choices, so only the
    selected one is offered; search finds learners by name or ID number.
    """

    title = "learner"
    parameter_name = "learner"

    def lookups(self, request, model_admin):
        value = self.value()
        if value and value.isdigit():
            learner = Learner.objects.filter(pk=value).first()
            if learner is not None:
                return [(value, str(learner))]
        return []

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(learner_id=value)
        return queryset


@admin.register(HoursLog)
class HoursLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The ledger, read-only: rows are added by ProgressionService and never changed."""

    list_display = [
        "log_date",
        "learner",
        "programme",
        "klass",
        "hours_trained",
        "hours_present",
        "source",
        "session",
        "created_by",
        "created_at",
    ]
    list_filter = ["source", "log_date", "klass", LearnerFilter]
    list_select_related = ["learner", "programme", "klass", "session", "created_by"]
    search_fields = [
        "learner__surname",
        "learner__first_names",
        "=learner__id_number",
        "klass__code",
    ]
    date_hierarchy = "log_date"
    readonly_fields = [f.name for f in HoursLog._meta.fields]

    def get_urls(self):
        return [
            path(
                "manual/",
                self.admin_site.admin_view(self.manual_hours_view),
                name="progression_hourslog_manual",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_log_manual_hours": request.user.has_perm("progression.add_hourslog"),
        }
        return super().changelist_view(request, extra_context)

    def manual_hours_view(self, request):
        # The ledger's add permission is the right to credit hours by hand.
        if not request.user.has_perm("progression.add_hourslog"):
            raise PermissionDenied
        form = ManualHoursForm(request.POST or None, initial=request.GET.dict())
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                ProgressionService.log_hours_batch(
                    entries=[
                        HoursEntry(
                            learner_id=data["learner"].pk,
                            hours_trained=data["hours_trained"],
                            hours_present=data["hours_present"],
                            notes=data["notes"],
                        )
                    ],
                    source=HoursLog.Source.MANUAL,
                    created_by=request.user,
                    log_date=data["log_date"],
                )
            except ProgressionError as error:
                form.add_error(None, error.message)
            else:
                self.message_user(
                    request,
                    MANUAL_HOURS_LOGGED.format(
                        present=data["hours_present"],
                        trained=data["hours_trained"],
                        learner=data["learner"],
                    ),
                    messages.SUCCESS,
                )
                return redirect(
                    reverse("admin:progression_hourslog_changelist")
                    + f"?learner={data['learner'].pk}"
                )
        context = {
            **self.admin_site.each_context(request),
            "title": "Log manual hours",
            "form": form,
            "opts": self.model._meta,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/progression/hourslog/manual_hours.html", context)
