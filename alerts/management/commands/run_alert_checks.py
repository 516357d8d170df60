"""Run the periodic alert checks now (or as at another time) and send what they raise.

    python manage.py run_alert_checks                      # as at now
    python manage.py run_alert_checks --at "2026-12-02 19:00"  # as at that local time

The worker runs the same checks every quarter of an hour; this command is for ops
and for trying the alerts out (the clock "advanced" with --at). What it raises is
sent by a worker run in this process until the queue is empty, so the e-mails show
here (the console backend prints them). Running it again raises nothing new: each
alert is a row under a UNIQUE constraint.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from alerts import services
from alerts.models import Alert
from alerts.queue import run_worker_until_idle
from alerts.tasks import defer_due_digests

BAD_TIME = "--at: give a local date and time as YYYY-MM-DD HH:MM, e.g. 2026-12-02 19:00."


class Command(BaseCommand):
    help = "Run the alert checks now (or --at a local time) and send what they raise."

    def add_arguments(self, parser):
        parser.add_argument("--at", help="Check as at this local time (YYYY-MM-DD HH:MM).")
        parser.add_argument(
            "--no-send", action="store_true", help="Raise the alerts; leave sending to the worker."
        )

    def handle(self, *args, at=None, no_send=False, **options):
        now = timezone.now()
        if at:
            try:
                now = timezone.make_aware(datetime.datetime.fromisoformat(at))
            except ValueError as error:
                raise CommandError(BAD_TIME) from error
        created = services.run_checks(now=now)
        services.send_waiting()
        defer_due_digests(now=now)
        self.stdout.write(
            f"Alerts raised: {len(created)} (as at {timezone.localtime(now):%Y-%m-%d %H:%M})."
        )
        if not no_send:
            run_worker_until_idle()
        sent = Alert.objects.filter(pk__in=created, status=Alert.Status.SENT).count()
        self.stdout.write(f"Of those, e-mailed now: {sent}.")
