"""Running the project in other processes (app servers, manage.py) against the test
database. They see only committed rows, so tests that use these helpers need the
transactional database."""

import os

from django.conf import settings

from tests.database import database_url

BASE_DIR = settings.BASE_DIR
__all__ = ["BASE_DIR", "database_url", "project_env"]


def project_env(**overrides: str) -> dict[str, str]:
    """This process's environment, pointed at the test database, plus `overrides`."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "attendance_project.settings",
        "DATABASE_URL": database_url(),
        "PYTHONUNBUFFERED": "1",
    }
    # A replica the developer configured is not part of what the tests set up.
    env.pop("DATABASE_REPLICA_URL", None)
    return env | overrides
