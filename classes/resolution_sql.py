"""The database-side guard that keeps excessive_hours_resolutions append-only
(PostgreSQL). Used by migration classes 0006; schema/011_reports.sql carries the same
statements for ops, and the schema fidelity test compares the two. Since migration
classes 0007 the table is guarded by the shared function instead (classes/history_sql.py);
0007 needs these statements only to be reversed. They stay here, beside the migrations
that created the table, now that the model belongs to the reports app (classes must not
import reports).
"""

APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION excessive_hours_resolutions_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'excessive_hours_resolutions is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'integrity_constraint_violation',
              HINT = 'Record a new resolution instead; the history is kept.';
END;
$$
"""

APPEND_ONLY_TRIGGER = """
CREATE OR REPLACE TRIGGER excessive_hours_resolutions_append_only
    BEFORE UPDATE OR DELETE ON excessive_hours_resolutions
    FOR EACH ROW EXECUTE FUNCTION excessive_hours_resolutions_append_only()
"""

DROP_APPEND_ONLY = """
DROP TRIGGER IF EXISTS excessive_hours_resolutions_append_only ON excessive_hours_resolutions;
DROP FUNCTION IF EXISTS excessive_hours_resolutions_append_only();
"""
