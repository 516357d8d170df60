-- 027_latest_pages.sql
--
-- Creates: class_attendance_latest_pages (issue 11), the latest workbook page of each
-- learner on each LP, kept by triggers on class_attendance_learners so that the
-- page-progress columns of the reports and their CSVs read one row per progression
-- instead of walking the learner's attendance rows.
--   * the table: primary key (learner_id, class_type_subject_id); page_number,
--     session_date and attendance_id of the last attendance row with a page (by
--     session date, then id), NULLs when the key's rows no longer have one. No
--     foreign keys: derived data, written only by the triggers.
--   * the functions class_attendance_latest_pages_refresh/_insert/_update/_delete and
--     one statement-level trigger per event on class_attendance_learners (the same
--     statements as classes/latest_page_sql.py).
--   * the backfill from the existing attendance rows (rows only where missing).
-- Records migration classes 0016. `manage.py check_hours` reports a key whose stored
-- page differs from its attendance rows.
--
-- Idempotent: CREATE TABLE IF NOT EXISTS, CREATE OR REPLACE for the functions and
-- triggers, the backfill ON CONFLICT DO NOTHING. The backfill reads every attendance
-- row once (seconds at 1,000,000 rows).
-- Run `python manage.py migrate` once afterwards, as after every schema file.
--
--   psql -v ON_ERROR_STOP=1 -d attendance -f schema/027_latest_pages.sql
--
-- The whole file is one transaction: if a statement fails, nothing of it stays.

BEGIN;
-- Quiet the "already exists, skipping" notices of a second run.
SET LOCAL client_min_messages = warning;

CREATE TABLE IF NOT EXISTS "class_attendance_latest_pages" ("page_number" integer NULL, "session_date" date NULL, "attendance_id" bigint NULL, "learner_id" bigint NOT NULL, "class_type_subject_id" bigint NOT NULL, PRIMARY KEY ("learner_id", "class_type_subject_id"));

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
ON CONFLICT DO NOTHING;

INSERT INTO "django_migrations" ("app", "name", "applied")
SELECT v.app, v.name, now()
FROM (VALUES
    ('classes', '0016_latest_pages')
) AS v (app, name)
WHERE NOT EXISTS (
    SELECT 1 FROM "django_migrations" m WHERE m.app = v.app AND m.name = v.name
);

COMMIT;
