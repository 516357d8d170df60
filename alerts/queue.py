"""The job queue: procrastinate (docs/decisions.md, issue 15).

Jobs and periodic schedules live in PostgreSQL, in procrastinate's tables, which
alerts' migration 0001 creates from the pinned release's own schema file (schema/026
holds the same text for ops). A job deferred inside a transaction (the Django
connector uses Django's connection) exists only if that transaction commits.

`make run` without DATABASE_URL runs on SQLite, where procrastinate has no
connector: there each process keeps its queue in memory (procrastinate's in-memory
connector). The worker's periodic checks then find and send everything themselves
(alerts.tasks.run_checks sends what is waiting), which is all a laptop needs; a
capture's immediate at-risk check waits for the next periodic run instead.
"""

from __future__ import annotations

from importlib import resources

from django.db import connections
from django.utils import timezone


def on_app_ready(app) -> None:
    """PROCRASTINATE_ON_APP_READY: swap in the in-memory queue on SQLite."""
    if connections["default"].vendor != "postgresql":
        from procrastinate.testing import InMemoryConnector

        connector = InMemoryConnector()
        app.connector = connector
        app.job_manager.connector = connector


def schema_sql() -> str:
    """The schema of the installed procrastinate release, as it ships it."""
    return resources.files("procrastinate.sql").joinpath("schema.sql").read_text(encoding="utf-8")


def uses_postgresql() -> bool:
    return connections["default"].vendor == "postgresql"


def run_worker_until_idle(**options) -> None:
    """procrastinate's worker, in this thread, until no job is left: the command that
    runs the checks now, and the tests. Through the worker's own connector (psycopg's
    pool), as `manage.py procrastinate worker` does: Django's connection hands jsonb
    back as text, which the worker cannot read its jobs from."""
    from procrastinate.contrib.django import app

    worker_options = {
        "queues": ["alerts"],
        "wait": False,
        "install_signal_handlers": False,
        "listen_notify": False,
        **options,
    }
    # A worker told not to wait stops when one of its fetches finds nothing, even
    # while another job runs (and may be retried): again until nothing is due.
    for _ in range(100):
        if uses_postgresql():
            worker_app(app).run_worker(**worker_options)
        else:
            app.run_worker(**worker_options)
        if not jobs_due(app):
            return


def worker_app(app):
    """An app of its own for this worker, on the worker's connector (what
    App.with_connector does, without swapping the shared app's connector under
    another thread's feet), with the same tasks and periodic schedules."""
    from procrastinate import App

    worker = App(
        connector=app.connector.get_worker_connector(),
        import_paths=app.import_paths,
        worker_defaults=app.worker_defaults,
    )
    worker.tasks = app.tasks
    worker.periodic_registry = app.periodic_registry
    return worker


def jobs_due(app) -> bool:
    """Whether a job of the alerts queue is waiting and due (a retry scheduled for
    later is not)."""
    if not uses_postgresql():
        return any(
            job["status"] == "todo" and job["queue_name"] == "alerts"
            for job in app.connector.jobs.values()
        )
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM procrastinate_jobs WHERE status = 'todo'"
            " AND queue_name = 'alerts' AND (scheduled_at IS NULL OR scheduled_at <= %s))",
            [timezone.now()],
        )
        return cursor.fetchone()[0]
