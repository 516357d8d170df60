from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from attendance_project import (
    axes_admin,  # noqa: F401  (registers the fixed axes admin)
    offline,
)
from attendance_project.security import AdminLoginForm, LoginForm

admin.site.site_header = "Attendance and hours"
admin.site.site_title = "Attendance and hours"
admin.site.index_title = "Office administration"
# The lists (hours log, progressions) need the width more than a second menu does.
admin.site.enable_nav_sidebar = False
admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("admin/", admin.site.urls),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("classes/", include("classes.urls")),
    path("reports/", include("reports.urls")),
    path("billing/", include("billing.urls")),
    path("notifications/", include("alerts.urls")),
    path("records/", include("records.urls")),
    # The installable app's manifest and service worker, at the root (issue 13).
    path("manifest.webmanifest", offline.manifest, name="app_manifest"),
    path("sw.js", offline.service_worker, name="service_worker"),
    path("offline/ping", offline.ping, name="offline_ping"),
    path("", RedirectView.as_view(pattern_name="classes:my_classes", permanent=False)),
]
