"""Progressions in the admin: progress at a glance, the ledger inline, and status
changes through the services (see status_actions)."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.urls import path, reverse
from django.utils.html import format_html

from attendance_project.admin_filters import DateRangeFilter, facilitator_filter
from attendance_project.admin_mixins import IdentitySearchMixin, ReadOnlyInlineMixin
from attendance_project.parsing import safe_filename
from attendance_project.svg import progress_bar
from progression.admin.hours_log import hours
from progression.admin.status_actions import (
    ACTIONS_BY_STATUS,
    FROM_CHANGE_PAGE,
    complete_progressions,
    hold_progressions,
    resume_progressions,
    start_programmes,
)
from progression.admin.status_history import StatusHistoryInline
from progression.models import HoursLog, Progression
from progression.progress import (
    attendance_percent,
    page_percent,
    progress_shown,
)


class HoursLogInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = HoursLog
    fk_name = "progression"
    fields = readonly_fields = (
        "log_date",
        "hours_trained",
        "hours_present",
        "source",
        "session",
        "created_by",
    )
    ordering = ["-log_date", "-id"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("session__klass", "created_by")


@admin.register(Progression)
class ProgressionAdmin(IdentitySearchMixin, admin.ModelAdmin):
    list_display = [
        "learner",
        "programme_code",
        "klass",
        "status",
        "hours_progress",
        "attendance",
        "page_progress",
        "start_date",
        "completion_date",
    ]
    list_filter = [
        "status",
        ("start_date", DateRangeFilter),
        "programme__class_type",
        "programme",
        ("klass__client", admin.RelatedFieldListFilter),
        facilitator_filter("klass__facilitator"),
    ]
    list_select_related = ["learner", "programme", "klass"]
    search_fields = [
        "learner__surname",
        "learner__first_names",
        "=learner__id_number",
        "=learner__passport_number",
        "klass__code",
    ]
    search_help_text = "Learner name, SA ID or passport number (exact), or class code."
    # Totals and status only change through services, so the ledger stays the truth.
    readonly_fields = [
        "learner",
        "programme",
        "klass",
        "status",
        "hours_progress",
        "hours_present",
        "hours_absent",
        "attendance",
        "page_progress",
        "start_date",
        "completion_date",
        "marked_complete_by",
        "portfolio_link",
    ]
    fields = [*readonly_fields, "notes"]
    inlines = [StatusHistoryInline, HoursLogInline]
    actions = [hold_progressions, resume_progressions, complete_progressions, start_programmes]

    class Media:
        css = {"all": ["css/admin.css"]}

    def has_add_permission(self, request):
        # Progressions start when a learner is enrolled in a class, or by the action.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # Only the notes are edited here. Saving every column would write back totals
        # and a status read moments ago, undoing a capture or status change made
        # meanwhile (DESIGN rule 10).
        obj.save(update_fields=["notes", "updated_at"])

    @admin.display(description="LP", ordering="programme__code")
    def programme_code(self, obj):
        return obj.programme.code

    @admin.display(description="hours trained / allocated", ordering="hours_trained")
    def hours_progress(self, obj):
        allocated = obj.programme.subject_duration
        shown = progress_shown(obj.hours_trained, allocated)
        return format_html(
            '<span class="progress">{} <span>{} / {} h ({} %)</span></span>',
            progress_bar(shown, width=80, label=f"{shown} % of the allocated hours trained"),
            hours(obj.hours_trained),
            hours(allocated),
            shown,
        )

    @admin.display(description="attendance")
    def attendance(self, obj):
        value = attendance_percent(obj.hours_present, obj.hours_trained)
        return self.get_empty_value_display() if value is None else f"{value} %"

    @admin.display(description="page progress")
    def page_progress(self, obj):
        # Pages are recorded with attendance, in the classes app: its extension of this
        # admin (classes/admin_progression.py) annotates each row with `latest_page`.
        latest = getattr(obj, "latest_page", None)
        value = page_percent(latest, obj.programme.total_pages)
        if value is None:
            return self.get_empty_value_display()
        return format_html(
            '<span class="progress">{} <span>p. {} / {} ({} %)</span></span>',
            progress_bar(value, width=50, label=f"{value} % of the workbook"),
            latest,
            obj.programme.total_pages,
            value,
        )

    @admin.display(description="portfolio")
    def portfolio_link(self, obj):
        if not obj.portfolio:
            return self.get_empty_value_display()
        url = reverse("admin:progression_progression_portfolio", args=[obj.pk])
        return format_html('<a href="{}">Download the portfolio</a>', url)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/portfolio/",
                self.admin_site.admin_view(self.portfolio_view),
                name="progression_progression_portfolio",
            ),
            *super().get_urls(),
        ]

    def portfolio_view(self, request, object_id):
        """The portfolio file, for staff who may view progressions only: media files
        are never served publicly. Read through the storage API (disk or S3)."""
        progression = self.get_object(request, object_id)
        if progression is None or not progression.portfolio:
            raise Http404("No portfolio.")
        if not self.has_view_permission(request, progression):
            raise PermissionDenied
        extension = progression.portfolio.name.rsplit(".", 1)[-1]
        filename = (
            f"portfolio-{progression.learner.surname}-{progression.programme.code}.{extension}"
        )
        return FileResponse(
            progression.portfolio.open("rb"), as_attachment=True, filename=safe_filename(filename)
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        progression = self.get_object(request, object_id)
        buttons = []
        if progression is not None and self.has_change_permission(request, progression):
            buttons = ACTIONS_BY_STATUS[progression.status]
        extra_context = {
            **(extra_context or {}),
            "status_buttons": buttons,
            "from_change_page": FROM_CHANGE_PAGE,
        }
        return super().change_view(request, object_id, form_url, extra_context)
