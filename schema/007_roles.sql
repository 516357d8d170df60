-- 007_roles.sql
--
-- Creates: no tables. Records the migrations that add the "capture any class"
-- permission and the Facilitators / Office admins groups. Neither changes the
-- schema: the permission and the groups are rows, which `python manage.py migrate`
-- (run after the schema files, with the app's credentials) creates or completes.
--
-- Idempotent: a migration already recorded is left alone.
--
--   psql -v ON_ERROR_STOP=1 -d attendance -f schema/007_roles.sql

BEGIN;

INSERT INTO "django_migrations" ("app", "name", "applied")
SELECT v.app, v.name, now()
FROM (VALUES
    ('classes', '0003_capture_any_class_permission'),
    ('classes', '0004_roles')
) AS v (app, name)
WHERE NOT EXISTS (
    SELECT 1 FROM "django_migrations" m WHERE m.app = v.app AND m.name = v.name
);

COMMIT;
