"""The ops SQL files in schema/ and Django's migrations describe the same database.

Ops build production by running schema/*.sql by hand with psql; the app and its tests
build databases with `migrate`. These tests apply the files to an empty database the
way ops do, twice, and compare its catalog with the one `migrate` built for the test
run (the test database).
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from tests.catalog import differences, exact_snapshot, snapshot
from tests.database import database_url

SCHEMA_DIR = Path(settings.BASE_DIR) / "schema"
SCHEMA_FILES = sorted(SCHEMA_DIR.glob("[0-9][0-9][0-9]_*.sql"))


def dsn(dbname: str) -> str:
    return database_url(dbname).replace("postgres://", "postgresql://", 1)


def apply_schema_files(dbname: str) -> None:
    for path in SCHEMA_FILES:
        result = subprocess.run(
            ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", dsn(dbname), "-f", str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, f"{path.name} failed:\n{result.stderr}"


@pytest.fixture(scope="module")
def migrated_dbname(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return connection.settings_dict["NAME"]


@pytest.fixture(scope="module")
def schema_dbname(migrated_dbname):
    """An empty database built only from schema/*.sql, applied once."""
    name = f"{migrated_dbname}_schema_files"
    with psycopg.connect(dsn(migrated_dbname), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    apply_schema_files(name)
    yield name
    with psycopg.connect(dsn(migrated_dbname), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_files_are_numbered_and_say_how_to_run_them():
    numbers = [int(p.name[:3]) for p in SCHEMA_FILES]
    # Unique, so the order ops run them in is never a guess. Not necessarily without
    # gaps: work on parallel branches reserves numbers (008 while 009 lands first).
    assert numbers[0] == 1
    assert len(set(numbers)) == len(numbers), numbers
    for path in SCHEMA_FILES:
        text = path.read_text()
        assert text.startswith(f"-- {path.name}"), path.name
        assert "psql -v ON_ERROR_STOP=1" in text, path.name


def test_applying_the_files_again_changes_nothing(schema_dbname):
    before = exact_snapshot(dsn(schema_dbname))
    with psycopg.connect(dsn(schema_dbname)) as conn:
        migrations_before = conn.execute("SELECT app, name FROM django_migrations").fetchall()

    apply_schema_files(schema_dbname)

    assert differences(before, exact_snapshot(dsn(schema_dbname))) == []
    with psycopg.connect(dsn(schema_dbname)) as conn:
        assert conn.execute("SELECT app, name FROM django_migrations").fetchall() == (
            migrations_before
        )


def test_migrate_check_finds_nothing_to_apply(schema_dbname):
    env = os.environ | {"DATABASE_URL": database_url(schema_dbname)}
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_files_build_the_same_catalog_as_migrate(schema_dbname, migrated_dbname):
    from_files = snapshot(dsn(schema_dbname))
    from_migrate = snapshot(dsn(migrated_dbname))

    assert differences(from_files, from_migrate) == []
    assert sum(len(kind) for kind in from_migrate.values()) > 300  # not two empty pictures


def test_the_comparison_notices_a_missing_constraint(schema_dbname, migrated_dbname):
    with psycopg.connect(dsn(schema_dbname), autocommit=True) as conn:
        conn.execute("ALTER TABLE learners DROP CONSTRAINT learners_race_valid")
    found = differences(snapshot(dsn(schema_dbname)), snapshot(dsn(migrated_dbname)))

    apply_schema_files(schema_dbname)  # and running the files again repairs it

    assert len(found) == 1
    assert "learners_race_valid" in found[0]
    assert differences(snapshot(dsn(schema_dbname)), snapshot(dsn(migrated_dbname))) == []


SEED = """
INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email,
                       is_staff, is_active, date_joined)
VALUES ('!', false, 'fac', '', '', '', false, true, now());
INSERT INTO clients (name, contact_email, updated_at) VALUES ('Acme', '', now());
INSERT INTO class_types (code, name) VALUES ('BE', 'Business English');
INSERT INTO class_type_subjects (class_type_id, code, name, subject_duration, total_pages)
SELECT id, 'BE1', 'Communication', 120, 200 FROM class_types;
INSERT INTO classes (code, client_id, class_type_subject_id, site, facilitator_id, status,
                     updated_at)
SELECT 'C1', (SELECT id FROM clients), (SELECT id FROM class_type_subjects),
       'Site', (SELECT id FROM auth_user), 'active', now();
INSERT INTO learners (first_names, surname, id_number, race, gender, updated_at)
VALUES ('Zanele', 'Dlamini', '8501015800083', 'african', 'female', now());
INSERT INTO class_attendance_sessions (class_id, session_date, scheduled_hours, updated_at)
SELECT id, '2026-03-02', 3, now() FROM classes;
INSERT INTO learner_lp_tracking (learner_id, class_type_subject_id, start_date, updated_at)
SELECT (SELECT id FROM learners), id, '2026-01-05', now() FROM class_type_subjects;
INSERT INTO learner_lp_tracking_status_history (tracking_id, old_status, new_status,
                                                effective_date)
SELECT id, '', 'in_progress', start_date FROM learner_lp_tracking;
INSERT INTO learner_hours_log (learner_id, class_type_subject_id, tracking_id, log_date,
                               hours_trained, hours_present, source)
SELECT learner_id, class_type_subject_id, id, '2026-03-02', 3, 2, 'manual'
FROM learner_lp_tracking;
"""


ENROL = (
    "INSERT INTO class_enrolments (learner_id, class_id, start_date, status, updated_at)"
    " SELECT (SELECT id FROM learners), id, '2026-01-05', 'enrolled', now() FROM classes;"
)
ATTEND = (
    "UPDATE class_attendance_sessions SET status = 'captured', captured_at = now(),"
    " captured_by_id = (SELECT id FROM auth_user);"
    " INSERT INTO class_attendance_learners (session_id, learner_id, session_date,"
    " class_type_subject_id, hours_trained, hours_present, page_number, updated_at)"
    " SELECT s.id, (SELECT id FROM learners), s.session_date, c.class_type_subject_id,"
    " 3, 2, 5, now() FROM class_attendance_sessions s JOIN classes c ON c.id = s.class_id;"
)


@pytest.mark.parametrize(
    ("statement", "constraint"),
    [
        (
            "INSERT INTO class_attendance_sessions (class_id, session_date, scheduled_hours,"
            " updated_at) SELECT id, '2026-03-02', 3, now() FROM classes",
            "class_attendance_sessions_class_date_unique",
        ),
        (
            "UPDATE class_attendance_sessions SET status = 'postponed', captured_at = now(),"
            " captured_by_id = (SELECT id FROM auth_user)",
            "class_attendance_sessions_status_valid",
        ),
        (
            "UPDATE learner_hours_log SET hours_present = 0",
            "learner_hours_log is append-only",
        ),
        (
            "DELETE FROM learner_hours_log",
            "learner_hours_log is append-only",
        ),
        ("TRUNCATE learner_hours_log", "learner_hours_log is append-only: TRUNCATE"),
        (
            "UPDATE learner_lp_tracking_status_history SET reason = 'x'",
            "learner_lp_tracking_status_history is append-only: UPDATE",
        ),
        (
            "DELETE FROM learner_lp_tracking_status_history",
            "learner_lp_tracking_status_history is append-only: DELETE",
        ),
        (
            "TRUNCATE learner_lp_tracking_status_history",
            "learner_lp_tracking_status_history is append-only: TRUNCATE",
        ),
        ("TRUNCATE learner_lp_tracking CASCADE", "is append-only: TRUNCATE"),
        (
            "INSERT INTO learner_lp_tracking (learner_id, class_type_subject_id, start_date,"
            " updated_at) SELECT learner_id, class_type_subject_id, '2026-02-01', now()"
            " FROM learner_lp_tracking",
            "learner_lp_tracking_one_in_progress",
        ),
        # Issue 9: history that cannot be rewritten.
        (
            ENROL
            + "INSERT INTO learners (first_names, surname, id_number, race, gender, updated_at)"
            " VALUES ('Sipho', 'Nkosi', '9001015800085', 'african', 'male', now());"
            " UPDATE class_enrolments SET learner_id = (SELECT max(id) FROM learners)",
            "learner and class cannot change",
        ),
        (
            ENROL + ATTEND + "DELETE FROM class_enrolments",
            "has attendance; it cannot be deleted",
        ),
        (
            ATTEND + "INSERT INTO class_type_subjects (class_type_id, code, name, subject_duration,"
            " total_pages) SELECT id, 'BE2', 'Writing', 60, 100 FROM class_types;"
            " UPDATE classes SET class_type_subject_id = (SELECT max(id) FROM class_type_subjects)",
            "programme of class C1 is fixed",
        ),
    ],
)
def test_the_schema_built_database_enforces_the_rules(schema_dbname, statement, constraint):
    with psycopg.connect(dsn(schema_dbname)) as conn:
        conn.execute(SEED)
        # The seed's deferred foreign-key checks run now: a TRUNCATE in the same
        # transaction would be refused for them ("pending trigger events"), not ours.
        conn.execute("SET CONSTRAINTS ALL IMMEDIATE")
        with pytest.raises(psycopg.errors.IntegrityError, match=constraint):
            conn.execute(statement)
        conn.rollback()


@pytest.mark.parametrize("table", ["learner_hours_log", "learner_lp_tracking_status_history"])
def test_both_databases_refuse_truncate_of_an_append_only_table(
    schema_dbname, migrated_dbname, table
):
    # Statement-level: refused even on an empty table, whoever owns it.
    for dbname in (schema_dbname, migrated_dbname):
        with psycopg.connect(dsn(dbname)) as conn:
            with pytest.raises(psycopg.errors.IntegrityError, match=f"{table} is append-only"):
                conn.execute(f"TRUNCATE {table}")
            conn.rollback()


def test_no_schema_file_grants_truncate_or_all_privileges():
    # The app role gets DML only (README, ops section): TRUNCATE would empty the
    # append-only tables past their row triggers' reach, were the trigger ever dropped.
    for path in SCHEMA_FILES:
        # The privileges: what stands between GRANT and ON.
        granted = re.findall(r"\bGRANT\b(.*?)\bON\b", path.read_text(), flags=re.I | re.S)
        assert not [g for g in granted if re.search(r"\b(TRUNCATE|ALL)\b", g, re.I)], path.name


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    # Exits non-zero (SystemExit) when makemigrations would write a file.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
