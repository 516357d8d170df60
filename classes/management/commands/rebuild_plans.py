"""manage.py rebuild_plans: store every class's planned sessions again (from its schedule)."""

import time

from django.core.management.base import BaseCommand

from classes.services.schedule import rebuild_all_plans


class Command(BaseCommand):
    help = (
        "Rebuild every class's stored plan (table class_planned_sessions) from its "
        "schedule with the schedule engine: after running schema/014 by hand, after "
        "upgrading the holidays package, or when check_plans finds a difference. "
        "Safe while the app runs: each batch of classes is one transaction."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        count = rebuild_all_plans(log=lambda line: self.stdout.write(f"  {line}"))
        self.stdout.write(
            self.style.SUCCESS(
                f"Rebuilt the plans of {count:,} classes in {time.monotonic() - started:.1f} s."
            )
        )
