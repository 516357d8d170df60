from django.apps import AppConfig
from django.db import router
from django.db.models.signals import post_migrate


def _ensure_records_roles(sender, using, apps=None, **kwargs):
    from django.contrib.auth.models import Group

    from records.roles import ensure_records_roles

    if not router.allow_migrate_model(using, Group):
        return
    if apps is not None:
        try:
            apps.get_model("records", "AccessLog")
        except LookupError:
            return
    ensure_records_roles(using=using)


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = "Learner records and POPIA"

    def ready(self):
        post_migrate.connect(
            _ensure_records_roles, sender=self, dispatch_uid="records.ensure_records_roles"
        )
