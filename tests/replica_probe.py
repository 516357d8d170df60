"""Run by tests/test_database_replica.py in a child process: `python -m tests.replica_probe
ACTION [ARG]`. Settings (and so the database aliases) are fixed when a process starts,
so a configuration with DATABASE_REPLICA_URL needs a process of its own. Prints one
line of JSON for the test to check.
"""

import json
import sys

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


ACTIONS = {"describe": describe, "report": report, "write": write, "migrate": migrate}

if __name__ == "__main__":
    django.setup()
    action, *args = sys.argv[1:]
    print(json.dumps(ACTIONS[action](*args)))
