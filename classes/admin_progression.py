"""The progression admin, extended from the classes side.

Progression sits below classes and never reaches into it (DESIGN §5), so what its
admin pages show about classes, sessions and pages is added here, where the classes
app is known: the ledger's class filter, its links to the sessions and to the
attendance not credited, and each progression's latest page. The extended admins
replace progression's own registrations (classes imports progression, not back).
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from attendance_project.admin_filters import selected_only_filter
from classes.models import Class
from classes.selectors import latest_page_subquery
from progression.admin.hours_log import HoursLogAdmin
from progression.admin.progressions import ProgressionAdmin
from progression.models import HoursLog, Progression

NOT_CREDITED_LINK = "Not credited attendance"

# Thousands of classes: the class is picked by searching its code, or from a link.
ClassFilter = selected_only_filter(
    title="class", parameter_name="klass__id__exact", model=Class, field="klass_id"
)


class LedgerAdmin(HoursLogAdmin):
    list_display = [*HoursLogAdmin.list_display, "session_link"]
    # The class filter after the source and the dates, where the office looks for it.
    source, dates, *others = HoursLogAdmin.list_filter
    list_filter = [source, dates, ClassFilter, *others]
    del source, dates, others

    @admin.display(description="session")
    def session_link(self, obj):
        if obj.session_id is None:
            return None
        url = reverse("admin:classes_attendancesession_change", args=[obj.session_id])
        return format_html('<a href="{}">{} session</a>', url, obj.session.get_status_display())

    def related_links(self, request):
        url = reverse("admin:classes_learnerattendance_changelist") + "?credited=no"
        return [*super().related_links(request), (NOT_CREDITED_LINK, url)]


class ProgressionWithPagesAdmin(ProgressionAdmin):
    def get_queryset(self, request):
        # The latest page comes with each row (one subquery in the list's one query).
        return super().get_queryset(request).annotate(latest_page=latest_page_subquery())


admin.site.unregister(HoursLog)
admin.site.register(HoursLog, LedgerAdmin)
admin.site.unregister(Progression)
admin.site.register(Progression, ProgressionWithPagesAdmin)
