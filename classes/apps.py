from django.apps import AppConfig
from django.db import router
from django.db.models.signals import post_migrate


def _ensure_roles(sender, using, apps=None, **kwargs):
    from django.contrib.auth.models import Group

    from classes.roles import ensure_roles

    # As Django's own post_migrate handlers do: `migrate --database=replica` must not
    # write groups to the read replica (attendance_project.db).
    if not router.allow_migrate_model(using, Group):
        return
    ensure_roles(using=using)


class ClassesConfig(AppConfig):
    name = "classes"
    verbose_name = "Classes and attendance"

    def ready(self):
        from django.contrib.auth import get_user_model

        from attendance_project.people import name_people

        # classes is the last of our apps, so every permission exists by now.
        post_migrate.connect(_ensure_roles, sender=self, dispatch_uid="classes.ensure_roles")
        # Users are the people of the roles defined here (classes/roles.py): shown by
        # name in the admin and wherever a user is shown (attendance_project/people.py).
        name_people(get_user_model())
