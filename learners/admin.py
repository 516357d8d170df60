from django.contrib import admin

from attendance_project.admin_mixins import ReadOnlyAdminMixin
from learners.lookups import LookupCode, LookupVersion
from learners.models import Client

# The learner's admin is records/admin.py (issue 16): it logs every view of a
# learner's personal information, which lives in the records app above this one.


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ["name", "contact_email", "created_at"]
    search_fields = ["name"]


@admin.register(LookupVersion)
class LookupVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The loaded versions of the funders' code lists (manage.py load_lookups)."""

    list_display = ["version", "loaded_at"]
    readonly_fields = ("version", "source", "loaded_at", "codes")
    fields = readonly_fields

    @admin.display(description="codes")
    def codes(self, obj):
        return ", ".join(f"{c.code_list}:{c.code}" for c in obj.codes.all())


@admin.register(LookupCode)
class LookupCodeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The codes of every version, to look one up (loaded by manage.py load_lookups)."""

    list_display = ["code", "description", "code_list", "version"]
    list_filter = ["version", "code_list"]
    search_fields = ["code", "description"]
