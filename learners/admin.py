from django.contrib import admin

from attendance_project.admin_mixins import SafeAutocompleteMixin
from learners.models import Client, Learner


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ["name", "contact_email", "created_at"]
    search_fields = ["name"]


@admin.register(Learner)
class LearnerAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = ["surname", "first_names", "id_number", "passport_number", "employer", "gender"]
    list_filter = ["race", "gender", "employer"]
    list_select_related = ["employer"]
    search_fields = ["surname", "first_names", "=id_number", "=passport_number"]
    autocomplete_fields = ["employer"]
