"""The one database-side guard of every append-only table (PostgreSQL, DESIGN rule 12).

One trigger function, `append_only_refuse()`, names the table and the operation it
refuses (TG_TABLE_NAME, TG_OP), so each table needs only its two triggers: a row
trigger for UPDATE and DELETE, and a statement trigger for TRUNCATE, which row
triggers never see (`manage.py flush` emptied the ledger that way, issue 9).

Migrations run these statements; the schema files carry the same text for ops, and
the schema fidelity test compares the two catalogs (function bodies byte for byte),
so a change here needs a new migration and a new schema file, never an edit of a
released one. The statements are idempotent (CREATE OR REPLACE).
"""

# The hint is the trigger's argument (TG_ARGV[0]), so each table tells the reader
# how to correct it without a function of its own.
APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION append_only_refuse() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'integrity_constraint_violation',
              HINT = coalesce(TG_ARGV[0], 'Append new rows instead; the history is kept.');
END;
$$
"""

DROP_APPEND_ONLY_FUNCTION = "DROP FUNCTION IF EXISTS append_only_refuse()"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def append_only_triggers(table: str, hint: str) -> list[str]:
    """The two triggers that make `table` append-only, named `<table>_append_only`
    (rows: UPDATE, DELETE) and `<table>_no_truncate` (the statement: TRUNCATE)."""
    return [
        f"""
CREATE OR REPLACE TRIGGER {table}_append_only
    BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION append_only_refuse({_literal(hint)})
""",
        f"""
CREATE OR REPLACE TRIGGER {table}_no_truncate
    BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION append_only_refuse({_literal(hint)})
""",
    ]


def drop_append_only_triggers(table: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
        f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
    ]


# The hints of this app's append-only tables. Each app keeps its own tables' hints
# beside its migrations (the apps above use the function and triggers from here).
HOURS_LOG_HINT = "Correct hours by appending reversal rows (see the README)."
STATUS_HISTORY_HINT = "Record a new status change instead; the history is kept."
