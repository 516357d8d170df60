"""A comparable picture of a PostgreSQL database's schema (the `public` catalog).

Used by the schema fidelity tests to prove that the ops SQL files in schema/ and
Django's migrations build the same database. Objects whose names Django generates
(hash-suffixed FK constraints and indexes) are compared by definition, not by name.
"""

import re
from collections import Counter

import psycopg

COLUMNS = """
    SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
           pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v') AND a.attnum > 0
      AND NOT a.attisdropped
"""
CONSTRAINTS = """
    SELECT c.relname, k.contype, k.conname, pg_get_constraintdef(k.oid),
           k.condeferrable, k.condeferred
    FROM pg_constraint k
    JOIN pg_class c ON c.oid = k.conrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public'
"""
INDEXES = """
    SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'
"""
TRIGGERS = """
    SELECT c.relname, t.tgname, pg_get_triggerdef(t.oid)
    FROM pg_trigger t
    JOIN pg_class c ON c.oid = t.tgrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND NOT t.tgisinternal
"""
FUNCTIONS = """
    SELECT p.proname, pg_get_functiondef(p.oid)
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = 'public'
"""
# Django names FK constraints and indexes with a hash of the columns; those names are
# not fixed by anyone, so they are blanked out before comparing.
GENERATED_NAME = re.compile(r"_[0-9a-f]{8}(_fk_\w+|_uniq|_like)?$|_fk_\w+$")


def _name(name: str) -> str:
    return "<generated>" if GENERATED_NAME.search(name) else name


def snapshot(dsn: str) -> dict[str, Counter]:
    """Every table, column, constraint, index, trigger and function in `public`."""
    with psycopg.connect(dsn) as conn:
        columns = conn.execute(COLUMNS).fetchall()
        constraints = conn.execute(CONSTRAINTS).fetchall()
        indexes = conn.execute(INDEXES).fetchall()
        triggers = conn.execute(TRIGGERS).fetchall()
        functions = conn.execute(FUNCTIONS).fetchall()
    return {
        "columns": Counter(columns),
        "constraints": Counter(
            (table, kind, _name(name), definition, deferrable, deferred)
            for table, kind, name, definition, deferrable, deferred in constraints
        ),
        "indexes": Counter(
            (table, _name(name), re.sub(r"INDEX \S+ ON", "INDEX ON", definition))
            for table, name, definition in indexes
        ),
        "triggers": Counter(triggers),
        "functions": Counter(functions),
    }


def exact_snapshot(dsn: str) -> dict[str, Counter]:
    """Like snapshot(), but keeps every name: two runs of the same files must agree exactly."""
    with psycopg.connect(dsn) as conn:
        return {
            name: Counter(conn.execute(query).fetchall())
            for name, query in [
                ("columns", COLUMNS),
                ("constraints", CONSTRAINTS),
                ("indexes", INDEXES),
                ("triggers", TRIGGERS),
                ("functions", FUNCTIONS),
            ]
        }


def differences(left: dict[str, Counter], right: dict[str, Counter]) -> list[str]:
    """Readable lines for what one side has and the other lacks."""
    lines = []
    for kind in left:
        for item in sorted((left[kind] - right[kind]).elements(), key=repr):
            lines.append(f"only in first  {kind}: {item}")
        for item in sorted((right[kind] - left[kind]).elements(), key=repr):
            lines.append(f"only in second {kind}: {item}")
    return lines
