from django.urls import path

from alerts import views

app_name = "alerts"

urlpatterns = [
    path("", views.notifications, name="notifications"),
    path("read/", views.read_all, name="read_all"),
    path("unread.json", views.unread_count, name="unread_count"),
    path("settings/", views.preferences, name="preferences"),
    path("office/", views.office, name="office"),
]
