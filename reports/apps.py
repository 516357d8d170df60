from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reports"

    def ready(self):
        from classes.roles import grant_after_migrate
        from reports.roles import ensure_report_roles

        # This app's permissions for the roles, after every migrate (classes/roles.py).
        grant_after_migrate(
            self, model="reports.ExcessiveHoursResolution", ensure=ensure_report_roles
        )
