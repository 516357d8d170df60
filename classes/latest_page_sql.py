"""The triggers that keep class_attendance_latest_pages equal to the attendance rows.

class_attendance_latest_pages holds, for each (learner, LP) that has any attendance
row with a page, the page of the last such row: the last by session date, then by row
id (classes.selectors.latest_page_subquery's definition, on `before=None`). The
report columns and CSVs read it as one primary-key probe per row, instead of a walk
through the learner's attendance rows on the latest-page index (issue 11: 40,000
progressions in well under 200 ms, where the index walk took 170-270 ms). The
database keeps it, so that no writer of attendance rows (the capture and its ORM
path, corrections, voids, the bench's COPY, a DBA's fix) can forget to;
`manage.py check_hours` compares it with its definition.

PostgreSQL: one trigger per event, per statement, with transition tables.
- An INSERT only adds candidates, so it merges: the statement's last row with a page
  per key, upserted over the stored one when it is later. ON CONFLICT DO UPDATE
  re-reads a row a concurrent transaction changed before it compares, so two
  captures on the same key in either order leave the later row.
- An UPDATE or DELETE may take the latest row away, so it recomputes: the keys'
  rows are made to exist and locked (key order, as every statement here), and then,
  in a statement of its own whose snapshot sees what the lock waited for, recomputed
  from the attendance rows (a key left without a page keeps its row with NULLs).
  Corrections and voids lock the session row before they touch attendance rows and
  the progressions after, as the capture does, so these locks add no new order.
SQLite (the development database, one writer at a time): plain row triggers with
the same rules.

Used by migration classes 0016; schema/027_latest_pages.sql carries the same
PostgreSQL statements for ops.
"""

from classes.trigger_sql import run_for_vendor

# The recomputation of one set of keys (arrays of learner ids and LP ids, in key
# order), shared by the UPDATE and DELETE triggers.
POSTGRESQL_FUNCTIONS = """
CREATE OR REPLACE FUNCTION class_attendance_latest_pages_refresh(
    learners bigint[], programmes bigint[]
) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO class_attendance_latest_pages (learner_id, class_type_subject_id)
    SELECT k.learner_id, k.programme_id
    FROM unnest(learners, programmes) AS k (learner_id, programme_id)
    ORDER BY 1, 2
    ON CONFLICT DO NOTHING;
    PERFORM 1
    FROM class_attendance_latest_pages t
    JOIN unnest(learners, programmes) AS k (learner_id, programme_id)
      ON t.learner_id = k.learner_id AND t.class_type_subject_id = k.programme_id
    ORDER BY t.learner_id, t.class_type_subject_id
    FOR UPDATE OF t;
    -- A new statement, so a new snapshot: it sees every row committed by the
    -- transactions the lock above waited for.
    UPDATE class_attendance_latest_pages t
    SET page_number = l.page_number, session_date = l.session_date, attendance_id = l.id
    FROM unnest(learners, programmes) AS k (learner_id, programme_id)
    LEFT JOIN LATERAL (
        SELECT a.page_number, a.session_date, a.id
        FROM class_attendance_learners a
        WHERE a.learner_id = k.learner_id AND a.class_type_subject_id = k.programme_id
          AND a.page_number IS NOT NULL
        ORDER BY a.session_date DESC, a.id DESC
        LIMIT 1
    ) l ON true
    WHERE t.learner_id = k.learner_id AND t.class_type_subject_id = k.programme_id
      AND (t.attendance_id IS DISTINCT FROM l.id OR t.page_number IS DISTINCT FROM l.page_number
           OR t.session_date IS DISTINCT FROM l.session_date);
END;
$$;

CREATE OR REPLACE FUNCTION class_attendance_latest_pages_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO class_attendance_latest_pages AS t
        (learner_id, class_type_subject_id, page_number, session_date, attendance_id)
    SELECT DISTINCT ON (n.learner_id, n.class_type_subject_id)
           n.learner_id, n.class_type_subject_id, n.page_number, n.session_date, n.id
    FROM new_rows n
    WHERE n.page_number IS NOT NULL
    ORDER BY n.learner_id, n.class_type_subject_id, n.session_date DESC, n.id DESC
    ON CONFLICT (learner_id, class_type_subject_id) DO UPDATE
    SET page_number = excluded.page_number, session_date = excluded.session_date,
        attendance_id = excluded.attendance_id
    WHERE t.attendance_id IS NULL
       OR (excluded.session_date, excluded.attendance_id) > (t.session_date, t.attendance_id);
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION class_attendance_latest_pages_update() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    learners bigint[];
    programmes bigint[];
BEGIN
    SELECT array_agg(k.learner_id ORDER BY k.learner_id, k.programme_id),
           array_agg(k.programme_id ORDER BY k.learner_id, k.programme_id)
    INTO learners, programmes
    FROM (
        SELECT o.learner_id, o.class_type_subject_id FROM old_rows o
        UNION
        SELECT n.learner_id, n.class_type_subject_id FROM new_rows n
    ) AS k (learner_id, programme_id);
    IF learners IS NOT NULL THEN
        PERFORM class_attendance_latest_pages_refresh(learners, programmes);
    END IF;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION class_attendance_latest_pages_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    learners bigint[];
    programmes bigint[];
BEGIN
    SELECT array_agg(k.learner_id ORDER BY k.learner_id, k.programme_id),
           array_agg(k.programme_id ORDER BY k.learner_id, k.programme_id)
    INTO learners, programmes
    FROM (
        SELECT DISTINCT o.learner_id, o.class_type_subject_id FROM old_rows o
    ) AS k (learner_id, programme_id);
    IF learners IS NOT NULL THEN
        PERFORM class_attendance_latest_pages_refresh(learners, programmes);
    END IF;
    RETURN NULL;
END;
$$;
"""

POSTGRESQL_TRIGGERS = """
CREATE OR REPLACE TRIGGER class_attendance_latest_pages_insert
    AFTER INSERT ON class_attendance_learners
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT
    EXECUTE FUNCTION class_attendance_latest_pages_insert();

CREATE OR REPLACE TRIGGER class_attendance_latest_pages_update
    AFTER UPDATE ON class_attendance_learners
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT
    EXECUTE FUNCTION class_attendance_latest_pages_update();

CREATE OR REPLACE TRIGGER class_attendance_latest_pages_delete
    AFTER DELETE ON class_attendance_learners
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT
    EXECUTE FUNCTION class_attendance_latest_pages_delete();
"""

# Every existing attendance row's key, from the rows themselves (any database).
BACKFILL = """
INSERT INTO class_attendance_latest_pages
    (learner_id, class_type_subject_id, page_number, session_date, attendance_id)
SELECT a.learner_id, a.class_type_subject_id, a.page_number, a.session_date, a.id
FROM class_attendance_learners a
WHERE a.page_number IS NOT NULL
  AND NOT EXISTS (
    SELECT 1 FROM class_attendance_learners b
    WHERE b.learner_id = a.learner_id AND b.class_type_subject_id = a.class_type_subject_id
      AND b.page_number IS NOT NULL
      AND (b.session_date > a.session_date OR (b.session_date = a.session_date AND b.id > a.id))
  )
ON CONFLICT DO NOTHING
"""

POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS class_attendance_latest_pages_insert ON class_attendance_learners;
DROP TRIGGER IF EXISTS class_attendance_latest_pages_update ON class_attendance_learners;
DROP TRIGGER IF EXISTS class_attendance_latest_pages_delete ON class_attendance_learners;
DROP FUNCTION IF EXISTS class_attendance_latest_pages_insert();
DROP FUNCTION IF EXISTS class_attendance_latest_pages_update();
DROP FUNCTION IF EXISTS class_attendance_latest_pages_delete();
DROP FUNCTION IF EXISTS class_attendance_latest_pages_refresh(bigint[], bigint[]);
"""

# The recomputation of one key on SQLite: `{who}` is OLD or NEW.
_SQLITE_REFRESH = """
    DELETE FROM class_attendance_latest_pages
    WHERE learner_id = {who}.learner_id AND class_type_subject_id = {who}.class_type_subject_id;
    INSERT INTO class_attendance_latest_pages
        (learner_id, class_type_subject_id, page_number, session_date, attendance_id)
    SELECT a.learner_id, a.class_type_subject_id, a.page_number, a.session_date, a.id
    FROM class_attendance_learners a
    WHERE a.learner_id = {who}.learner_id
      AND a.class_type_subject_id = {who}.class_type_subject_id
      AND a.page_number IS NOT NULL
    ORDER BY a.session_date DESC, a.id DESC
    LIMIT 1;
"""

# One statement each: SQLite's executescript is not used by the schema editor.
SQLITE_TRIGGERS = [
    """
    CREATE TRIGGER IF NOT EXISTS class_attendance_latest_pages_insert
    AFTER INSERT ON class_attendance_learners
    WHEN NEW.page_number IS NOT NULL
    BEGIN
        INSERT INTO class_attendance_latest_pages
            (learner_id, class_type_subject_id, page_number, session_date, attendance_id)
        VALUES (NEW.learner_id, NEW.class_type_subject_id, NEW.page_number,
                NEW.session_date, NEW.id)
        ON CONFLICT (learner_id, class_type_subject_id) DO UPDATE
        SET page_number = excluded.page_number, session_date = excluded.session_date,
            attendance_id = excluded.attendance_id
        WHERE class_attendance_latest_pages.attendance_id IS NULL
           OR excluded.session_date > class_attendance_latest_pages.session_date
           OR (excluded.session_date = class_attendance_latest_pages.session_date
               AND excluded.attendance_id > class_attendance_latest_pages.attendance_id);
    END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS class_attendance_latest_pages_update
    AFTER UPDATE ON class_attendance_learners
    BEGIN
        {_SQLITE_REFRESH.format(who="OLD")}
        {_SQLITE_REFRESH.format(who="NEW")}
    END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS class_attendance_latest_pages_delete
    AFTER DELETE ON class_attendance_learners
    BEGIN
        {_SQLITE_REFRESH.format(who="OLD")}
    END
    """,
]

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS class_attendance_latest_pages_insert",
    "DROP TRIGGER IF EXISTS class_attendance_latest_pages_update",
    "DROP TRIGGER IF EXISTS class_attendance_latest_pages_delete",
]


def install(schema_editor) -> None:
    run_for_vendor(
        schema_editor,
        postgresql=[POSTGRESQL_FUNCTIONS, POSTGRESQL_TRIGGERS],
        sqlite=SQLITE_TRIGGERS,
        then=[BACKFILL],
    )


def uninstall(schema_editor) -> None:
    run_for_vendor(schema_editor, postgresql=[POSTGRESQL_DROP], sqlite=SQLITE_DROP)
