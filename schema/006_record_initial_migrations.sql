-- 006_record_initial_migrations.sql
--
-- Records the Django migrations that files 001–005 stand for as applied, so that
-- `python manage.py migrate --check` reports nothing to apply and a later `migrate`
-- (run by the app's deployment, which has no DDL rights) only fills in content types
-- and permissions.
--
-- Idempotent: a migration already recorded is left alone.
--
--   psql -v ON_ERROR_STOP=1 -d attendance -f schema/006_record_initial_migrations.sql

BEGIN;
-- Quiet the "already exists, skipping" notices of a second run.
SET LOCAL client_min_messages = warning;

INSERT INTO "django_migrations" ("app", "name", "applied")
SELECT v.app, v.name, now()
FROM (VALUES
    ('contenttypes', '0001_initial'),
    ('auth', '0001_initial'),
    ('admin', '0001_initial'),
    ('admin', '0002_logentry_remove_auto_add'),
    ('admin', '0003_logentry_add_action_flag_choices'),
    ('contenttypes', '0002_remove_content_type_name'),
    ('auth', '0002_alter_permission_name_max_length'),
    ('auth', '0003_alter_user_email_max_length'),
    ('auth', '0004_alter_user_username_opts'),
    ('auth', '0005_alter_user_last_login_null'),
    ('auth', '0006_require_contenttypes_0002'),
    ('auth', '0007_alter_validators_add_error_messages'),
    ('auth', '0008_alter_user_username_max_length'),
    ('auth', '0009_alter_user_last_name_max_length'),
    ('auth', '0010_alter_group_name_max_length'),
    ('auth', '0011_update_proxy_permissions'),
    ('auth', '0012_alter_user_first_name_max_length'),
    ('learners', '0001_initial'),
    ('classes', '0001_initial'),
    ('progression', '0001_initial'),
    ('classes', '0002_initial'),
    ('sessions', '0001_initial')
) AS v (app, name)
WHERE NOT EXISTS (
    SELECT 1 FROM "django_migrations" m WHERE m.app = v.app AND m.name = v.name
);

COMMIT;
