"""manage.py anonymise_learners [--dry-run] [--years N]: POPIA retention (issue 16)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from attendance_project.parsing import parse_date
from records.anonymise import anonymise, cutoff, inactive_learners

COMMAND = "manage.py anonymise_learners"


class Command(BaseCommand):
    help = (
        "Anonymise learners with no activity for POPIA_RETENTION_YEARS years (names and "
        "identity removed, hours kept). --dry-run lists them and changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--years", type=int, default=None)
        parser.add_argument("--today", help="YYYY-MM-DD (default: today).")

    def handle(self, *args, dry_run=False, years=None, today=None, **options):
        years = settings.POPIA_RETENTION_YEARS if years is None else years
        if years < 1:
            raise CommandError("--years must be at least 1.")
        day = timezone.localdate()
        if today is not None:
            day = parse_date(today)
            if day is None:
                raise CommandError(f"--today {today!r}: not a date (YYYY-MM-DD).")
        found = inactive_learners(today=day, years=years)
        before = cutoff(today=day, years=years)
        verb = "Would anonymise" if dry_run else "Anonymising"
        self.stdout.write(f"{verb} {len(found)} learner(s) with no activity since before {before}:")
        for row in found:
            self.stdout.write(
                f"  learner {row.learner.pk} ({row.learner}), last activity {row.last_activity}"
            )
        if dry_run:
            self.stdout.write("Dry run: nothing changed.")
            return
        done = sum(anonymise(learner_id=row.learner.pk, by=COMMAND, before=before) for row in found)
        self.stdout.write(self.style.SUCCESS(f"Anonymised {done} learner(s)."))
