"""Running the project in other processes (app servers, manage.py) against the test database.

The test database exists only once pytest-django has created it, under a name of its
own (`test_<name>`); child processes find it through a DATABASE_URL built from the
live connection. They see only committed rows, so tests that use these helpers need
the transactional database.
"""

import os
import urllib.parse

from django.conf import settings
from django.db import connection

BASE_DIR = settings.BASE_DIR


def database_url() -> str:
    """A DATABASE_URL for the database this test process is connected to."""
    s = connection.settings_dict
    user = urllib.parse.quote(s["USER"] or "", safe="")
    password = f":{urllib.parse.quote(s['PASSWORD'], safe='')}" if s["PASSWORD"] else ""
    host, port = s["HOST"] or "localhost", str(s["PORT"] or 5432)
    # Connection options given in the original URL (sslmode, ...) travel along.
    query = {k: str(v) for k, v in s["OPTIONS"].items() if isinstance(v, str | int)}
    if host.startswith("/"):
        # django-environ does not decode a %2F-encoded socket folder; ?host= it reads.
        query |= {"host": host, "port": port}
        netloc = f"{user}{password}@"
    else:
        netloc = f"{user}{password}@{host}:{port}"
    url = f"postgres://{netloc}/{urllib.parse.quote(s['NAME'])}"
    return f"{url}?{urllib.parse.urlencode(query)}" if query else url


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
