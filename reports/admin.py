"""The resolution history in the Django admin: read-only (append-only table; new
resolutions are recorded on the excessive-hours report, through the service)."""

from django.contrib import admin

from attendance_project.admin_mixins import IdentitySearchMixin, ReadOnlyAdminMixin
from reports.models import ExcessiveHoursResolution


@admin.register(ExcessiveHoursResolution)
class ExcessiveHoursResolutionAdmin(IdentitySearchMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["progression", "kind", "hours_trained", "resolved_by", "resolved_at"]
    list_filter = ["kind", "resolved_at"]
    list_select_related = ["progression__learner", "progression__programme", "resolved_by"]
    search_fields = ["progression__learner__surname", "progression__learner__id_number"]
    date_hierarchy = "resolved_at"
    readonly_fields = [f.name for f in ExcessiveHoursResolution._meta.fields]
