from django.apps import AppConfig
from django.db import router
from django.db.models.signals import post_migrate


def _ensure_billing_roles(sender, using, apps=None, **kwargs):
    from django.contrib.auth.models import Group

    from billing.roles import ensure_billing_roles

    # As classes' own handler: `migrate --database=replica` must not write groups to
    # the read replica (attendance_project.db).
    if not router.allow_migrate_model(using, Group):
        return
    if apps is not None:
        try:
            apps.get_model("billing", "Statement")
        except LookupError:
            return
    ensure_billing_roles(using=using)


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = "Pay and billing"

    def ready(self):
        # After classes in INSTALLED_APPS: its handler has created the groups.
        post_migrate.connect(
            _ensure_billing_roles, sender=self, dispatch_uid="billing.ensure_billing_roles"
        )
