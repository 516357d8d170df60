-- 010_progression_admin.sql
--
-- Creates: what the office admin's progression and hours-log pages need (issue 5).
--   * learner_lp_tracking.portfolio: the storage name of the learner's portfolio of
--     evidence (PDF, DOC or DOCX), handed in when a programme is marked complete; ''
--     when there is none. The file itself lives in the app's file storage (MEDIA_ROOT
--     or S3), not in the database.
--   * the index learner_hours_log_date_id on learner_hours_log (log_date, id): the
--     admin lists the ledger newest session date first, and filters it by date range;
--     this index gives a page of a million-row ledger without sorting it.
-- Records migration progression 0004.
--
-- Idempotent: every statement creates only what is missing (ADD COLUMN IF NOT EXISTS,
-- CREATE INDEX IF NOT EXISTS).
--
--   psql -v ON_ERROR_STOP=1 -d attendance -f schema/010_progression_admin.sql
--
-- The whole file is one transaction: if a statement fails, nothing of it stays.
--
-- Building the index blocks writes to learner_hours_log (captures wait) for as long as
-- it takes: seconds for a million rows. To avoid even that, build it first without
-- blocking, outside a transaction, and then run this file (its CREATE INDEX then does
-- nothing):
--
--   psql -v ON_ERROR_STOP=1 -d attendance -c 'CREATE INDEX CONCURRENTLY IF NOT EXISTS
--       "learner_hours_log_date_id" ON "learner_hours_log" ("log_date", "id")'

BEGIN;
-- Quiet the "already exists, skipping" notices of a second run.
SET LOCAL client_min_messages = warning;

ALTER TABLE "learner_lp_tracking" ADD COLUMN IF NOT EXISTS "portfolio" varchar(255) DEFAULT '' NOT NULL;

CREATE INDEX IF NOT EXISTS "learner_hours_log_date_id" ON "learner_hours_log" ("log_date", "id");

INSERT INTO "django_migrations" ("app", "name", "applied")
SELECT v.app, v.name, now()
FROM (VALUES
    ('progression', '0004_progression_admin')
) AS v (app, name)
WHERE NOT EXISTS (
    SELECT 1 FROM "django_migrations" m WHERE m.app = v.app AND m.name = v.name
);

COMMIT;
