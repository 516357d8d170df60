"""Run by tests/test_database_replica.py in a child process: `python -m tests.replica_probe
ACTION [ARG]`. Settings (and so the database aliases) are fixed when a process starts,
so a configuration with DATABASE_REPLICA_URL needs a process of its own. Prints one
line of JSON for the test to check.
"""

import json
import sys
from collections.abc import Callable

import django


def describe() -> dict:
    from django.conf import settings

    from attendance_project.db import reporting_db

    return {"aliases": sorted(settings.DATABASES), "reporting_db": reporting_db()}


def report(learner_id: str) -> dict:
    """A report-style read: hours per learner, and a related row of a report row."""
    from django.db.models import Sum

    from attendance_project.db import reporting_db
    from progression.models import HoursLog, Progression

    rows = (
        HoursLog.objects.using(reporting_db())
        .filter(learner_id=learner_id)
        .values("learner_id")
        .annotate(trained=Sum("hours_trained"), present=Sum("hours_present"))
    )
    progression = Progression.objects.using(reporting_db()).get(learner_id=learner_id)
    return {
        "reporting_db": reporting_db(),
        "rows": [[r["learner_id"], str(r["trained"]), str(r["present"])] for r in rows],
        "progression_read_from": progression._state.db,
        "learner_read_from": progression.learner._state.db,
    }


def write(progression_id: str) -> dict:
    """Save a row read from the replica; then write through the replica alias itself."""
    from django.db import DatabaseError, transaction

    from progression.models import Progression

    progression = Progression.objects.using("replica").get(pk=progression_id)
    progression.notes = "saved after a read from the replica"
    progression.save(update_fields=["notes", "updated_at"])
    refused = None
    try:
        with transaction.atomic(using="replica"):
            Progression.objects.using("replica").filter(pk=progression_id).update(
                notes="written through the replica alias"
            )
    except DatabaseError as error:
        refused = type(error.__cause__).__name__
    return {"saved_to": progression._state.db, "replica_write_refused_by": refused}


def migrate() -> dict:
    """`migrate` on the replica, then on the primary: does the Office admins group
    regain the permission the test took away?"""
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from classes.roles import OFFICE_ADMINS

    def restored() -> bool:
        group = Group.objects.using("default").get(name=OFFICE_ADMINS)
        return group.permissions.filter(codename="capture_any_class").exists()

    call_command("migrate", database="replica", interactive=False, verbosity=0)
    after_replica = restored()
    call_command("migrate", interactive=False, verbosity=0)
    return {"restored_by_replica_migrate": after_replica, "restored_by_migrate": restored()}


def report_pages(username: str, class_id: str) -> dict:
    """Every staff report page and CSV, as `username`: which tables each alias read."""
    import re

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.urls import reverse

    setup_test_environment()  # the test client's host, "testserver", is allowed
    # Pages link their CSS; without a collectstatic manifest, link it unhashed.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    pages = ["index", "backlog", "progress", "excessive_hours", "regulatory"]
    pages += ["backlog_csv", "progress_csv", "excessive_hours_csv", "regulatory_csv"]
    statuses = {}
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        for name in [*pages, "class_monthly", "class_monthly_csv"]:
            response = client.get(reverse(f"reports:{name}"), {"class": class_id})
            if response.streaming:
                # The test client's response type lacks the streaming half.
                b"".join(response.streaming_content)  # type: ignore[attr-defined]
            statuses[name] = response.status_code

    def tables(queries) -> list[str]:
        return sorted({t for q in queries for t in re.findall(r'(?:FROM|JOIN) "(\w+)"', q["sql"])})

    return {
        "statuses": statuses,
        "primary_tables": tables(primary.captured_queries),
        "replica_tables": tables(replica.captured_queries),
    }


ACTIONS: dict[str, Callable[..., object]] = {
    "describe": describe,
    "report": report,
    "write": write,
    "migrate": migrate,
    "report_pages": report_pages,
}

if __name__ == "__main__":
    django.setup()
    action, *args = sys.argv[1:]
    print(json.dumps(ACTIONS[action](*args)))
