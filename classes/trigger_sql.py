"""Running a module's trigger statements for the database at hand (migrations).

The modules that keep derived columns and tables by triggers (plan_sql,
latest_page_sql) each carry their PostgreSQL statements (the ops schema files hold the
same text) and their SQLite ones (the development database); this runs the right
list, one statement at a time (SQLite's schema editor runs no scripts)."""

from __future__ import annotations

from collections.abc import Sequence


def run_for_vendor(
    schema_editor, *, postgresql: Sequence[str], sqlite: Sequence[str], then: Sequence[str] = ()
) -> None:
    """`postgresql` or `sqlite` by the connection's vendor (nothing for another), then
    `then` on either."""
    statements = {"postgresql": postgresql, "sqlite": sqlite}.get(
        schema_editor.connection.vendor, ()
    )
    for statement in [*statements, *then]:
        schema_editor.execute(statement, params=None)
