-- 016_hours_log_progression.sql
--
-- Creates nothing: the hours log's field `tracking` is named `progression` in the
-- code (issue 10) and keeps its column, learner_hours_log.tracking_id, so the
-- database does not change. The file only records migration progression 0007 as
-- applied, so that `migrate` finds nothing to do. (Numbered 016: 014 and 015 are
-- left to work of issue 10 on other branches.)
-- Run `python manage.py migrate` once afterwards, as after every schema file.
--
-- Idempotent: the migration is recorded once.
--
--   psql -v ON_ERROR_STOP=1 -d attendance -f schema/016_hours_log_progression.sql

BEGIN;

INSERT INTO "django_migrations" ("app", "name", "applied")
SELECT v.app, v.name, now()
FROM (VALUES
    ('progression', '0007_hours_log_progression')
) AS v (app, name)
WHERE NOT EXISTS (
    SELECT 1 FROM "django_migrations" m WHERE m.app = v.app AND m.name = v.name
);

COMMIT;
