"""Where the test database is, for subprocesses (psql, manage.py, gunicorn)."""

from django.db import connection


def database_url(dbname: str | None = None) -> str:
    """A postgres:// URL for the test database (or another database on its server)."""
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
    host, port = s["HOST"] or "localhost", s["PORT"] or 5432
    return f"postgres://{s['USER']}{password}@{host}:{port}/{dbname or s['NAME']}"
