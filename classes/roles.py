"""The two roles, as Django groups with permissions.

Created by a data migration, and again after every `migrate` (post_migrate): a
database built from the ops schema files records that migration as applied without
running it, and permissions of models added later must reach the groups too.
Idempotent; permissions are only ever added, so an admin's extra grants survive.
"""

from django.apps import apps as global_apps

FACILITATORS = "Facilitators"
OFFICE_ADMINS = "Office admins"

_MANAGE = ("view", "add", "change")
# What office admins may do in the admin. Ledger-like tables (hours log, sessions,
# attendance, histories) are never changed or deleted there; manual hours are the
# hours log's "add" permission.
OFFICE_ADMIN_PERMISSIONS = {
    # The admin's user pickers (a class's facilitator and backup facilitators) list
    # users through the user admin's autocomplete, which needs its view permission:
    # a read-only view of users, nothing more (no change, no groups or permissions).
    "auth": {"user": ("view",)},
    "learners": {"client": _MANAGE, "learner": _MANAGE},
    "progression": {
        "classtype": _MANAGE,
        "learningprogramme": _MANAGE,
        "progression": ("view", "change"),
        "hourslog": ("view", "add"),
        "progressionstatuschange": ("view",),
    },
    "classes": {
        "class": (*_MANAGE, "capture_any_class"),
        "backupfacilitator": (*_MANAGE, "delete"),
        "enrolment": _MANAGE,
        "schedule": _MANAGE,
        "scheduleslot": (*_MANAGE, "delete"),
        "scheduleexception": (*_MANAGE, "delete"),
        "schedulepause": (*_MANAGE, "delete"),
        "holidayoverride": (*_MANAGE, "delete"),
        "attendancesession": ("view", "void_session"),
        "sessionhistory": ("view",),
        "sessionhistorychange": ("view",),
        "learnerattendance": ("view",),
        "classstatushistory": ("view",),
        # Uploaded on the session page (append-only): the admin lists and downloads them.
        "signedregister": ("view",),
    },
    # Apps above classes (reports) add their own permissions to this group:
    # reports/roles.py.
}
# Facilitators reach their own classes by being their facilitator; the group marks
# the role (and is where facilitator-wide permissions would go).
FACILITATOR_PERMISSIONS: dict = {}


def _codenames(spec: dict) -> set[tuple[str, str]]:
    found = set()
    for app_label, models in spec.items():
        for model, actions in models.items():
            for action in actions:
                default = action in ("view", "add", "change", "delete")
                codename = f"{action}_{model}" if default else action
                found.add((app_label, codename))
    return found


def ensure_roles(apps=global_apps, using: str = "default", strict: bool = True) -> None:
    """Create the groups and add their permissions.

    `strict=False` (the data migration) skips permissions of models that a later
    migration adds; post_migrate, after all migrations, then adds them strictly.
    """
    for name, spec in [
        (OFFICE_ADMINS, OFFICE_ADMIN_PERMISSIONS),
        (FACILITATORS, FACILITATOR_PERMISSIONS),
    ]:
        grant_permissions(name, spec, apps=apps, using=using, strict=strict)


def grant_permissions(
    name: str, spec: dict, *, apps=global_apps, using: str = "default", strict: bool = True
) -> None:
    """Create the group `name` if missing and add the permissions of `spec` to it
    (`{app_label: {model: actions}}`); also how apps above classes extend a role."""
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    group, _ = group_model.objects.using(using).get_or_create(name=name)
    wanted = _codenames(spec)
    permissions = [
        p
        for p in permission_model.objects.using(using).select_related("content_type")
        if (p.content_type.app_label, p.codename) in wanted
    ]
    missing = wanted - {(p.content_type.app_label, p.codename) for p in permissions}
    if missing and strict:
        raise LookupError(f"Permissions not found for {name}: {sorted(missing)}")
    group.permissions.add(*permissions)


def grant_after_migrate(app_config, *, model: str, ensure) -> None:
    """Run `ensure(using=...)` after every `migrate` of `app_config`'s app: how the apps
    above classes add their permissions to the roles (connected in their `ready()`,
    after classes in INSTALLED_APPS, whose own handler creates the groups).

    Skipped where groups are not written (`migrate --database=replica`:
    attendance_project.db), and when `model` ("app.Model") is not in the migrated state
    (migrated back below the app's first migration: its permissions are not there)."""
    from django.db import router
    from django.db.models.signals import post_migrate

    def handler(sender, using, apps=None, **kwargs):
        from django.contrib.auth.models import Group

        if not router.allow_migrate_model(using, Group):
            return
        if apps is not None:
            try:
                apps.get_model(model)
            except LookupError:
                return
        ensure(using=using)

    post_migrate.connect(
        handler, sender=app_config, weak=False, dispatch_uid=f"{app_config.label}.ensure_roles"
    )
