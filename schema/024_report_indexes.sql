-- 024_report_indexes.sql
--
-- Creates: the index that keeps the excessive-hours report fast at a million ledger
-- rows (issue 10).
--   * learner_lp_tracking_over_hours: in-progress progressions by (programme, hours
--     trained), INCLUDE (id, learner_id): the report reads those over their
--     programme's allocated hours as a range of it, without the table.
-- The report CSVs' latest-page column reads class_attendance_latest_page (022).
-- Records migration progression 0008.
--
-- Idempotent: CREATE INDEX IF NOT EXISTS. Run `python manage.py migrate` once
-- afterwards, as after every schema file.
--
--   psql -v ON_ERROR_STOP=1 -d attendance -f schema/024_report_indexes.sql
--
-- The whole file is one transaction: if a statement fails, nothing of it stays.

BEGIN;
-- Quiet the "already exists, skipping" notices of a second run.
SET LOCAL client_min_messages = warning;

CREATE INDEX IF NOT EXISTS "learner_lp_tracking_over_hours" ON "learner_lp_tracking" ("class_type_subject_id", "hours_trained") INCLUDE ("id", "learner_id") WHERE "status" = 'in_progress';

INSERT INTO "django_migrations" ("app", "name", "applied")
SELECT v.app, v.name, now()
FROM (VALUES
    ('progression', '0008_over_hours_index')
) AS v (app, name)
WHERE NOT EXISTS (
    SELECT 1 FROM "django_migrations" m WHERE m.app = v.app AND m.name = v.name
);

COMMIT;
