"""The measurement phases, in one process, on databases that `bench/__main__.py`
has created and seeded. Assertions (query counts, EXPLAIN, load errors, ledger)
fail the run; timing targets are reported, never asserted."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import psycopg
from django.db import connection
from django.utils import timezone

from bench import capture, export, latest_pages, load, pages, profiles, reports, servers
from bench.config import Config
from bench.http import Browser
from bench.seed import PASSWORD


def check(condition: bool, message: str, failures: list[str]) -> None:
    if not condition:
        failures.append(message)


def run_all(
    config: Config,
    urls: dict[str, str],
    folder: Path,
    profiles_to: Path,
    log=print,
    only: str | None = None,
    collected_static: Path | None = None,
) -> dict:
    results: dict = {
        "config": asdict(config),
        "date": timezone.localtime().isoformat(timespec="seconds"),
        "failures": [],
    }
    if only == "reports":
        results["only"] = only
        return run_reports(config, urls, folder, results, log)
    if only == "capture":
        results["only"] = only
        return run_capture(config, urls["large"], folder, results, log)
    if only == "latest":
        results["only"] = only
        return run_latest(config, urls["large"], results, log)
    failures = results["failures"]
    user, groups = capture_classes(config, results)
    static_root = collected_static or folder / "static"
    if collected_static is None:
        servers.collect_static(static_root, urls["large"])
    started = []
    try:
        large = servers.start("large", servers.app_env(urls["large"], static_root), folder)
        started.append(large)
        small = servers.start("small", servers.app_env(urls["small"], static_root), folder)
        started.append(small)
        with (
            psycopg.connect(urls["large"], autocommit=True) as raw_large,
            psycopg.connect(urls["small"], autocommit=True) as raw_small,
        ):
            with raw_small.cursor() as cursor:
                cursor.execute("SELECT COUNT(*) FROM learner_hours_log")
                (results["ledger_rows_small"],) = cursor.fetchone() or (0,)
            log("capture: interleaved service, HTTP and raw SQL")
            results["capture"] = capture_phase(
                config, user, groups, large.port, urls["large"], failures
            )
            log("class page")
            results["class_page"] = pages.class_page(
                port=large.port, raw=raw_large, reps=config.page_reps
            )
            log("admin pages")
            results["admin"] = pages.admin_pages(
                large_port=large.port,
                small_port=small.port,
                raw_large=raw_large,
                raw_small=raw_small,
                reps=config.admin_reps,
                sql_reps=config.sql_reps,
            )
            explain = results["admin"]["explain"]
            check(
                explain["index_scan"],
                f"the filtered changelist query does not use an index: {explain['reads']}",
                failures,
            )
            log("export")
            results["export"] = export.measure(
                raw=raw_large, rows=config.export_rows, reps=config.export_reps
            )
            log("report pages and CSVs")
            results["reports"] = reports.measure(
                large_port=large.port,
                small_port=small.port,
                raw_large=raw_large,
                raw_small=raw_small,
                reps=config.report_reps,
                csv_reps=config.report_csv_reps,
            )
            log("latest page of every progression")
            results["latest_pages"] = latest_phase(raw_large, config, failures)
            results["profiles"] = profiles.write_all(
                user=user, group=groups[30], folder=profiles_to
            )
        log(f"load: {config.load_users} facilitators for {config.load_seconds:.0f} s")
        results["load"] = load.measure(
            port=large.port, users=config.load_users, seconds=config.load_seconds
        )
        load_checks(results["load"], failures)
    finally:
        for server in started:
            servers.stop(server)
    for server in started:
        for line in servers.problems_in_log(server):
            failures.append(f"{server.name} server log: {line}")
    return results


def capture_classes(config: Config, results: dict):
    """The capture phase's facilitator and classes, made on the large database (this
    process's), then statistics over everything, as after a day's use."""
    per_size = (config.capture_warmup + config.capture_rounds) * len(capture.PATHS) + 14
    user, groups = capture.make_classes(per_size, config.capture_classes)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("SELECT COUNT(*) FROM learner_hours_log")
        results["ledger_rows_large"] = cursor.fetchone()[0]
    return user, groups


def run_capture(config: Config, url: str, folder: Path, results: dict, log) -> dict:
    """`--only capture`: the capture phase alone, on the large database only (the
    seeding of one database and a minute of measuring, instead of the whole run), for
    comparing a change to the capture path."""
    user, groups = capture_classes(config, results)
    static_root = folder / "static"
    servers.collect_static(static_root, url)
    server = servers.start("large", servers.app_env(url, static_root), folder)
    try:
        log("capture: interleaved service, HTTP and raw SQL")
        results["capture"] = capture_phase(
            config, user, groups, server.port, url, results["failures"]
        )
    finally:
        servers.stop(server)
    for line in servers.problems_in_log(server):
        results["failures"].append(f"{server.name} server log: {line}")
    return results


def latest_phase(raw, config: Config, failures: list[str]) -> dict:
    found = latest_pages.measure(raw=raw, reps=config.sql_reps)
    check(
        found["reads_stored_pages"],
        f"the latest pages are not read from class_attendance_latest_pages: {found['plan']}",
        failures,
    )
    return found


def run_latest(config: Config, url: str, results: dict, log) -> dict:
    """`--only latest`: the latest page of every progression alone, on the large
    database only (seconds after the seeding), with its EXPLAIN (ANALYZE, BUFFERS),
    for comparing a change to the query or its index."""
    with psycopg.connect(url, autocommit=True) as raw:
        raw.execute("ANALYZE")
        (results["ledger_rows_large"],) = raw.execute(
            "SELECT COUNT(*) FROM learner_hours_log"
        ).fetchone() or (0,)
        log("latest page of every progression")
        results["latest_pages"] = latest_phase(raw, config, results["failures"])
    return results


def run_reports(config: Config, urls: dict[str, str], folder: Path, results: dict, log) -> dict:
    """`--only reports`: the report pages and CSVs phase alone (a minute or two after
    the seeding, instead of the whole run), for comparing a change to them."""
    for role in ("large", "small"):
        with psycopg.connect(urls[role], autocommit=True) as raw:
            raw.execute("ANALYZE")
            (results[f"ledger_rows_{role}"],) = raw.execute(
                "SELECT COUNT(*) FROM learner_hours_log"
            ).fetchone() or (0,)
    static_root = folder / "static"
    servers.collect_static(static_root, urls["large"])
    started = []
    try:
        for role in ("large", "small"):
            started.append(servers.start(role, servers.app_env(urls[role], static_root), folder))
        large, small = started
        with (
            psycopg.connect(urls["large"], autocommit=True) as raw_large,
            psycopg.connect(urls["small"], autocommit=True) as raw_small,
        ):
            log("report pages and CSVs")
            results["reports"] = reports.measure(
                large_port=large.port,
                small_port=small.port,
                raw_large=raw_large,
                raw_small=raw_small,
                reps=config.report_reps,
                csv_reps=config.report_csv_reps,
            )
    finally:
        for server in started:
            servers.stop(server)
    for server in started:
        for line in servers.problems_in_log(server):
            results["failures"].append(f"{server.name} server log: {line}")
    return results


def capture_phase(config: Config, user, groups, port: int, url: str, failures: list) -> dict:
    counts = capture.query_counts(user, groups)
    for path, by_size in counts.items():
        check(
            len(set(by_size.values())) == 1,
            f"{path} queries per capture grow with the class: {by_size}",
            failures,
        )
        limit = capture.MOST_STATEMENTS[path]
        check(
            max(by_size.values()) <= limit,
            f"{path} sends more than {limit} statements per capture: {by_size}",
            failures,
        )
    counts["baseline"] = dict.fromkeys(capture.SIZES, capture.BASELINE_ROUND_TRIPS)
    browser = Browser(port)
    browser.log_in(capture.USERNAME, PASSWORD)
    with psycopg.connect(url, autocommit=True) as raw:
        times = capture.measure(
            user=user,
            groups=groups,
            browser=browser,
            raw=raw,
            rounds=config.capture_rounds,
            warmup=config.capture_warmup,
        )
    browser.close()
    split = capture.split_times(user, groups)
    return {"times": times, "queries": counts, "service_split": split}


def load_checks(result: dict, failures: list[str]) -> None:
    check(not result["errors"], f"load errors: {result['errors'][:5]}", failures)
    after = result["after"]
    check(after["check_hours_clean"], f"check_hours after the load: {after}", failures)
    check(not any(after["duplicates"].values()), f"duplicates: {after['duplicates']}", failures)
    check(
        not after["sessions_not_recorded_once"],
        f"sessions not recorded once: {after['sessions_not_recorded_once'][:5]}",
        failures,
    )
    check(result["captures"] > 0, "the load captured nothing", failures)
