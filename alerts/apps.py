from django.apps import AppConfig
from django.db import router
from django.db.models.signals import post_migrate


def _ensure_alert_roles(sender, using, apps=None, **kwargs):
    from django.contrib.auth.models import Group

    from alerts.roles import ensure_alert_roles

    if not router.allow_migrate_model(using, Group):
        return
    if apps is not None:
        try:
            apps.get_model("alerts", "Alert")
        except LookupError:
            return
    ensure_alert_roles(using=using)


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = "Alerts"

    def ready(self):
        post_migrate.connect(
            _ensure_alert_roles, sender=self, dispatch_uid="alerts.ensure_alert_roles"
        )
