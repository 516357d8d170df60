from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

urlpatterns = [
    path("admin/", admin.site.urls),
    # Until the facilitator pages exist, the admin is the home page (it requires login).
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
]
