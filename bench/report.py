"""The printed table, the targets, bench/results.json and a bench/HISTORY.md entry."""

from __future__ import annotations

import json
from pathlib import Path

from bench import reports
from bench.capture import MOST_STATEMENTS, PATHS, SIZES
from bench.stats import ratio

LABELS = {"baseline": "raw SQL (baseline)", "service": "service call", "http": "HTTP via gunicorn"}


def targets(r: dict) -> list[dict]:
    """Each target with its measured value and whether it is met (of the phase
    measured, with `--only`)."""
    if r.get("only") == "reports":
        return _rows(reports.targets(r["reports"]))
    if r.get("only") == "capture":
        return _rows(_capture_targets(r)) + _statement_rows(r)
    if r.get("only") == "latest":
        return _rows([_latest_target(r)])
    admin = r["admin"]["pages"]
    export = r["export"]
    memory = list(export["memory"].values())
    found = [
        *_capture_targets(r),
        _latest_target(r),
        *(
            (f"admin {page} page 1M ÷ 10k rows", ratio(admin[f"{page} large"]["median"], admin[f"{page} small"]["median"]), 1.5)  # noqa: E501
            for page in ("first", "filtered")
        ),
        ("export rows/s ÷ COPY rows/s", ratio(export["export_rows_per_s"], export["copy_rows_per_s"]), -0.25),  # noqa: E501
        ("export peak memory at 10× the rows (Python)", ratio(memory[1]["python_peak_kib"], memory[0]["python_peak_kib"]), 1.5),  # noqa: E501
        *reports.targets(r["reports"]),
    ]  # fmt: skip
    rows = _rows(found) + _statement_rows(r)
    load = r["load"]
    before = r.get("load_before_per_s")
    rows.append(
        {
            "target": "load requests/s ÷ the code before issue 11 (BENCH_LOAD_BEFORE)",
            "value": round(ratio(load["requests_per_s"], before), 2) if before else "no reference",
            "limit": "≥ 1.5",
            "met": before is not None and load["requests_per_s"] >= 1.5 * before,
        }
    )
    rows.append(
        {
            "target": "load: errors, ledger check, duplicates",
            "value": f"{len(load['errors'])} errors, check_hours "
            + ("clean" if load["after"]["check_hours_clean"] else "NOT clean"),
            "limit": "0 errors, clean",
            "met": not load["errors"] and load["after"]["check_hours_clean"],
        }
    )
    return rows


def _latest_target(r: dict) -> tuple[str, float, float]:
    return (
        "latest page of every progression, one query (ms)",
        r["latest_pages"]["ms"]["median"],
        200,
    )


def _capture_targets(r: dict) -> list[tuple[str, float, float]]:
    t = r["capture"]["times"]
    base = t["baseline 30"]["median"]
    return [
        # Issue 11 (issue 6 asked for 2 and 4).
        ("capture service ÷ baseline at 30 learners", ratio(t["service 30"]["median"], base), 1.3),
        ("capture HTTP ÷ baseline at 30 learners", ratio(t["http 30"]["median"], base), 2.0),
        *(
            (f"capture {LABELS[p]} ÷ baseline at {size} learners", ratio(t[f"{p} {size}"]["median"], t[f"baseline {size}"]["median"]), limit)  # noqa: E501
            for size in (5, 100)
            for p, limit in (("service", 1.5), ("http", 2.5))
        ),
        *(
            (f"capture {LABELS[p]} p90 ÷ p50 at 30", ratio(t[f"{p} 30"]["p90"], t[f"{p} 30"]["median"]), 1.3)  # noqa: E501
            for p in ("service", "http")
        ),
    ]  # fmt: skip


def _statement_rows(r: dict) -> list[dict]:
    counts = r["capture"]["queries"]
    rows = [
        {
            "target": "queries per capture the same at 5, 30, 100 learners",
            "value": {path: list(by_size.values()) for path, by_size in counts.items()},
            "limit": "constant",
            "met": all(len(set(v.values())) == 1 for v in counts.values()),
        },
        {
            "target": "statements per capture, service and HTTP POST",
            "value": {path: max(counts[path].values()) for path in MOST_STATEMENTS},
            "limit": " and ".join(f"≤ {n}" for n in MOST_STATEMENTS.values()),
            "met": all(max(counts[p].values()) <= n for p, n in MOST_STATEMENTS.items()),
        },
    ]
    return rows


def _rows(found: list[tuple[str, float, float]]) -> list[dict]:
    return [
        {
            "target": name,
            "value": round(value, 3),
            "limit": f"≥ {-limit:g}" if limit < 0 else f"≤ {limit:g}",
            "met": value >= -limit if limit < 0 else value <= limit,
        }
        for name, value, limit in found
    ]


def table(r: dict) -> str:
    out: list[str] = []
    add = out.append
    only = f", only {r['only']}" if r.get("only") else ""
    add(f"make bench ({r['config']['name']}{only}), {r['date']}, commit {r.get('commit', '?')}")
    small = f"{r['ledger_rows_small']:,} (small)" if "ledger_rows_small" in r else "no small"
    add(
        f"ledger rows: {r['ledger_rows_large']:,} (large), {small}; "
        "times in ms, median and p90 of interleaved runs"
    )
    add("")
    if r.get("only") == "reports":
        out.extend(reports.table(r["reports"]))
        _targets_and_failures(r, out)
        return "\n".join(out)
    if r.get("only") == "latest":
        out.extend(_latest_lines(r["latest_pages"]))
        add("EXPLAIN (ANALYZE, BUFFERS), after the timed runs:")
        out.extend(f"  {line}" for line in r["latest_pages"]["analyze_plan"].splitlines())
        _targets_and_failures(r, out)
        return "\n".join(out)
    t, q = r["capture"]["times"], r["capture"]["queries"]
    add(f"Capture, {t['baseline 30']['n']} rounds per path and size")
    head: tuple[str, ...] = ("learners", "path", "median", "p90", "p90/p50", "× base", "queries")
    add("  {:>8}  {:<20} {:>8} {:>8} {:>8} {:>7} {:>8}".format(*head))
    for size in SIZES:
        base = t[f"baseline {size}"]["median"]
        for path in PATHS:
            s = t[f"{path} {size}"]
            queries = q["view" if path == "http" else path][size]
            add(
                f"  {size:>8}  {LABELS[path]:<20} {s['median']:>8.2f} {s['p90']:>8.2f} "
                f"{s['p90'] / s['median']:>8.2f} {s['median'] / base:>6.2f}× {queries:>8}"
            )
    for size, split in r["capture"]["service_split"].items():
        add(
            f"  service at {size} learners: {split['total_ms']:.1f} ms, of which "
            f"{split['execute_ms']:.1f} in cursor.execute (psycopg + PostgreSQL), "
            f"{split['python_ms']:.1f} in Python (Django ORM and our code)"
        )
    if r.get("only") == "capture":
        _targets_and_failures(r, out)
        return "\n".join(out)
    c = r["class_page"]
    add("")
    add(
        f"Class page {c['class']} ({c['days_of_sessions']} days, {c['sessions']} session rows): "
        f"{c['queries']} queries; HTTP {c['http']['median']:.1f} (p90 {c['http']['p90']:.1f}); "
        f"its SELECTs sent raw {c['sql_floor']['median']:.1f} → "
        f"{ratio(c['http']['median'], c['sql_floor']['median']):.1f}× the SQL"
    )
    a = r["admin"]
    add("")
    rows = a["filtered_rows"]
    add(f"Admin hours log, filter {a['filter']}:")
    add(f"  {rows['large']} rows at 1M, {rows['small']} at 10k")
    head = ("page", "1M median", "p90", "10k median", "p90", "1M ÷ 10k")
    add("  {:<16} {:>10} {:>8} {:>11} {:>8} {:>9}".format(*head))
    for page in ("first", "filtered"):
        big, small = a["pages"][f"{page} large"], a["pages"][f"{page} small"]
        add(
            f"  {page + ' page':<16} {big['median']:>10.1f} {big['p90']:>8.1f} "
            f"{small['median']:>11.1f} {small['p90']:>8.1f} {big['median'] / small['median']:>8.2f}×"  # noqa: E501
        )
    orm, hand = a["filtered_query"]["orm"], a["filtered_query"]["hand_sql"]
    add(
        f"  filtered page query at 1M: ORM {orm['median']:.2f} (p90 {orm['p90']:.2f}), "
        f"hand-written SQL {hand['median']:.2f} (p90 {hand['p90']:.2f}) → "
        f"{ratio(orm['median'], hand['median']):.2f}×"
    )
    add(f"  EXPLAIN reads learner_hours_log by: {', '.join(a['explain']['reads'])}")
    for page, info in a["profile_1m"].items():
        top = info["slowest"][0]
        add(
            f"  {page} page at 1M: {info['queries']} queries, slowest {top['ms']:.1f} ms: "
            f"{top['sql'][:90]}…"
        )
    add("")
    out.extend(_latest_lines(r["latest_pages"]))
    e = r["export"]
    add("")
    add(
        f"Export of {e['rows']:,} rows ({e['path']}): {e['export_rows_per_s']:,.0f} rows/s "
        f"(median {e['export_ms']['median']:.0f} ms, p90 {e['export_ms']['p90']:.0f}) vs COPY "
        f"{e['copy_rows_per_s']:,.0f} rows/s (median {e['copy_ms']['median']:.0f} ms, "
        f"p90 {e['copy_ms']['p90']:.0f}) → {e['export_rows_per_s'] / e['copy_rows_per_s']:.0%} of COPY"  # noqa: E501
    )
    for rows_label, m in e["memory"].items():
        add(
            f"  peak memory exporting {rows_label}: Python {m['python_peak_kib']:,} KiB, "
            f"resident set +{m['rss_growth_kib']:,} KiB"
        )
    add("")
    out.extend(reports.table(r["reports"]))
    load = r["load"]
    lat = load["latency_ms"] or {"median": 0, "p99": 0}
    add("")
    add(
        f"Load: {load['users']} facilitators, {load['seconds']:.1f} s, gunicorn 2 workers: "
        f"{load['requests']} requests ({load['requests_per_s']:.1f}/s), {load['captures']} captures, "  # noqa: E501
        f"p50 {lat['median']:.1f} ms, p99 {lat['p99']:.1f} ms, {len(load['errors'])} errors"
    )
    for kind, s in load["by_kind"].items():
        add(f"  {kind:<14} n={s['n']:<5} p50 {s['median']:7.1f}  p99 {s['p99']:7.1f}")
    after = load["after"]
    add(
        f"  afterwards: check_hours {'clean' if after['check_hours_clean'] else 'NOT CLEAN'}, "
        f"duplicates {after['duplicates']}, sessions not recorded once: "
        f"{len(after['sessions_not_recorded_once'])}"
    )
    _targets_and_failures(r, out)
    return "\n".join(out)


def _latest_lines(lp: dict) -> list[str]:
    return [
        f"Latest page of every progression ({lp['rows']:,} rows), the report CSVs' statement: "
        f"median {lp['ms']['median']:.1f} ms (p90 {lp['ms']['p90']:.1f}) without JIT, as the "
        f"app runs it; read from class_attendance_latest_pages by its key: "
        f"{'yes' if lp['reads_stored_pages'] else 'NO'}",
        *(
            [
                f"  with JIT (PostgreSQL's default, interleaved): median "
                f"{lp['ms_jit_on']['median']:.1f} ms (p90 {lp['ms_jit_on']['p90']:.1f})"
            ]
            if "ms_jit_on" in lp
            else []
        ),
    ]


def _targets_and_failures(r: dict, out: list[str]) -> None:
    add = out.append
    add("")
    add("Targets")
    for row in r["targets"]:
        value = row["value"] if not isinstance(row["value"], float) else f"{row['value']:.2f}"
        verdict = "met   " if row["met"] else "MISSED"
        add(f"  {verdict} {row['target']}: {value} (target {row['limit']})")
    if r["failures"]:
        add("")
        add("FAILED ASSERTIONS")
        out.extend(f"  {failure}" for failure in r["failures"])
    add("")
    add(f"total {r.get('total_seconds', 0):.0f} s (seeding {r.get('seed_seconds', 0):.0f} s)")


def write_json(results: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, default=str) + "\n")


def record(results: dict, text: str, history: Path) -> None:
    """Append this run's table to bench/HISTORY.md (make bench BENCH_ARGS=--record)."""
    with history.open("a") as out:
        out.write(f"\n## {results['date']} — commit {results.get('commit', '?')}\n\n```\n")
        out.write(text)
        out.write("\n```\n")
