"""The database-side guard that keeps learner_hours_log append-only (PostgreSQL).

Used by the migration that installs it; schema/008_corrections.sql carries the same
statements for ops, and the schema fidelity test compares the two.
"""

APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION learner_hours_log_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'learner_hours_log is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'integrity_constraint_violation',
              HINT = 'Correct hours by appending reversal rows (see the README).';
END;
$$
"""

APPEND_ONLY_TRIGGER = """
CREATE OR REPLACE TRIGGER learner_hours_log_append_only
    BEFORE UPDATE OR DELETE ON learner_hours_log
    FOR EACH ROW EXECUTE FUNCTION learner_hours_log_append_only()
"""

DROP_APPEND_ONLY = """
DROP TRIGGER IF EXISTS learner_hours_log_append_only ON learner_hours_log;
DROP FUNCTION IF EXISTS learner_hours_log_append_only();
"""
