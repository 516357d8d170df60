-- 017_reports_app.sql
--
-- Creates nothing: the excessive-hours resolution model moves from the classes app
-- to the reports app (issue 10). Its table, excessive_hours_resolutions, keeps its
-- name, columns, constraints, index and trigger, so the database does not change.
-- The file records migrations classes 0009 and reports 0001 (state only) and
-- reports 0002, and does what reports 0002 does: relabels the model's content type
-- from classes to reports. The row keeps its id, so its permissions (view_reports,
-- add/view_excessivehoursresolution) and every group's and user's grant of them
-- carry over; they are now reports.view_reports and so on. (Numbered 017: 014 and
-- 015 are left to work of issue 10 on other branches.)
-- Run `python manage.py migrate` once afterwards, as after every schema file.
--
-- Idempotent: the content type is relabelled only while the reports app has none of
-- its own, and each migration is recorded once.
--
--   psql -v ON_ERROR_STOP=1 -d attendance -f schema/017_reports_app.sql

BEGIN;

UPDATE "django_content_type" SET "app_label" = 'reports'
WHERE "app_label" = 'classes' AND "model" = 'excessivehoursresolution'
  AND NOT EXISTS (
      SELECT 1 FROM "django_content_type"
      WHERE "app_label" = 'reports' AND "model" = 'excessivehoursresolution'
  );

INSERT INTO "django_migrations" ("app", "name", "applied")
SELECT v.app, v.name, now()
FROM (VALUES
    ('classes', '0009_excessive_hours_resolution_to_reports'),
    ('reports', '0001_initial'),
    ('reports', '0002_content_type_from_classes')
) AS v (app, name)
WHERE NOT EXISTS (
    SELECT 1 FROM "django_migrations" m WHERE m.app = v.app AND m.name = v.name
);

COMMIT;
