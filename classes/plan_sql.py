"""The trigger that keeps the stored plan's `recorded` column equal to the session rows.

class_planned_sessions.recorded is true exactly when class_attendance_sessions has a
row for that class and date whose status is not pending (captured, or marked as not
held). The capture backlog reads it through a partial index instead of anti-joining
every past session (bench/HISTORY.md: 7 ms instead of 430 ms at 300,000 sessions).
The database keeps it, so that no writer of session rows (the capture and void
services, the bench's COPY, a DBA's fix) can forget to; `manage.py check_plans`
checks it too.

Used by migration classes 0008; schema/014_planned_sessions.sql carries the same
PostgreSQL statements for ops. SQLite (the development database) gets the same rule
as plain triggers.
"""

from classes.trigger_sql import run_for_vendor

POSTGRESQL_FUNCTION = """
CREATE OR REPLACE FUNCTION class_planned_sessions_mark_recorded() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- The class row lock orders this with a rebuild of the class's plan, which holds
    -- the row FOR UPDATE while it reads the recorded dates and writes the new rows:
    -- either the rebuild sees this change, or this update sees the rebuilt rows.
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM 1 FROM classes WHERE id = OLD.class_id FOR KEY SHARE;
        UPDATE class_planned_sessions SET recorded = false
        WHERE class_id = OLD.class_id AND session_date = OLD.session_date AND recorded;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM 1 FROM classes WHERE id = NEW.class_id FOR KEY SHARE;
        UPDATE class_planned_sessions SET recorded = (NEW.status <> 'pending')
        WHERE class_id = NEW.class_id AND session_date = NEW.session_date;
    END IF;
    RETURN NULL;
END;
$$;
"""

POSTGRESQL_TRIGGERS = """
CREATE OR REPLACE TRIGGER class_attendance_sessions_plan_insert
    AFTER INSERT ON class_attendance_sessions
    FOR EACH ROW
    WHEN (NEW.status <> 'pending')
    EXECUTE FUNCTION class_planned_sessions_mark_recorded();

CREATE OR REPLACE TRIGGER class_attendance_sessions_plan_update
    AFTER UPDATE OF status, class_id, session_date ON class_attendance_sessions
    FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status
          OR OLD.class_id IS DISTINCT FROM NEW.class_id
          OR OLD.session_date IS DISTINCT FROM NEW.session_date)
    EXECUTE FUNCTION class_planned_sessions_mark_recorded();

CREATE OR REPLACE TRIGGER class_attendance_sessions_plan_delete
    AFTER DELETE ON class_attendance_sessions
    FOR EACH ROW
    WHEN (OLD.status <> 'pending')
    EXECUTE FUNCTION class_planned_sessions_mark_recorded();
"""

POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS class_attendance_sessions_plan_insert ON class_attendance_sessions;
DROP TRIGGER IF EXISTS class_attendance_sessions_plan_update ON class_attendance_sessions;
DROP TRIGGER IF EXISTS class_attendance_sessions_plan_delete ON class_attendance_sessions;
DROP FUNCTION IF EXISTS class_planned_sessions_mark_recorded();
"""

# One statement each: SQLite's executescript is not used by the schema editor.
SQLITE_TRIGGERS = [
    """
    CREATE TRIGGER IF NOT EXISTS class_attendance_sessions_plan_insert
    AFTER INSERT ON class_attendance_sessions
    WHEN NEW.status <> 'pending'
    BEGIN
        UPDATE class_planned_sessions SET recorded = 1
        WHERE class_id = NEW.class_id AND session_date = NEW.session_date;
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS class_attendance_sessions_plan_update
    AFTER UPDATE OF status, class_id, session_date ON class_attendance_sessions
    BEGIN
        UPDATE class_planned_sessions SET recorded = 0
        WHERE class_id = OLD.class_id AND session_date = OLD.session_date;
        UPDATE class_planned_sessions SET recorded = (NEW.status <> 'pending')
        WHERE class_id = NEW.class_id AND session_date = NEW.session_date;
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS class_attendance_sessions_plan_delete
    AFTER DELETE ON class_attendance_sessions
    BEGIN
        UPDATE class_planned_sessions SET recorded = 0
        WHERE class_id = OLD.class_id AND session_date = OLD.session_date;
    END
    """,
]

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS class_attendance_sessions_plan_insert",
    "DROP TRIGGER IF EXISTS class_attendance_sessions_plan_update",
    "DROP TRIGGER IF EXISTS class_attendance_sessions_plan_delete",
]


def install(schema_editor) -> None:
    run_for_vendor(
        schema_editor,
        postgresql=[POSTGRESQL_FUNCTION, POSTGRESQL_TRIGGERS],
        sqlite=SQLITE_TRIGGERS,
    )


def uninstall(schema_editor) -> None:
    run_for_vendor(schema_editor, postgresql=[POSTGRESQL_DROP], sqlite=SQLITE_DROP)
