from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = "Alerts"

    def ready(self):
        from alerts.roles import ensure_alert_roles
        from classes.roles import grant_after_migrate

        # This app's permissions for the roles, after every migrate (classes/roles.py).
        grant_after_migrate(self, model="alerts.Alert", ensure=ensure_alert_roles)
