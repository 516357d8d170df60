"""manage.py bench_seed --scale N: the bench data set, bulk-loaded (bench/seed.py)."""

import time

from django.core.management.base import BaseCommand, CommandError

from bench.seed import SCALE_ONE, targets
from bench.seed import seed as seed_data


class Command(BaseCommand):
    help = (
        "Load a realistic data set with COPY into a database without classes. Scale 1: "
        + ", ".join(f"{count:,} {name}" for name, count in SCALE_ONE.items())
        + " (ledger = hours-log rows). Use a small scale (e.g. 0.01) for CI."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0)
        parser.add_argument("--seed", type=int, default=2026, help="random seed")

    def handle(self, *args, scale, seed: int, **options):
        if not 0 < scale <= 10:
            raise CommandError("--scale must be more than 0 and at most 10.")
        started = time.monotonic()
        self.stdout.write(f"bench_seed: scale {scale}, aiming at {targets(scale)}")
        try:
            counts = seed_data(scale=scale, random_seed=seed, log=self.stdout.write)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"bench_seed: {counts['learner_hours_log']:,} hours-log rows, "
                f"{counts['class_attendance_sessions']:,} sessions, "
                f"{counts['classes']:,} classes, {counts['learners']:,} learners "
                f"in {time.monotonic() - started:.0f} s"
            )
        )
