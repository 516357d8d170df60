"""Which database a query goes to: the primary, or the optional read replica.

DATABASE_REPLICA_URL adds a `replica` alias (settings). Nothing reaches it by accident:
writes and migrations always go to the primary, and so do reads, because a page that
has just captured a session must see that capture, and a replica may lag behind.
Reports opt in, one queryset at a time:

    HoursLog.objects.using(reporting_db()).filter(...)
"""

from __future__ import annotations

from contextlib import contextmanager

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models import signals
from django.db.models.base import ModelState

REPLICA = "replica"


def reporting_db() -> str:
    """The alias reports read from: the replica when one is configured."""
    return REPLICA if REPLICA in settings.DATABASES else DEFAULT_DB_ALIAS


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        # Related objects and prefetches of a row read from the replica stay there,
        # so a report does not quietly mix the two; everything else reads the primary.
        instance = hints.get("instance")
        if instance is not None and instance._state.db == REPLICA:
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        # Also for an object read from the replica: saving it writes the primary.
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same rows.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica follows the primary; ops change the schema on the primary only.
        return False if db == REPLICA else None


def hand_written_sql(connection) -> bool:
    """Whether the hot paths (a capture's reads and writes, the ledger batch) send
    their hand-written PostgreSQL statements on this connection, or take the ORM path
    that every database supports (SQLite for `make run`). One switch, so that tests
    can run the ORM path on PostgreSQL too (tests/conftest.py, `orm_path`)."""
    return connection.vendor == "postgresql"


def statement_cursor(connection) -> CursorWrapper:
    """A cursor for the hot paths' hand-written statements (`hand_written_sql`).

    On PostgreSQL, psycopg's server-side binding cursor (the one Django uses with
    OPTIONS server_side_binding): the parameters travel apart from the statement, so
    psycopg can prepare it, which it does on the statement's first use on the
    connection unless DATABASE_PREPARED_STATEMENTS turned that off (settings). Only
    these statements: Django's queries keep the client-side binding, which measured
    faster for them (issue 11). Wrapped as Django wraps its cursors, so statement
    counts, query logging and database error translation see these too.
    """
    if connection.vendor != "postgresql":
        return connection.cursor()
    from psycopg import Cursor

    # As Django's own cursor(): a kept connection that died is replaced first (a
    # request's first statement may be this one: the session lookup).
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    with connection.wrap_database_errors:
        cursor = Cursor(connection.connection)
    if connection.queries_logged:
        return _LoggedStatementCursor(cursor, connection)
    return connection.make_cursor(cursor)


class _LoggedStatementCursor(CursorDebugWrapper):
    """Logs a statement with its parameters, as Django logs its own queries: psycopg
    keeps no text of a prepared statement's execution where Django looks for it."""

    @contextmanager
    def debug_sql(self, sql=None, params=None, use_last_executed_query=False, many=False):
        if use_last_executed_query and sql is not None:
            sql = self.db.ops.compose_sql(sql, params)
        with super().debug_sql(sql, params, use_last_executed_query=False, many=many):
            yield


def loaded(model, attnames: list[str], rows, alias: str) -> list:
    """Model instances of rows a hand-written statement read (each row's values in
    `attnames`' order; fields not named are deferred), as `model.from_db(alias,
    attnames, row)` gives them, without Model.__init__'s per-field work: a capture
    builds one per learner twice, and __init__ cost four to five times this
    (tests/test_prepared_lookups.py compares the two). Models with pre_init or
    post_init receivers get from_db itself."""
    if signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model):
        return [model.from_db(alias, attnames, row) for row in rows]
    found = []
    for row in rows:
        instance = model.__new__(model)
        state = ModelState()
        state.adding, state.db = False, alias
        instance.__dict__.update(zip(attnames, row, strict=True), _state=state)
        found.append(instance)
    return found


def array_literal(values) -> str:
    """A PostgreSQL array literal (`{1,2,NULL}`, `{"late",""}`) of ints, Decimals, text
    and None (NULL), for a hand-written statement's parameter that it casts to the
    array's type (`%(learners)s::bigint[]`).

    psycopg dumps a list element by element in Python (a regular expression per
    element to decide on quoting): about 0.25 ms per 100-element array here, where
    this join takes a tenth of that or less (issue 11). Text is always double-quoted,
    with backslash and double quote escaped, as PostgreSQL's array input reads it; a
    number is written as `str` writes it, which PostgreSQL's integer and numeric
    input read back.
    """
    return "{" + ",".join([_element(value) for value in values]) + "}"


def _element(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if value.__class__ is bool:  # an int, whose str PostgreSQL would not read as one
        raise TypeError("array_literal: booleans are not numbers")
    return str(value)
