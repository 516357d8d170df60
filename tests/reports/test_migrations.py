"""The resolution model moved from classes to reports without touching the database
(issue 10): classes 0009 and reports 0001 are state only, and reports 0002 relabels
the content type so that every grant of its permissions carries over."""

import importlib
import io
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection

from classes.roles import OFFICE_ADMINS
from reports.models import RECORD_RESOLUTION, VIEW_REPORTS, ExcessiveHoursResolution
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

move = importlib.import_module("reports.migrations.0002_content_type_from_classes")
SCHEMA_EDITOR = SimpleNamespace(connection=connection)
DDL = ("CREATE", "ALTER", "DROP", "INSERT", "UPDATE", "DELETE", "TRIGGER")


@pytest.mark.parametrize(
    ("app", "name"),
    [("classes", "0009_excessive_hours_resolution_to_reports"), ("reports", "0001_initial")],
)
@pytest.mark.parametrize("backwards", [False, True])
def test_the_move_is_state_only(app, name, backwards):
    out = io.StringIO()
    call_command("sqlmigrate", app, name, backwards=backwards, stdout=out)
    statements = [line for line in out.getvalue().splitlines() if not line.startswith("--")]
    assert statements == ["BEGIN;", "COMMIT;"], out.getvalue()
    assert "(no-op)" in out.getvalue()
    assert not [word for word in DDL if word in out.getvalue().upper()]


def test_the_table_keeps_its_names():
    meta = ExcessiveHoursResolution._meta
    assert meta.app_label == "reports"
    assert meta.db_table == "excessive_hours_resolutions"
    assert {c.name for c in meta.constraints} == {
        "excessive_hours_resolutions_kind_valid",
        "excessive_hours_resolutions_notes_for_other",
    }
    assert [i.name for i in meta.indexes] == ["excessive_hours_res_progr_at"]
    assert meta.get_field("progression").column == "tracking_id"
    with pytest.raises(LookupError):
        apps.get_model("classes", "ExcessiveHoursResolution")


def test_office_admins_hold_the_reports_permissions():
    admin = UserFactory(is_staff=True)
    admin.groups.add(Group.objects.get(name=OFFICE_ADMINS))
    assert admin.has_perm(VIEW_REPORTS)
    assert admin.has_perm(RECORD_RESOLUTION)
    assert admin.has_perm("reports.view_excessivehoursresolution")
    assert not admin.has_perm("reports.change_excessivehoursresolution")
    assert not admin.has_perm("reports.delete_excessivehoursresolution")


def test_an_existing_database_keeps_its_content_type_and_every_grant():
    # As before the move: the content type (and so its permissions) was the classes app's.
    content_type = ContentType.objects.get_for_model(ExcessiveHoursResolution)
    ContentType.objects.filter(pk=content_type.pk).update(app_label="classes")
    ContentType.objects.clear_cache()
    viewer = UserFactory()
    viewer.user_permissions.add(Permission.objects.get(codename="view_reports"))
    assert User.objects.get(pk=viewer.pk).has_perm("classes.view_reports")

    move.forwards(apps, SCHEMA_EDITOR)

    ContentType.objects.clear_cache()
    moved = ContentType.objects.get(model="excessivehoursresolution")
    assert (moved.pk, moved.app_label) == (content_type.pk, "reports")
    viewer = User.objects.get(pk=viewer.pk)  # no permission cache
    assert viewer.has_perm(VIEW_REPORTS)
    assert not viewer.has_perm("classes.view_reports")
    admins = Group.objects.get(name=OFFICE_ADMINS)
    assert admins.permissions.filter(content_type=moved, codename="view_reports").exists()

    move.backwards(apps, SCHEMA_EDITOR)  # and back: the same row, relabelled again
    assert ContentType.objects.get(pk=content_type.pk).app_label == "classes"
    move.forwards(apps, SCHEMA_EDITOR)
    assert ContentType.objects.get(pk=content_type.pk).app_label == "reports"


def test_a_second_content_type_gives_its_grants_and_log_entries_to_the_new_one():
    new = ContentType.objects.get_for_model(ExcessiveHoursResolution)
    old = ContentType.objects.create(app_label="classes", model="excessivehoursresolution")
    old_view = Permission.objects.create(
        content_type=old, codename="view_reports", name="Can view the staff reports"
    )
    old_only = Permission.objects.create(content_type=old, codename="export_x", name="x")
    viewer, clerk = UserFactory(), UserFactory()
    viewer.user_permissions.add(old_view)
    group = Group.objects.create(name="Auditors")
    group.permissions.add(old_view, old_only)
    entry = LogEntry.objects.create(
        user=clerk, content_type=old, object_id="1", object_repr="x", action_flag=ADDITION
    )

    move.forwards(apps, SCHEMA_EDITOR)

    assert not ContentType.objects.filter(pk=old.pk).exists()
    assert User.objects.get(pk=viewer.pk).has_perm(VIEW_REPORTS)
    assert set(group.permissions.values_list("content_type__app_label", "codename")) == {
        ("reports", "view_reports"),
        ("reports", "export_x"),
    }
    entry.refresh_from_db()
    assert entry.content_type == new


def test_a_fresh_database_has_nothing_to_move():
    before = list(ContentType.objects.values_list("pk", "app_label", "model").order_by("pk"))
    move.forwards(apps, SCHEMA_EDITOR)
    assert list(ContentType.objects.values_list("pk", "app_label", "model").order_by("pk")) == (
        before
    )
