import os

# Playwright's sync API runs an event loop in the test thread; Django refuses
# database access from such a thread unless told it is safe (it is: one thread).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import datetime
import zoneinfo

import pytest
from django.db import transaction
from django.db.backends.postgresql.operations import DatabaseOperations

from attendance_project import db
from progression.selectors import ledger_mismatches
from tests.clients import FormClient
from tests.factories import (
    AdminUserFactory,
    ClassFactory,
    EnrolmentFactory,
    ScheduleFactory,
    UserFactory,
)

SAST = zoneinfo.ZoneInfo("Africa/Johannesburg")
# The scheduled class meets Mondays and Wednesdays 09:00–12:00 (3 hours) from Monday
# 5 January 2026; "now" in these tests is Wednesday 4 March 2026, 14:00 in Johannesburg.
NOW = datetime.datetime(2026, 3, 4, 14, 0, tzinfo=SAST)
MONDAY = datetime.date(2026, 3, 2)
WEDNESDAY = datetime.date(2026, 3, 4)


# Under pytest-xdist (`make test` runs two workers; PYTEST_WORKERS in the Makefile), the
# tests that start app servers or drive Chromium all go to one worker, one after
# another, as they ran before: each keeps about a core busy besides the test process
# (gunicorn's workers, the bench's load, Chromium), and two of them at once on a
# two-core machine would slow both past their waits. The other worker takes the rest
# of the suite meanwhile, a module at a time (module fixtures are made once). The
# scheduler sees only node ids, so these are named by their files; each is marked
# `browser` or `integration`, and a marked test elsewhere stops the run (below).
SERVER_TESTS = (
    "tests/browser/",
    "tests/test_http_server.py",
    "tests/test_two_app_servers.py",
    "tests/test_offline_two_servers.py",
    "tests/test_bench.py",
    "tests/alerts/test_worker_process.py",
)


def is_server_test(nodeid: str) -> bool:
    return nodeid.startswith(SERVER_TESTS)


def pytest_collection_modifyitems(items):
    strays = [
        item.nodeid
        for item in items
        if (item.get_closest_marker("browser") or item.get_closest_marker("integration"))
        and not is_server_test(item.nodeid)
    ]
    if strays:
        raise pytest.UsageError(f"server or browser tests outside SERVER_TESTS: {strays}")


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class ServerTestsTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return "server tests" if is_server_test(nodeid) else nodeid.split("::", 1)[0]

    return ServerTestsTogether(config, log)


@pytest.fixture
def client():
    """pytest-django's client, sending forms with their one-time keys (tests/clients.py)."""
    return FormClient()


@pytest.fixture
def own_facilitator(db):
    return UserFactory(username="facilitator.own", first_name="Thandi", last_name="Mokoena")


@pytest.fixture
def other_facilitator(db):
    return UserFactory(username="facilitator.other", first_name="Pieter", last_name="Botha")


@pytest.fixture
def admin_user(db):
    return AdminUserFactory(username="office.admin", first_name="Ayesha", last_name="Patel")


@pytest.fixture
def lookups(db):
    """The funders' code lists, loaded from the shipped file (issue 16)."""
    from learners.management.commands.load_lookups import load

    version, _ = load()
    return version


@pytest.fixture
def office_admin(db):
    """An office admin: staff, in the Office admins group (classes/roles.py)."""
    from django.contrib.auth.models import Group

    from classes.roles import OFFICE_ADMINS

    user = UserFactory(username="office", first_name="Lerato", last_name="Molefe", is_staff=True)
    user.groups.add(Group.objects.get(name=OFFICE_ADMINS))
    return user


@pytest.fixture
def klass(own_facilitator):
    """An active class of the own facilitator."""
    return ClassFactory(facilitator=own_facilitator)


@pytest.fixture
def now(time_machine):
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.fixture
def scheduled_class(klass, now):
    """The own facilitator's active class, with a schedule and three learners."""
    ScheduleFactory(klass=klass)
    for surname in ("Dlamini", "Nkosi", "Pretorius"):
        EnrolmentFactory(klass=klass, learner__surname=surname)
    return klass


HAND_WRITTEN_SQL, ORM = "hand-written SQL", "ORM"


@pytest.fixture(params=[HAND_WRITTEN_SQL, ORM])
def both_paths(request, monkeypatch):
    """The test runs twice: on the hot paths' hand-written PostgreSQL statements, and on
    the ORM path that other databases take (SQLite, for `make run`): the one switch,
    attendance_project.db.hand_written_sql, turned off."""
    if request.param == ORM:
        monkeypatch.setattr(db, "hand_written_sql", lambda connection: False)
    return request.param


def assert_ledger_consistent() -> None:
    """DESIGN rule 10: every progression's totals equal the sums of its hours log."""
    mismatches = ledger_mismatches()
    assert mismatches == [], f"progression totals differ from the ledger: {mismatches}"


@pytest.fixture
def ledger_checked(db):
    """Checks rule 10 after the test, before its transaction is rolled back."""
    yield
    assert_ledger_consistent()


# Django's own flush, which the suite's flush wraps (kept for the test that shows it
# is refused).
django_execute_sql_flush = DatabaseOperations.execute_sql_flush


def _flush_past_append_only_triggers(self, sql_list):
    """pytest-django empties the tables after every transactional test with Django's
    flush, a TRUNCATE that the append-only tables refuse (DESIGN rule 12). Replica mode
    switches ordinary triggers off for this transaction only; PostgreSQL lets only a
    superuser set it (the test cluster's user is one, the app's role never is), so
    production's `manage.py flush` stays refused."""
    with transaction.atomic(using=self.connection.alias):
        with self.connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
        django_execute_sql_flush(self, sql_list)


@pytest.fixture(autouse=True, scope="session")
def flush_past_append_only_triggers():
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "execute_sql_flush", _flush_past_append_only_triggers)
        yield


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # PBKDF2 at production strength costs ~0.3 s per user; tests create many.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def plain_static_files(settings):
    # Production serves hashed files from `collectstatic`'s manifest; tests render
    # pages without running collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """`collectstatic` output for the tests' gunicorn servers (DEBUG-off pages name their
    files from its manifest), made once for the run: it comes from the repository's
    static files alone, the same for every test (whitenoise's compression makes it cost
    seconds)."""
    from bench import servers
    from tests.database import database_url

    static_root = tmp_path_factory.mktemp("collected") / "static"
    servers.collect_static(static_root, database_url())
    return static_root


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploaded files (portfolios) go to a temporary folder, removed after the test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
