"""/records/: the funders' files (issue 16)."""

from django.urls import path

from records import views

app_name = "records"
urlpatterns = [
    path("funder-files/", views.funder_files_page, name="funder_files"),
]
