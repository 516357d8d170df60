"""Prepared statements for the capture's hand-written statements (issue 11), and the
setting that turns them off behind a transaction-mode pooler."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from tests.classes.conftest import capture_monday

pytestmark = pytest.mark.usefixtures("ledger_checked")

PREPARED = "SELECT statement FROM pg_prepared_statements ORDER BY prepare_time"


def threshold_with(value: str | None) -> str:
    env = {**os.environ, "SECRET_KEY": "x", "DATABASE_URL": "postgres://u@127.0.0.1:5/db"}
    env.pop("DATABASE_PREPARED_STATEMENTS", None)
    if value is not None:
        env["DATABASE_PREPARED_STATEMENTS"] = value
    code = (
        "from attendance_project import settings;"
        "print(settings.DATABASES['default']['OPTIONS']['prepare_threshold'])"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def test_the_setting_turns_prepared_statements_on_and_off():
    assert threshold_with(None) == "0"  # on by default: prepared at first use
    assert threshold_with("false") == "None"  # psycopg then never prepares


def prepared() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(PREPARED)
        return [statement for (statement,) in cursor.fetchall()]


# What marks each of the capture's statements (the first one: plan and roster).
OURS = ["plan AS (", "WITH session AS (", "WITH entry AS ("]


def test_a_capture_prepares_its_statements_and_only_those(scheduled_class, own_facilitator):
    connection.connection.prepare_threshold = 0  # the setting's default

    capture_monday(scheduled_class, own_facilitator)

    statements = prepared()
    for marker in OURS:
        assert any(marker in statement for statement in statements), marker
    # Parameters bound apart; nothing of Django's ORM (its quoted table names) prepared.
    assert all("$1" in statement for statement in statements)
    assert not any('FROM "' in statement for statement in statements), statements


def test_without_prepared_statements_a_capture_prepares_nothing(scheduled_class, own_facilitator):
    connection.connection.prepare_threshold = None  # DATABASE_PREPARED_STATEMENTS=false
    try:
        before = prepared()
        session = capture_monday(scheduled_class, own_facilitator)
        assert prepared() == before
        assert session.status == "captured"
    finally:
        connection.connection.prepare_threshold = 0


# The hot statements' array parameters are literals joined in Python
# (attendance_project.db.array_literal): PostgreSQL reads back what was written.
ODD_TEXT = ["", "late", 'a "quoted" word', "back\\slash", "{braces}, commas", " NULL", "é ✓", None]


def test_array_literals_read_back_as_the_values(db):
    from decimal import Decimal

    from attendance_project.db import array_literal, statement_cursor

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's array input")
    numbers = [1, 9_007_199_254_740_993, None]
    hours = [Decimal("3.0"), Decimal("1.5"), Decimal("0"), Decimal("0.25"), None]
    with statement_cursor(connection) as cursor:
        cursor.execute(
            "SELECT %(t)s::text[], %(n)s::bigint[], %(h)s::numeric[], %(e)s::int[]",
            {
                "t": array_literal(ODD_TEXT),
                "n": array_literal(numbers),
                "h": array_literal(hours),
                "e": array_literal([]),
            },
        )
        assert cursor.fetchone() == (ODD_TEXT, numbers, hours, [])


def test_an_array_literal_takes_no_booleans():
    from attendance_project.db import array_literal

    with pytest.raises(TypeError):
        array_literal([1, True])
