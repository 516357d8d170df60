"""`python -m bench seed --scale N`: load the bench data set (bench/seed.py) into the
database DATABASE_URL names, which must have no classes yet.

The bench's own command rather than a `manage.py` one: a management command lives in
an app, and the product's apps never import the bench (issue 10).
"""

from __future__ import annotations

import argparse
import sys
import time

from bench.seed import SCALE_ONE, targets
from bench.seed import seed as seed_data


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench seed",
        description=(
            "Load a realistic data set with COPY into a database without classes. Scale 1: "
            + ", ".join(f"{count:,} {name}" for name, count in SCALE_ONE.items())
            + " (ledger = hours-log rows). Use a small scale (e.g. 0.01) for CI."
        ),
    )
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2026, help="random seed")
    return parser


def main(argv: list[str], out=sys.stdout) -> int:
    """Seed and report; Django must be set up. A refusal exits (status 2) naming why."""
    arguments = parser()
    args = arguments.parse_args(argv)
    if not 0 < args.scale <= 10:
        arguments.error("--scale must be more than 0 and at most 10.")
    started = time.monotonic()

    def log(line: str) -> None:
        print(line, file=out)

    log(f"bench seed: scale {args.scale}, aiming at {targets(args.scale)}")
    try:
        counts = seed_data(scale=args.scale, random_seed=args.seed, log=log)
    except ValueError as error:
        arguments.error(str(error))
    log(
        f"bench seed: {counts['learner_hours_log']:,} hours-log rows, "
        f"{counts['class_attendance_sessions']:,} sessions, "
        f"{counts['classes']:,} classes, {counts['learners']:,} learners "
        f"in {time.monotonic() - started:.0f} s"
    )
    return 0
