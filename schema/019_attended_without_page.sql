-- 019_attended_without_page.sql
--
-- A learner who attended may not have completed page 1 yet (issue 12, point 2): the
-- attendance row's page is NULL then ("no page completed yet"), so the CHECK that a
-- present learner has a page goes. Migration classes 0010.
-- Run `python manage.py migrate` once afterwards, as after every schema file.
--
-- Idempotent: dropping a constraint that is gone is a no-op; the migration is
-- recorded once.
--
--   psql -v ON_ERROR_STOP=1 -d attendance -f schema/019_attended_without_page.sql

BEGIN;

ALTER TABLE "class_attendance_learners"
    DROP CONSTRAINT IF EXISTS "class_attendance_learners_page_when_present";

INSERT INTO "django_migrations" ("app", "name", "applied")
SELECT v.app, v.name, now()
FROM (VALUES
    ('classes', '0010_attended_without_page')
) AS v (app, name)
WHERE NOT EXISTS (
    SELECT 1 FROM "django_migrations" m WHERE m.app = v.app AND m.name = v.name
);

COMMIT;
