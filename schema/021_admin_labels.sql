-- 021_admin_labels.sql
--
-- Creates nothing: the admin's labels of the class fields ("class", not "klass") and
-- the learners' order by name whatever the case (issue 12) are Django-side only; the
-- database does not change (sqlmigrate prints no SQL for either migration). The file
-- only records migrations classes 0011_class_labels and learners
-- 0003_name_order_ignores_case as applied, so that `migrate` finds nothing to do.
-- (Numbered 021: 015 and 017-020 are left to other work of issues 10 to 12.)
-- Run `python manage.py migrate` once afterwards, as after every schema file.
--
-- Idempotent: each migration is recorded once.
--
--   psql -v ON_ERROR_STOP=1 -d attendance -f schema/021_admin_labels.sql

BEGIN;

INSERT INTO "django_migrations" ("app", "name", "applied")
SELECT v.app, v.name, now()
FROM (VALUES
    ('classes', '0011_class_labels'),
    ('learners', '0003_name_order_ignores_case')
) AS v (app, name)
WHERE NOT EXISTS (
    SELECT 1 FROM "django_migrations" m WHERE m.app = v.app AND m.name = v.name
);

COMMIT;
