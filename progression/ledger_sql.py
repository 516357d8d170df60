"""The first database-side guard of learner_hours_log (PostgreSQL), as migration
progression 0003 and schema/008_corrections.sql installed it.

Superseded by the shared guard in progression/append_only_sql.py (migration 0005,
schema/012): kept unchanged because migration 0003 runs it, and 0005's reverse puts
it back. New code uses append_only_sql.
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
