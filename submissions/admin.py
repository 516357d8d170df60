from django.contrib import admin

from attendance_project.admin_mixins import ReadOnlyAdminMixin
from submissions.models import FormSubmission


@admin.register(FormSubmission)
class FormSubmissionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Which forms took effect, by whom and when: read-only, written by services."""

    list_display = ["submitted_at", "purpose", "submitted_by", "outcome_url"]
    list_select_related = ["submitted_by"]
    search_fields = ["purpose", "submitted_by__username"]
    readonly_fields = [f.name for f in FormSubmission._meta.fields]
