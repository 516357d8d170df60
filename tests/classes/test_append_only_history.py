"""The history tables of classes are append-only in the database itself: UPDATE,
DELETE and TRUNCATE are refused through the one trigger function (issue 9)."""

import pytest
from django.db import IntegrityError, connection, transaction

from classes.history_sql import APPEND_ONLY_TABLES
from tests.classes.conftest import capture_monday


@pytest.fixture
def rows(scheduled_class, own_facilitator):
    """A capture: enrolment history, session history and its learner rows."""
    capture_monday(scheduled_class, own_facilitator)


@pytest.mark.parametrize("table", [t for t in APPEND_ONLY_TABLES if "resolutions" not in t])
@pytest.mark.parametrize("statement", ["UPDATE {table} SET id = id", "DELETE FROM {table}"])
def test_history_rows_cannot_be_changed_or_deleted(rows, table, statement):
    refused(statement.format(table=table), f"{table} is append-only")


@pytest.mark.parametrize("table", list(APPEND_ONLY_TABLES))
def test_history_tables_cannot_be_truncated(db, table):
    refused(f"TRUNCATE {table} CASCADE", f"{table} is append-only: TRUNCATE")


def refused(sql: str, message: str) -> None:
    with pytest.raises(IntegrityError, match=message), transaction.atomic():
        connection.cursor().execute(sql)


def test_every_history_table_uses_the_one_function(db):
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, p.proname FROM pg_trigger t
            JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid
            WHERE NOT t.tgisinternal
              AND (t.tgname LIKE '%%append_only' OR t.tgname LIKE '%%no_truncate')
            """
        )
        found = cursor.fetchall()
        cursor.execute(
            "SELECT 1 FROM pg_proc WHERE proname = 'excessive_hours_resolutions_append_only'"
        )
        old_function = cursor.fetchone()
    for table in APPEND_ONLY_TABLES:
        assert [(table, "append_only_refuse")] * 2 == [f for f in found if f[0] == table]
    assert old_function is None
