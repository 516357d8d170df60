"""The programme catalogue: class types and their learning programmes."""

from django.contrib import admin

from attendance_project.admin_mixins import CheckedInlineMixin
from progression.models import ClassType, LearningProgramme


class LearningProgrammeInline(CheckedInlineMixin, admin.TabularInline):
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
    list_display = [
        "code",
        "name",
        "class_type",
        "subject_duration",
        "total_pages",
        "minimum_attendance_percent",
    ]
    list_filter = ["class_type"]
    list_select_related = ["class_type"]
    search_fields = ["code", "name", "class_type__code"]
