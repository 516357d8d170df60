from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

admin.site.site_header = "Attendance and hours"
admin.site.site_title = "Attendance and hours"
admin.site.index_title = "Office administration"

urlpatterns = [
    path("admin/", admin.site.urls),
    # Until the facilitator pages exist, the admin is the home page (it requires login).
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
]
