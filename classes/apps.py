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

        # After learners and progression in INSTALLED_APPS, so their permissions and
        # this app's exist by now. Apps above (reports) grant theirs from their own
        # post_migrate handler, which runs after this one.
        post_migrate.connect(_ensure_roles, sender=self, dispatch_uid="classes.ensure_roles")
        # Users are the people of the roles defined here (classes/roles.py): shown by
        # name in the admin and wherever a user is shown (attendance_project/people.py).
        name_people(get_user_model())
