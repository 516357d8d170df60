"""Alerts in the admin: every alert with its delivery and error, read-only; a failed
one can be sent again (permission alerts.send_again)."""

from django.contrib import admin, messages

from alerts.models import Alert, Digest
from alerts.services import send_again

SENT_AGAIN = "%(count)d alert(s) will be sent again."
NOT_FAILED = "%(count)d selected alert(s) had not failed and were left as they were."


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "rule",
        "title",
        "recipient",
        "delivery",
        "status",
        "attempts",
        "sent_at",
    ]
    list_filter = ["status", "rule", "delivery"]
    search_fields = ["title", "recipient__username", "recipient__last_name"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    actions = ["send_again_action"]
    readonly_fields = [f.name for f in Alert._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_send_again_permission(self, request):
        return request.user.has_perm("alerts.send_again")

    @admin.action(description="Send the selected failed alerts again", permissions=["send_again"])
    def send_again_action(self, request, queryset):
        again = [alert for alert in queryset if send_again(alert=alert)]
        left = queryset.count() - len(again)
        if again:
            self.message_user(request, SENT_AGAIN % {"count": len(again)}, messages.SUCCESS)
        if left:
            self.message_user(request, NOT_FAILED % {"count": left}, messages.WARNING)


@admin.register(Digest)
class DigestAdmin(admin.ModelAdmin):
    list_display = ["day", "recipient", "sent_at", "attempts", "last_error"]
    list_filter = ["day"]
    readonly_fields = ["recipient", "day", "sent_at", "attempts", "last_error", "created_at"]
    exclude = ["alerts"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
