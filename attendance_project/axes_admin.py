"""django-axes' admin for access attempts, with its "Clean up expired attempts"
action working.

django-axes 8.3 reads the time of "this attempt" from the request, which only its
login handling sets: run from the admin, the action was a 500 whatever was selected.
"""

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.utils import timezone


class FixedAccessAttemptAdmin(AccessAttemptAdmin):
    @admin.action(description="Clean up expired attempts")
    def cleanup_expired_attempts(self, request, queryset):
        request.axes_attempt_time = timezone.now()
        return super().cleanup_expired_attempts(request, queryset)


if admin.site.is_registered(AccessAttempt):
    admin.site.unregister(AccessAttempt)
    admin.site.register(AccessAttempt, FixedAccessAttemptAdmin)
