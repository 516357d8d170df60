"""`python -m bench`: create two bench databases beside DATABASE_URL's, seed them
(1,000,000 and 10,000 hours-log rows), measure, print the table, write
bench/results.json, drop the databases. `make bench` runs it on a throwaway
PostgreSQL through scripts/with-postgres; `--smoke` is the tiny run `make test` does;
`--only reports` measures the report pages and CSVs alone (the seeding as usual);
`--only capture` seeds the large database only and measures the capture phase alone;
`--only latest` seeds the large database only and measures the latest page of every
progression alone (with its EXPLAIN ANALYZE).

`python -m bench seed --scale N` seeds the one database DATABASE_URL names
(bench/seed_command.py); the run above calls it for each bench database.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import psycopg
from psycopg import sql

BASE_DIR = Path(__file__).resolve().parent.parent


def database_url(base: str, name: str) -> str:
    parts = urllib.parse.urlsplit(base)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def on_database(url: str, *command: str) -> None:
    """Run a Python command line (`manage.py …`, `-m bench seed …`) on one database."""
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": os.environ.get("SECRET_KEY", "x")}
    env.pop("DATABASE_REPLICA_URL", None)
    subprocess.run([sys.executable, *command], cwd=BASE_DIR, env=env, check=True)


def manage(url: str, *args: str) -> None:
    on_database(url, "manage.py", *args)


def seed_main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "attendance_project.settings")
    import django

    django.setup()
    from bench import seed_command

    return seed_command.main(argv)


def create_databases(base: str, names: dict[str, str]) -> dict[str, str]:
    """Migrate one database and copy it for the other (a template copy takes a
    moment, a second migrate seconds)."""
    urls = {role: database_url(base, name) for role, name in names.items()}
    first, *others = names.items()
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(first[1])))
        manage(urls[first[0]], "migrate", "--noinput", "--verbosity=0")
        for _, name in others:
            admin.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(name), sql.Identifier(first[1])
                )
            )
    return urls


def drop_databases(base: str, names: dict[str, str]) -> None:
    with psycopg.connect(base, autocommit=True) as admin:
        for name in names.values():
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def commit() -> str:
    result = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=BASE_DIR, capture_output=True, text=True
    )
    dirty = subprocess.run(["git", "diff", "--quiet", "HEAD"], cwd=BASE_DIR).returncode
    return result.stdout.strip() + ("+changes" if dirty else "") if result.returncode == 0 else "?"


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["seed"]:
        return seed_main(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="tiny scale, few repetitions")
    parser.add_argument("--output", type=Path, default=BASE_DIR / "bench" / "results.json")
    parser.add_argument("--record", action="store_true", help="append to bench/HISTORY.md")
    parser.add_argument(
        "--only",
        choices=["reports", "capture", "latest"],
        help="measure one phase only: reports = the report pages and CSVs (seeding as "
        "usual); capture = the capture phase; latest = the latest page of every "
        "progression, with its EXPLAIN ANALYZE (for these two the large database alone "
        "is seeded)",
    )
    parser.add_argument(
        "--collected-static",
        type=Path,
        help="serve this `collectstatic` output instead of collecting again (the test suite's)",
    )
    args = parser.parse_args(argv)
    if args.only and args.record:
        parser.error("--record records whole runs only")
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        parser.error("DATABASE_URL must point at PostgreSQL (make bench starts one)")
    started = time.monotonic()
    roles = ("large",) if args.only in ("capture", "latest") else ("large", "small")
    names = {role: f"bench_{role}_{os.getpid()}" for role in roles}
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        try:
            urls = create_databases(base, names)
            from bench.config import FULL, SMOKE

            config = SMOKE if args.smoke else FULL
            scales = {"large": config.scale_large, "small": config.scale_small}
            for role in roles:
                scale = scales[role]
                on_database(urls[role], "-m", "bench", "seed", f"--scale={scale}")
            seeded = time.monotonic() - started
            # This process measures as one more app server would: production settings.
            from bench.servers import app_env

            static_root = args.collected_static or Path(folder) / "static"
            os.environ.update(app_env(urls["large"], static_root))
            import django

            django.setup()
            from bench import report, run

            results = run.run_all(
                config,
                urls,
                Path(folder),
                args.output.parent / "profiles",
                only=args.only,
                collected_static=args.collected_static,
            )
            from django.db import connections

            connections.close_all()
        finally:
            drop_databases(base, names)
    results["commit"] = commit()
    # Requests/s of the load phase with the code before issue 11, measured on this
    # machine (bench/HISTORY.md), for the target that compares them.
    if os.environ.get("BENCH_LOAD_BEFORE"):
        results["load_before_per_s"] = float(os.environ["BENCH_LOAD_BEFORE"])
    results["seed_seconds"] = seeded
    results["total_seconds"] = time.monotonic() - started
    results["targets"] = report.targets(results)
    text = report.table(results)
    print(text)
    report.write_json(results, args.output)
    if args.record:
        report.record(results, text, BASE_DIR / "bench" / "HISTORY.md")
    return 1 if results["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
