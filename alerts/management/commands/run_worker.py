"""The job worker: runs the queue's jobs and its periodic schedules until stopped.

    python manage.py run_worker

`make run` starts one beside the web server. In production run one per machine (or
several); they share the queue in PostgreSQL, each job runs once, and each periodic
run happens once however many workers defer it (docs/decisions.md, issue 15). It is
procrastinate's worker, as `manage.py procrastinate worker` runs it, and on SQLite
(no shared queue) the in-memory one.
"""

from django.core.management.base import BaseCommand

from alerts.queue import uses_postgresql, worker_app


class Command(BaseCommand):
    help = "Run the job worker (alerts, periodic checks) until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--concurrency", type=int, default=None)

    def handle(self, *args, concurrency=None, **options):
        from procrastinate.contrib.django import app

        worker_options = {"concurrency": concurrency} if concurrency else {}
        self.stdout.write("Job worker started (alerts and their periodic checks).")
        self.stdout.flush()
        runner = worker_app(app) if uses_postgresql() else app
        runner.run_worker(**worker_options)
