-- 022_attendance_latest_page.sql
--
-- Changes: every attendance row carries its session's date and its class's LP
-- (issue 11), so that a learner's latest workbook page on an LP (before a day) is one
-- range of one index: the capture page's previous page, and the page-progress columns
-- of the reports and their CSVs.
--   * class_attendance_learners.session_date (date) and .class_type_subject_id (the
--     LP, FK to class_type_subjects), filled from each row's session and class, then
--     NOT NULL. The app writes both with every row; neither changes afterwards (a
--     recorded session keeps its date, and its class its LP); `manage.py check_hours`
--     reports a row whose copies differ from its session's.
--   * the index class_attendance_latest_page (learner_id, class_type_subject_id,
--     session_date DESC, id DESC) INCLUDE (page_number).
--   * the index on learner_id alone is dropped: the new index leads with it.
-- Records migration classes 0013.
--
-- Idempotent: ADD COLUMN IF NOT EXISTS, the backfill only of rows still empty, a
-- guarded constraint, CREATE INDEX IF NOT EXISTS, DROP INDEX IF EXISTS. The backfill
-- rewrites every attendance row once (about 1 GB at 1,000,000 rows, in one
-- transaction); run it in a quiet hour and VACUUM ANALYZE the table afterwards.
-- Run `python manage.py migrate` once afterwards, as after every schema file.
--
--   psql -v ON_ERROR_STOP=1 -d attendance -f schema/022_attendance_latest_page.sql
--
-- The whole file is one transaction: if a statement fails, nothing of it stays.

BEGIN;
-- Quiet the "already exists, skipping" notices of a second run.
SET LOCAL client_min_messages = warning;
-- The foreign keys are checked as each statement ends: checks left pending would make
-- the ALTER TABLEs after the backfill fail.
SET CONSTRAINTS ALL IMMEDIATE;

ALTER TABLE "class_attendance_learners" ADD COLUMN IF NOT EXISTS "session_date" date NULL;
ALTER TABLE "class_attendance_learners" ADD COLUMN IF NOT EXISTS "class_type_subject_id" bigint NULL;

DO $$ BEGIN
    ALTER TABLE "class_attendance_learners" ADD CONSTRAINT "class_attendance_lea_class_type_subject_i_3cd78321_fk_class_typ" FOREIGN KEY ("class_type_subject_id") REFERENCES "class_type_subjects" ("id") DEFERRABLE INITIALLY DEFERRED;
EXCEPTION WHEN duplicate_object OR duplicate_table THEN NULL;
END $$;

UPDATE "class_attendance_learners" a
SET session_date = s.session_date, class_type_subject_id = c.class_type_subject_id
FROM "class_attendance_sessions" s
JOIN "classes" c ON c.id = s.class_id
WHERE s.id = a.session_id AND (a.session_date IS NULL OR a.class_type_subject_id IS NULL);

ALTER TABLE "class_attendance_learners" ALTER COLUMN "session_date" SET NOT NULL;
ALTER TABLE "class_attendance_learners" ALTER COLUMN "class_type_subject_id" SET NOT NULL;

CREATE INDEX IF NOT EXISTS "class_attendance_latest_page" ON "class_attendance_learners" ("learner_id", "class_type_subject_id", "session_date" DESC, "id" DESC) INCLUDE ("page_number");
DROP INDEX IF EXISTS "class_attendance_learners_learner_id_52bc3973";

INSERT INTO "django_migrations" ("app", "name", "applied")
SELECT v.app, v.name, now()
FROM (VALUES
    ('classes', '0013_attendance_session_date_programme')
) AS v (app, name)
WHERE NOT EXISTS (
    SELECT 1 FROM "django_migrations" m WHERE m.app = v.app AND m.name = v.name
);

COMMIT;
