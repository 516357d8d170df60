"""The optional read replica (DATABASE_REPLICA_URL) and its router (attendance_project/db.py).

The replica URL points at the primary here, the test database: what is checked is
which alias each query goes through. The replica alias opens read-only transactions,
so a write that reached it fails instead of quietly landing on the primary. Aliases
are fixed when a process starts, so each configuration runs in a child process
(tests/replica_probe.py) that sees the rows this test committed.
"""

import json
import subprocess
import sys

import pytest
from django.contrib.auth.models import Group, Permission

from classes.roles import OFFICE_ADMINS
from progression.models import Progression
from progression.services import ProgressionService
from tests.factories import EnrolmentFactory, UserFactory
from tests.processes import BASE_DIR, database_url, project_env

pytestmark = pytest.mark.django_db(transaction=True)


def probe(action: str, *args, replica: bool = True) -> dict:
    env = project_env(**({"DATABASE_REPLICA_URL": database_url()} if replica else {}))
    result = subprocess.run(
        [sys.executable, "-m", "tests.replica_probe", action, *map(str, args)],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout.splitlines()[-1])


@pytest.fixture
def progression():
    """An enrolled learner with hours in the ledger, committed."""
    enrolment = EnrolmentFactory()
    ProgressionService.log_hours(enrolment.learner, 3, 2)
    ProgressionService.log_hours(enrolment.learner, "2.5", "2.5")
    return Progression.objects.get(learner=enrolment.learner)


def test_without_a_replica_reports_read_the_primary():
    assert probe("describe", replica=False) == {"aliases": ["default"], "reporting_db": "default"}


def test_with_a_replica_reports_read_committed_rows_through_it(progression):
    assert probe("describe") == {"aliases": ["default", "replica"], "reporting_db": "replica"}

    found = probe("report", progression.learner_id)

    assert found["reporting_db"] == "replica"
    assert found["rows"] == [[progression.learner_id, "5.50", "4.50"]]
    # A report's related rows come from where the report row came from.
    assert found["progression_read_from"] == found["learner_read_from"] == "replica"


def test_a_write_goes_to_the_primary_and_the_replica_alias_refuses_writes(progression):
    written = probe("write", progression.pk)

    assert written == {"saved_to": "default", "replica_write_refused_by": "ReadOnlySqlTransaction"}
    progression.refresh_from_db()
    assert progression.notes == "saved after a read from the replica"


def test_migrate_leaves_the_replica_alone():
    # Take a permission from a group: a post_migrate handler that wrongly ran on the
    # replica would put it back (and fail, the replica being read-only).
    group = Group.objects.get(name=OFFICE_ADMINS)
    group.permissions.remove(Permission.objects.get(codename="capture_any_class"))

    assert probe("migrate") == {"restored_by_replica_migrate": False, "restored_by_migrate": True}


def test_the_report_pages_read_the_replica(progression):
    """Only the login session and the user's permissions come from the primary."""
    admin = UserFactory(username="office.replica", is_staff=True)
    admin.groups.add(Group.objects.get(name=OFFICE_ADMINS))

    found = probe("report_pages", admin.username, progression.klass_id)

    assert set(found["statuses"].values()) == {200}, found["statuses"]
    assert set(found["primary_tables"]) <= {
        "django_session",
        "auth_user",
        "auth_user_groups",
        "auth_group",
        "auth_group_permissions",
        "auth_permission",
        "auth_user_user_permissions",
        "django_content_type",
    }, found["primary_tables"]
    assert {
        "classes",
        "class_schedules",
        "learner_lp_tracking",
        "learner_hours_log",
        "class_enrolments",
        "excessive_hours_resolutions",
    } <= set(found["replica_tables"]), found["replica_tables"]
