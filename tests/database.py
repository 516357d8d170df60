"""Where the test database is, for other processes (psql, manage.py, gunicorn).

The test database exists only once pytest-django has created it, under a name of its
own (`test_<name>`); child processes find it through a URL built from the live
connection. They see only committed rows.
"""

import urllib.parse

from django.db import connection

NOT_LIBPQ_OPTIONS = {"prepare_threshold", "server_side_binding", "isolation_level", "assume_role"}


def database_url(dbname: str | None = None) -> str:
    """A postgres:// URL for the test database, or for `dbname` on the same server."""
    s = connection.settings_dict
    user = urllib.parse.quote(s["USER"] or "", safe="")
    password = f":{urllib.parse.quote(s['PASSWORD'], safe='')}" if s["PASSWORD"] else ""
    host, port = s["HOST"] or "localhost", str(s["PORT"] or 5432)
    # Connection options given in the original URL (sslmode, ...) travel along; those
    # for Django or psycopg, not libpq (prepare_threshold: the child's settings set it).
    query = {
        k: str(v)
        for k, v in s["OPTIONS"].items()
        if isinstance(v, str | int) and k not in NOT_LIBPQ_OPTIONS
    }
    if host.startswith("/"):
        # django-environ does not decode a %2F-encoded socket folder; ?host= it reads.
        query |= {"host": host, "port": port}
        netloc = f"{user}{password}@"
    else:
        netloc = f"{user}{password}@{host}:{port}"
    url = f"postgres://{netloc}/{urllib.parse.quote(dbname or s['NAME'])}"
    # %20, not "+", for spaces (options=-c jit=off): libpq reads "+" as a plus.
    encoded = urllib.parse.urlencode(query, quote_via=urllib.parse.quote)
    return f"{url}?{encoded}" if query else url
