"""What the reports add to the Office admins role (the roles are classes/roles.py).

An app above classes brings its own permissions to the groups, as classes cannot name
it: run after every `migrate` (post_migrate, reports/apps.py). Idempotent; only adds.
"""

from django.apps import apps as global_apps

from classes.roles import OFFICE_ADMINS, grant_permissions

OFFICE_ADMIN_PERMISSIONS = {
    "reports": {
        # The staff report pages, and recording what was done about excessive hours
        # (append-only: no change or delete).
        "excessivehoursresolution": ("view", "add", "view_reports"),
    },
}


def ensure_report_roles(apps=global_apps, using: str = "default", strict: bool = True) -> None:
    grant_permissions(
        OFFICE_ADMINS, OFFICE_ADMIN_PERMISSIONS, apps=apps, using=using, strict=strict
    )
