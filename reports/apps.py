from django.apps import AppConfig
from django.db import router
from django.db.models.signals import post_migrate


def _ensure_report_roles(sender, using, apps=None, **kwargs):
    from django.contrib.auth.models import Group

    from reports.roles import ensure_report_roles

    # As classes' own handler: `migrate --database=replica` must not write groups to
    # the read replica (attendance_project.db).
    if not router.allow_migrate_model(using, Group):
        return
    # Migrated back below reports 0001 (`migrate reports zero`): the model is not in
    # the migrated state, its content type is the classes app's again, and its
    # permissions are not this app's to grant.
    if apps is not None:
        try:
            apps.get_model("reports", "ExcessiveHoursResolution")
        except LookupError:
            return
    ensure_report_roles(using=using)


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reports"

    def ready(self):
        # After classes in INSTALLED_APPS: its handler has created the groups, and
        # this app's permissions exist by the time the signal reaches this app.
        post_migrate.connect(
            _ensure_report_roles, sender=self, dispatch_uid="reports.ensure_report_roles"
        )
