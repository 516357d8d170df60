from django.contrib.auth.management import create_permissions
from django.db import migrations


def create_roles(apps, schema_editor):
    from classes.roles import ensure_roles

    # Permissions are normally created after all migrations have run (post_migrate);
    # the groups need them now. The usual recipe for historical app configs:
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, using=schema_editor.connection.alias, verbosity=0)
        app_config.models_module = None
    ensure_roles(apps=apps, using=schema_editor.connection.alias, strict=False)


class Migration(migrations.Migration):
    dependencies = [
        ("classes", "0003_capture_any_class_permission"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("learners", "0001_initial"),
        ("progression", "0001_initial"),
    ]

    # Groups are data: leaving them in place on the way back is harmless.
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
