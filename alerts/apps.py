from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = "Alerts"

    def ready(self):
        from alerts.privacy import forget_learner_name
        from alerts.roles import ensure_alert_roles
        from classes.roles import grant_after_migrate
        from learners.signals import learner_anonymised

        # This app's permissions for the roles, after every migrate (classes/roles.py).
        grant_after_migrate(self, model="alerts.Alert", ensure=ensure_alert_roles)
        # Anonymising a learner (records) takes their name out of the alerts too.
        learner_anonymised.connect(forget_learner_name, dispatch_uid="alerts.forget_learner_name")
