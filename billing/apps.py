from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = "Pay and billing"

    def ready(self):
        from billing.roles import ensure_billing_roles
        from classes.roles import grant_after_migrate

        # This app's permissions for the roles, after every migrate (classes/roles.py).
        grant_after_migrate(self, model="billing.Statement", ensure=ensure_billing_roles)
