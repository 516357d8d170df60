# The resolution model's content type follows the model from classes to reports
# (issue 10). Relabelling the row keeps its id, so its permissions (view_reports,
# add/view_excessivehoursresolution), every group's and user's grant of them and the
# admin's log entries carry over unchanged. No schema change; on a database built from
# the ops schema files, schema/017_reports_app.sql does the same UPDATE.

from django.db import migrations

MODEL = "excessivehoursresolution"


def move_content_type(apps, schema_editor, *, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    LogEntry = apps.get_model("admin", "LogEntry")
    db = schema_editor.connection.alias
    old = ContentType.objects.using(db).filter(app_label=source, model=MODEL).first()
    if old is None:
        # A fresh database: post_migrate creates the content type, in its new app.
        return
    new = ContentType.objects.using(db).filter(app_label=target, model=MODEL).first()
    if new is None:
        old.app_label = target
        old.save(update_fields=["app_label"])
        return
    # Both exist: post_migrate ran between classes 0009 and this migration (an
    # app-targeted `migrate classes`) and created the new app's own. Move the grants
    # and the log entries over, then drop the old content type.
    for permission in Permission.objects.using(db).filter(content_type=old):
        twin = Permission.objects.using(db).filter(
            content_type=new, codename=permission.codename
        ).first()
        if twin is None:
            permission.content_type = new
            permission.save(update_fields=["content_type"])
            continue
        twin.group_set.add(*permission.group_set.all())
        twin.user_set.add(*permission.user_set.all())
        permission.delete()
    LogEntry.objects.using(db).filter(content_type=old).update(content_type=new)
    old.delete()


def forwards(apps, schema_editor):
    move_content_type(apps, schema_editor, source="classes", target="reports")


def backwards(apps, schema_editor):
    move_content_type(apps, schema_editor, source="reports", target="classes")


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0001_initial'),
        ('admin', '0003_logentry_add_action_flag_choices'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
