"""What alerts add to the roles (classes/roles.py), after every `migrate`: office
admins read every alert and send a failed one again; facilitators need nothing (they
see their own alerts on their Notifications page)."""

from django.apps import apps as global_apps

from classes.roles import OFFICE_ADMINS, grant_permissions

OFFICE_ADMIN_PERMISSIONS = {
    "alerts": {"alert": ("view", "send_again"), "digest": ("view",)},
}


def ensure_alert_roles(apps=global_apps, using: str = "default", strict: bool = True) -> None:
    grant_permissions(
        OFFICE_ADMINS, OFFICE_ADMIN_PERMISSIONS, apps=apps, using=using, strict=strict
    )
