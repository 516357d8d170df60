"""Append-only tables refuse UPDATE, DELETE and TRUNCATE in the database itself
(DESIGN rule 12), through one trigger function shared by every such table.

The suite's own flush (pytest-django empties tables with TRUNCATE after transactional
tests) gets past the triggers only as a superuser can: see tests/conftest.py.
"""

import pytest
from django.core.management.color import no_style
from django.db import IntegrityError, ProgrammingError, connection, transaction

from progression.services import ProgressionService
from tests.conftest import django_execute_sql_flush
from tests.factories import EnrolmentFactory

# The tables this app keeps append-only. excessive_hours_resolutions (the reports
# app's model) has its row trigger in the classes app's migrations, which created it.
APPEND_ONLY_TABLES = ["learner_hours_log", "learner_lp_tracking_status_history"]


@pytest.fixture
def rows(db):
    """A ledger row and the progression's status history row, so row triggers fire."""
    learner = EnrolmentFactory().learner
    ProgressionService.log_hours(learner, 2, 1)


def refused(sql: str) -> str:
    with connection.cursor() as cursor:
        # The rows above were written in this test's transaction: their deferred
        # foreign-key checks must run first, or PostgreSQL refuses the TRUNCATE for
        # that reason ("pending trigger events") instead of ours.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with pytest.raises(IntegrityError) as error, transaction.atomic(), connection.cursor() as c:
        c.execute(sql)
    return str(error.value)


@pytest.mark.parametrize("table", APPEND_ONLY_TABLES)
@pytest.mark.parametrize(
    ("statement", "operation"),
    [
        ("UPDATE {table} SET id = id", "UPDATE"),
        ("DELETE FROM {table}", "DELETE"),
        ("TRUNCATE {table}", "TRUNCATE"),
    ],
)
def test_append_only_tables_refuse_update_delete_and_truncate(rows, table, statement, operation):
    message = refused(statement.format(table=table))

    assert f"{table} is append-only: {operation} is not allowed" in message


def test_truncate_cascading_from_the_progressions_is_refused(rows):
    assert "is append-only: TRUNCATE is not allowed" in refused(
        "TRUNCATE learner_lp_tracking CASCADE"
    )


def test_every_append_only_table_uses_the_one_trigger_function(db):
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, t.tgname, p.proname,
                   (t.tgtype & 1) = 1 AS for_each_row, (t.tgtype & 32) = 32 AS on_truncate
            FROM pg_trigger t
            JOIN pg_class c ON c.oid = t.tgrelid
            JOIN pg_proc p ON p.oid = t.tgfoid
            WHERE NOT t.tgisinternal AND c.relname = ANY(%s)
            ORDER BY c.relname, t.tgname
            """,
            [APPEND_ONLY_TABLES],
        )
        triggers = cursor.fetchall()
        cursor.execute("SELECT proname FROM pg_proc WHERE proname LIKE '%%append_only%%'")
        functions = {name for (name,) in cursor.fetchall()}

    assert triggers == [
        ("learner_hours_log", "learner_hours_log_append_only", "append_only_refuse", True, False),
        ("learner_hours_log", "learner_hours_log_no_truncate", "append_only_refuse", False, True),
        (
            "learner_lp_tracking_status_history",
            "learner_lp_tracking_status_history_append_only",
            "append_only_refuse",
            True,
            False,
        ),
        (
            "learner_lp_tracking_status_history",
            "learner_lp_tracking_status_history_no_truncate",
            "append_only_refuse",
            False,
            True,
        ),
    ]
    # The ledger's own copy of the function is gone; the resolutions' copy stays until
    # the classes app moves its trigger to the shared function.
    assert "learner_hours_log_append_only" not in functions


def test_django_flush_is_refused_without_the_suites_bypass(rows):
    statements = connection.ops.sql_flush(
        no_style(), ["learner_hours_log", "learner_lp_tracking_status_history"]
    )
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # as in refused()
    with pytest.raises(IntegrityError, match="append-only: TRUNCATE"), transaction.atomic():
        django_execute_sql_flush(connection.ops, statements)


def test_only_a_superuser_can_switch_the_triggers_off(db):
    # The suite's bypass: an app role (not a superuser) is refused it.
    def switch_off_as_a_plain_role():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("CREATE ROLE attendance_app_probe NOLOGIN")
            cursor.execute("SET LOCAL ROLE attendance_app_probe")
            cursor.execute("SET LOCAL session_replication_role = replica")

    with pytest.raises(ProgrammingError, match="permission denied"):
        switch_off_as_a_plain_role()
