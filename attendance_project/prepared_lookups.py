"""The two lookups every logged-in request makes, as prepared statements (issue 11):
its session row and its user. Django's own spellings (the sessions app's
`objects.get`, ModelBackend's) compile the same small query on every request, which
cost more than PostgreSQL takes to answer it. Same rows, same rules; other databases
(SQLite) keep Django's (attendance_project.db.hand_written_sql).

settings: SESSION_ENGINE = "attendance_project.prepared_lookups", and
AUTHENTICATION_BACKENDS lists `ModelBackend` below.
"""

from __future__ import annotations

from django.contrib.auth import backends, get_user_model
from django.contrib.sessions.backends import db as session_db
from django.core.exceptions import PermissionDenied
from django.db import connections, router
from django.utils import timezone

from attendance_project import db


def _columns(model) -> str:
    return ", ".join(f.column for f in model._meta.concrete_fields)


def _fields(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


class SessionStore(session_db.SessionStore):
    """Django's database session store, reading the row with a prepared statement."""

    def _get_session_from_db(self):
        model = self.model
        connection = connections[router.db_for_read(model)]
        if not db.hand_written_sql(connection) or self.session_key is None:
            return super()._get_session_from_db()
        with db.statement_cursor(connection) as cursor:
            cursor.execute(
                f"SELECT {_columns(model)} FROM {model._meta.db_table} "
                "WHERE session_key = %(key)s AND expire_date > %(now)s",
                {"key": self.session_key, "now": timezone.now()},
            )
            row = cursor.fetchone()
        if row is None:
            # As Django's: an unknown or expired key starts a new session.
            self._session_key = None
            return None
        return model.from_db(connection.alias, _fields(model), row)


class ModelBackend(backends.ModelBackend):
    """Django's ModelBackend, reading a session's user with a prepared statement.

    Settings list Django's own ModelBackend after this one, for sessions started
    before it was (a session names the backend that logged it in): those keep
    working until they expire. So that a wrong password is not checked twice, this
    backend ends the authentication when it refuses (PermissionDenied: Django then
    asks no later backend, and sends user_login_failed as for any failed login).
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            raise PermissionDenied
        return user

    def get_user(self, user_id):
        model = get_user_model()
        connection = connections[router.db_for_read(model)]
        if not db.hand_written_sql(connection):
            return super().get_user(user_id)
        with db.statement_cursor(connection) as cursor:
            cursor.execute(
                f"SELECT {_columns(model)} FROM {model._meta.db_table} WHERE id = %(id)s",
                {"id": user_id},
            )
            row = cursor.fetchone()
        if row is None:
            return None
        user = model.from_db(connection.alias, _fields(model), row)
        return user if self.user_can_authenticate(user) else None
