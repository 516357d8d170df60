"""Progressions' status history in the admin: read-only, written by the status
services in the same transaction as each change."""

from __future__ import annotations

from django.contrib import admin

from attendance_project.admin_mixins import ReadOnlyAdminMixin, ReadOnlyInlineMixin
from progression.models import ProgressionStatusChange

FIELDS = ("effective_date", "old_status", "new_status", "reason", "changed_by", "changed_at")


class StatusHistoryInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = ProgressionStatusChange
    fields = FIELDS
    readonly_fields = FIELDS
    ordering = ["effective_date", "id"]
    show_change_link = False
    verbose_name_plural = "status history"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by")


@admin.register(ProgressionStatusChange)
class ProgressionStatusChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["progression", *FIELDS]
    list_select_related = ["progression__learner", "progression__programme", "changed_by"]
    list_filter = ["new_status"]
    search_fields = ["progression__learner__surname", "progression__learner__first_names"]
    readonly_fields = ["progression", *FIELDS]
    ordering = ["-effective_date", "-id"]
