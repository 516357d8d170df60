from django import forms
from django.contrib import admin, messages
from django.db import transaction

from attendance_project.admin_filters import DateRangeFilter, facilitator_filter
from attendance_project.admin_lists import LargeTableAdminMixin
from attendance_project.admin_mixins import (
    CheckedInlineMixin,
    IdentitySearchMixin,
    KeyedChangeFormMixin,
    ReadOnlyAdminMixin,
    ReadOnlyInlineMixin,
    SafeAutocompleteMixin,
)

# Importing it extends the progression admin with classes, sessions and pages.
from classes import admin_progression  # noqa: F401
from classes.admin_enrolments import end_enrolments, enrol_from_admin
from classes.admin_registers import SignedRegisterInline
from classes.admin_sessions import CreditedFilter, credit_now, void_sessions
from classes.models import (
    AttendanceSession,
    BackupFacilitator,
    Class,
    ClassStatusHistory,
    Enrolment,
    EnrolmentHistory,
    HolidayOverride,
    LearnerAttendance,
    PlannedSessionRow,
    Schedule,
    ScheduleException,
    SchedulePause,
    ScheduleSlot,
    SessionHistory,
    SessionHistoryChange,
)
from classes.selectors import credited, enrolment_attended
from classes.services import (
    ClassError,
    change_class_status,
    check_programme_change,
    programme_is_fixed,
)
from classes.services.corrections import VOID_PERMISSION
from classes.services.crediting import CREDIT_PERMISSION
from classes.services.enrolment import PROGRAMME_FIXED
from classes.services.schedule import rebuild_plan
from submissions.keys import issue_key


class BackupFacilitatorInline(CheckedInlineMixin, admin.TabularInline):
    model = BackupFacilitator
    extra = 0
    autocomplete_fields = ["user"]
    verbose_name = "backup facilitator"


class EnrolmentInline(ReadOnlyInlineMixin, admin.TabularInline):
    """The class's enrolments as they are: never edited here (an enrolment's learner
    and class never change); each links to its page, where it can be ended."""

    model = Enrolment
    fields = readonly_fields = ("learner", "start_date", "end_date", "status")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("learner")


class NewEnrolmentInline(CheckedInlineMixin, admin.TabularInline):
    """Learners to enrol: each goes through the enrolment service (DESIGN rule 8)."""

    model = Enrolment
    extra = 0
    fields = ["learner", "start_date"]
    autocomplete_fields = ["learner"]
    can_delete = False
    verbose_name = "new enrolment"
    verbose_name_plural = "enrol learners"

    def get_queryset(self, request):
        return super().get_queryset(request).none()

    def has_change_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)


class StatusHistoryInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = ClassStatusHistory
    fields = readonly_fields = (
        "changed_at",
        "old_status",
        "new_status",
        "stop_date",
        "changed_by",
        "reason",
    )
    show_change_link = False


class ClassAdminForm(forms.ModelForm):
    status_reason = forms.CharField(
        required=False,
        label="Reason for a status change",
        help_text="Kept in the class's status history.",
    )

    class Meta:
        model = Class
        fields = ["code", "client", "programme", "site", "facilitator", "status", "stop_date"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "programme" in self.fields and programme_is_fixed(self.instance):
            field = self.fields["programme"]
            field.disabled = True
            field.help_text = PROGRAMME_FIXED.format(
                klass=self.instance, programme=self.instance.programme
            )

    def clean_programme(self):
        programme = self.cleaned_data["programme"]
        try:
            check_programme_change(klass=self.instance, programme=programme)
        except ClassError as error:
            raise forms.ValidationError(error.message) from None
        return programme


@admin.register(Class)
class ClassAdmin(SafeAutocompleteMixin, KeyedChangeFormMixin, admin.ModelAdmin):
    form = ClassAdminForm
    list_display = ["code", "client", "programme", "site", "facilitator", "status", "stop_date"]
    list_filter = ["status", "client", "programme__class_type"]
    list_select_related = ["client", "programme", "facilitator"]
    search_fields = [
        "code",
        "site",
        "client__name",
        "facilitator__username",
        "facilitator__first_name",
        "facilitator__last_name",
    ]
    autocomplete_fields = ["client", "programme", "facilitator"]
    inlines = [BackupFacilitatorInline, EnrolmentInline, NewEnrolmentInline, StatusHistoryInline]

    def save_model(self, request, obj, form, change):
        # Status changes go through the service so that they are recorded in the history.
        status, stop_date = obj.status, obj.stop_date
        if change:
            saved = Class.objects.get(pk=obj.pk)
            obj.status, obj.stop_date = saved.status, saved.stop_date
        else:
            obj.status, obj.stop_date = Class.Status.DRAFT, None
        super().save_model(request, obj, form, change)
        if (status, stop_date) != (obj.status, obj.stop_date):
            try:
                change_class_status(
                    klass=obj,
                    status=status,
                    stop_date=stop_date,
                    changed_by=request.user,
                    reason=form.cleaned_data.get("status_reason", ""),
                )
            except ClassError as error:
                self.message_user(request, error.message, messages.ERROR)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Enrolment:
            return super().save_formset(request, form, formset, change)
        # Only new enrolments come in (the existing ones are read-only), each through
        # the service: it starts the learner's progression (DESIGN rule 8).
        for enrolment in formset.save(commit=False):
            if enrolment.pk is None:
                enrol_from_admin(
                    request,
                    learner=enrolment.learner,
                    klass=form.instance,
                    start_date=enrolment.start_date,
                    modeladmin=self,
                )


class EnrolmentHistoryInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = EnrolmentHistory
    fields = readonly_fields = (
        "changed_at",
        "action",
        "start_date",
        "end_date",
        "status",
        "changed_by",
        "reason",
    )
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by")


@admin.register(Enrolment)
class EnrolmentAdmin(
    IdentitySearchMixin, SafeAutocompleteMixin, KeyedChangeFormMixin, admin.ModelAdmin
):
    actions = [end_enrolments]
    inlines = [EnrolmentHistoryInline]
    list_display = ["learner", "klass", "start_date", "end_date", "status"]
    list_filter = ["status", "klass__client"]
    list_select_related = ["learner", "klass"]
    search_fields = [
        "learner__surname",
        "learner__first_names",
        "=learner__id_number",
        "klass__code",
    ]
    autocomplete_fields = ["learner", "klass"]

    def get_readonly_fields(self, request, obj=None):
        # Nothing of an enrolment is edited: it is ended ("End enrolments…", with a
        # reason) and a wrong learner is ended and the right one enrolled.
        if obj is not None:
            return ["learner", "klass", "start_date", "end_date", "status"]
        return []

    def get_actions(self, request):
        actions = super().get_actions(request)
        # Deleting is refused for attended enrolments (and by the database); the bulk
        # action would stop at the first one with a database error.
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None):
        if obj is not None and enrolment_attended(obj):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            return  # nothing is editable; the form saves nothing
        enrolment = enrol_from_admin(
            request,
            learner=obj.learner,
            klass=obj.klass,
            start_date=obj.start_date,
            modeladmin=self,
        )
        if enrolment is None:
            # A replay of this form: the enrolment it made.
            enrolment = Enrolment.objects.get(learner=obj.learner, klass=obj.klass)
        obj.pk = enrolment.pk

    def save_related(self, request, form, formsets, change):
        # The history inline is read-only: nothing is saved. The admin's change message
        # still reads what each formset saved (a "Save" was a 500 without these).
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


@admin.register(EnrolmentHistory)
class EnrolmentHistoryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "enrolment",
        "action",
        "start_date",
        "end_date",
        "status",
        "changed_by",
        "changed_at",
    ]
    list_filter = ["action"]
    list_select_related = ["enrolment__learner", "enrolment__klass", "changed_by"]
    search_fields = ["enrolment__learner__surname", "enrolment__klass__code", "reason"]
    readonly_fields = [f.name for f in EnrolmentHistory._meta.fields]


class ScheduleSlotInline(CheckedInlineMixin, admin.TabularInline):
    model = ScheduleSlot
    extra = 0


class ScheduleExceptionInline(CheckedInlineMixin, admin.TabularInline):
    model = ScheduleException
    extra = 0


class SchedulePauseInline(CheckedInlineMixin, admin.TabularInline):
    model = SchedulePause
    extra = 0


class HolidayOverrideInline(CheckedInlineMixin, admin.TabularInline):
    model = HolidayOverride
    extra = 0


class RebuildsPlanMixin:
    """Saving or deleting what shapes a class's planned sessions rebuilds the class's
    stored plan (classes.services.schedule), in the admin's transaction; a change that
    moves the row to another class or schedule rebuilds both classes' plans."""

    def plan_class_ids(self, obj, form=None) -> set[int]:
        raise NotImplementedError

    def rebuild_plans(self, class_ids) -> None:
        with transaction.atomic():
            for klass in Class.objects.filter(pk__in=class_ids).order_by("pk"):
                rebuild_plan(klass=klass)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self.rebuild_plans(self.plan_class_ids(form.instance, form))

    def delete_model(self, request, obj):
        class_ids = self.plan_class_ids(obj)
        with transaction.atomic():
            super().delete_model(request, obj)
            self.rebuild_plans(class_ids)

    def delete_queryset(self, request, queryset):
        class_ids = set().union(*(self.plan_class_ids(obj) for obj in queryset))
        with transaction.atomic():
            super().delete_queryset(request, queryset)
            self.rebuild_plans(class_ids)


@admin.register(Schedule)
class ScheduleAdmin(RebuildsPlanMixin, SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = ["klass", "pattern", "start_date", "end_date", "total_hours"]
    list_filter = ["pattern"]
    list_select_related = ["klass"]
    search_fields = ["klass__code"]
    autocomplete_fields = ["klass"]
    # Set by the database; the form would otherwise ask for it on every save.
    readonly_fields = ["created_at"]
    inlines = [
        ScheduleSlotInline,
        ScheduleExceptionInline,
        SchedulePauseInline,
        HolidayOverrideInline,
    ]

    def plan_class_ids(self, obj, form=None):
        # form.initial: the class the schedule had before this change.
        previous = form.initial.get("klass") if form is not None else None
        return {obj.klass_id} | ({previous} if previous else set())


@admin.register(PlannedSessionRow)
class PlannedSessionRowAdmin(LargeTableAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """The stored plan, read-only: written by the schedule service whenever a schedule
    changes (`manage.py rebuild_plans` rebuilds all, `check_plans` compares)."""

    list_display = [
        "klass",
        "session_date",
        "slots",
        "scheduled_hours",
        "blocked_reason",
        "recorded",
    ]
    list_filter = ["recorded", ("session_date", DateRangeFilter)]
    list_select_related = ["klass"]
    search_fields = ["klass__code"]
    # The UNIQUE (class_id, session_date) index read backwards: no sort of the table.
    ordering = ["-klass_id", "-session_date"]
    sortable_by = []
    readonly_fields = [f.name for f in PlannedSessionRow._meta.fields]


class LearnerAttendanceInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = LearnerAttendance
    fields = readonly_fields = (
        "learner",
        "hours_trained",
        "hours_present",
        "page_number",
        "absence_reason",
        "absence_remark",
        "created_at",
    )
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("learner")


class SessionHistoryInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = SessionHistory
    fields = readonly_fields = (
        "changed_at",
        "action",
        "status_before",
        "status_after",
        "changed_by",
        "reason",
    )
    ordering = ["changed_at", "id"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by")


@admin.register(AttendanceSession)
class AttendanceSessionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Sessions are recorded by facilitators through the capture service; read-only
    here, except for voiding (with a reason) through the void service."""

    list_display = [
        "klass",
        "session_date",
        "status",
        "scheduled_hours",
        "captured_by",
        "captured_at",
    ]
    list_filter = [
        "status",
        ("session_date", DateRangeFilter),
        "klass",
        facilitator_filter("klass__facilitator"),
    ]
    list_select_related = ["klass", "captured_by"]
    search_fields = ["klass__code"]
    ordering = ["-session_date", "klass__code"]
    readonly_fields = [f.name for f in AttendanceSession._meta.fields]
    inlines = [LearnerAttendanceInline, SessionHistoryInline, SignedRegisterInline]
    actions = [void_sessions]

    class Media:
        css = {"all": ["css/admin.css"]}

    def has_void_session_permission(self, request):
        return request.user.has_perm(VOID_PERMISSION)


@admin.register(ClassStatusHistory)
class ClassStatusHistoryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["klass", "old_status", "new_status", "stop_date", "changed_by", "changed_at"]
    list_filter = ["new_status"]
    list_select_related = ["klass", "changed_by"]
    search_fields = ["klass__code"]
    readonly_fields = [f.name for f in ClassStatusHistory._meta.fields]


@admin.register(LearnerAttendance)
class LearnerAttendanceAdmin(
    IdentitySearchMixin, LargeTableAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin
):
    """Per-learner attendance rows, read-only: they change only through the capture
    service. Filtered to "not credited", the office credits them ("credit now")."""

    list_display = [
        "session",
        "learner",
        "hours_trained",
        "hours_present",
        "page_number",
        "absence",
        "is_credited",
    ]
    list_filter = [
        CreditedFilter,
        ("session__session_date", DateRangeFilter),
        "session__klass",
        facilitator_filter("session__klass__facilitator"),
    ]
    list_select_related = ["session__klass", "learner"]
    search_fields = [
        "learner__surname",
        "learner__first_names",
        "=learner__id_number",
        "session__klass__code",
    ]
    # The (session, learner) unique index read backwards: newest sessions first
    # without sorting a million rows (the model's ordering joins three tables).
    ordering = ["-session_id", "-learner_id"]
    sortable_by = []
    readonly_fields = [f.name for f in LearnerAttendance._meta.fields]
    actions = [credit_now]

    class Media:
        css = {"all": ["css/admin.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(credited=credited())

    def changelist_view(self, request, extra_context=None):
        key = issue_key(user=request.user, purpose=request.path)
        extra_context = {**(extra_context or {}), "submission_key": key}
        return super().changelist_view(request, extra_context)

    @admin.display(description="credited", boolean=True)
    def is_credited(self, obj):
        return obj.credited

    @admin.display(description="absence reason")
    def absence(self, obj):
        return obj.absence or "–"

    def has_credit_permission(self, request):
        return request.user.has_perm(CREDIT_PERMISSION)


@admin.register(BackupFacilitator)
class BackupFacilitatorAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = ["klass", "user"]
    list_select_related = ["klass", "user"]
    search_fields = ["klass__code", "user__username", "user__last_name"]
    autocomplete_fields = ["klass", "user"]


class ScheduleDetailAdmin(RebuildsPlanMixin, SafeAutocompleteMixin, admin.ModelAdmin):
    """Slots, exception dates, pauses and overrides across all classes (also inline on
    each schedule)."""

    list_select_related = ["schedule__klass"]
    search_fields = ["schedule__klass__code"]
    autocomplete_fields = ["schedule"]

    def get_model_perms(self, request):
        # Office staff edit these inline on their class's schedule: four more tables
        # in the admin's index were noise to them (issue 12). They keep the
        # permissions, which the inlines need; superusers still see the tables.
        if not request.user.is_superuser:
            return {}
        return super().get_model_perms(request)

    def plan_class_ids(self, obj, form=None):
        schedule_ids = {obj.schedule_id}
        if form is not None and form.initial.get("schedule"):
            schedule_ids.add(form.initial["schedule"])
        return set(Schedule.objects.filter(pk__in=schedule_ids).values_list("klass_id", flat=True))


@admin.register(ScheduleSlot)
class ScheduleSlotAdmin(ScheduleDetailAdmin):
    list_display = ["schedule", "weekday", "start_time", "end_time"]
    list_filter = ["weekday"]


@admin.register(ScheduleException)
class ScheduleExceptionAdmin(ScheduleDetailAdmin):
    list_display = ["schedule", "exception_date", "reason"]
    date_hierarchy = "exception_date"


@admin.register(SchedulePause)
class SchedulePauseAdmin(ScheduleDetailAdmin):
    list_display = ["schedule", "pause_start", "resume_date", "reason"]


@admin.register(HolidayOverride)
class HolidayOverrideAdmin(ScheduleDetailAdmin):
    list_display = ["schedule", "holiday_date", "reason"]


class SessionHistoryChangeInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = SessionHistoryChange
    fields = readonly_fields = (
        "learner",
        "hours_before",
        "hours_after",
        "page_before",
        "page_after",
        "reason_before",
        "reason_after",
        "remark_before",
        "remark_after",
    )
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("learner")


@admin.register(SessionHistory)
class SessionHistoryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Who changed which session, when and why: read-only, like the ledger."""

    list_display = [
        "session",
        "action",
        "status_before",
        "status_after",
        "changed_by",
        "changed_at",
    ]
    list_filter = ["action", "changed_at"]
    list_select_related = ["session__klass", "changed_by"]
    search_fields = ["session__klass__code", "reason", "changed_by__username"]
    readonly_fields = [f.name for f in SessionHistory._meta.fields]
    inlines = [SessionHistoryChangeInline]


@admin.register(SessionHistoryChange)
class SessionHistoryChangeAdmin(IdentitySearchMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "entry",
        "learner",
        "hours_before",
        "hours_after",
        "page_before",
        "page_after",
        "reason_before",
        "reason_after",
    ]
    list_select_related = ["entry__session__klass", "entry__changed_by", "learner"]
    search_fields = ["learner__surname", "=learner__id_number", "entry__session__klass__code"]
    readonly_fields = [f.name for f in SessionHistoryChange._meta.fields]
