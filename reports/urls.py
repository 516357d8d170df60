"""/reports/: the staff report pages (reports.views.reports), each with its CSV."""

from django.urls import path

from reports.views import excessive_hours, missing_registers, reports

app_name = "reports"
urlpatterns = [
    path("", reports.index, name="index"),
    path("capture-backlog/", reports.backlog, name="backlog"),
    path("capture-backlog.csv", reports.backlog_csv, name="backlog_csv"),
    path("learner-progress/", reports.progress, name="progress"),
    path("learner-progress.csv", reports.progress_csv, name="progress_csv"),
    path("excessive-hours/", reports.excessive_hours, name="excessive_hours"),
    path("excessive-hours.csv", reports.excessive_hours_csv, name="excessive_hours_csv"),
    path(
        "excessive-hours/<int:progression_id>/resolve/",
        excessive_hours.resolve,
        name="resolve_excessive_hours",
    ),
    path("class-monthly/", reports.class_monthly, name="class_monthly"),
    path("class-monthly.csv", reports.class_monthly_csv, name="class_monthly_csv"),
    path("regulatory/", reports.regulatory, name="regulatory"),
    path("regulatory.csv", reports.regulatory_csv, name="regulatory_csv"),
    path(
        "missing-signed-registers/",
        missing_registers.missing_signed_registers,
        name="missing_signed_registers",
    ),
    path(
        "missing-signed-registers.csv",
        missing_registers.missing_signed_registers_csv,
        name="missing_signed_registers_csv",
    ),
]
