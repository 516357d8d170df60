"""manage.py check_plans: is every class's stored plan what its schedule produces?"""

from django.core.management.base import BaseCommand, CommandError

from classes.plan_check import plan_mismatches

SHOWN = 50  # mismatches printed; the count covers them all


class Command(BaseCommand):
    help = (
        "Check that every class's stored plan (class_planned_sessions) equals what the "
        "schedule engine produces from its schedule now, and that each planned date's "
        "'recorded' flag matches its session row. Exits 1 on any difference; "
        "`manage.py rebuild_plans` repairs them."
    )

    def handle(self, *args, **options):
        count = 0
        for mismatch in plan_mismatches():
            count += 1
            if count <= SHOWN:
                self.stdout.write(mismatch.describe())
        if count:
            more = f" (the first {SHOWN} shown)" if count > SHOWN else ""
            raise CommandError(
                f"{count} planned session(s) differ from the schedules{more}; "
                "run `manage.py rebuild_plans`."
            )
        self.stdout.write(self.style.SUCCESS("Every stored plan equals its schedule."))
