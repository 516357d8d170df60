"""The staff report pages and their CSVs at 1,000,000 ledger rows against 10,000
(issue 10): each page with its default filters (and the class monthly report of the
busiest class and month), each CSV downloaded to its last byte, through gunicorn.

Pages: median and p90 of interleaved GETs on the two servers, and the body size.
CSVs: when the first byte arrived, when the last, rows (lines less the header) and
rows per second. The targets (bench/report.py) are: every page at 1M within 1.5× its
time at 10k and under 1 MB; every CSV's first byte within 1 s, 20,000 rows/s for a
CSV of 10,000 rows or more, and every CSV far from gunicorn's 30 s timeout.
"""

from __future__ import annotations

import urllib.parse

from django.urls import reverse

from bench.http import Browser
from bench.pages import BUSIEST_CLASS_MONTH, SEEDED_CLASSES
from bench.seed import ADMIN_USERNAME, PASSWORD
from bench.stats import summary

# (name, URL name, needs the busiest class and month)
PAGES = [
    ("capture backlog", "reports:backlog", False),
    ("learner progress", "reports:progress", False),
    ("excessive hours", "reports:excessive_hours", False),
    ("class monthly (no class chosen)", "reports:class_monthly", False),
    ("class monthly (busiest class)", "reports:class_monthly", True),
    ("regulatory", "reports:regulatory", False),
]
CSVS = [
    ("capture backlog", "reports:backlog_csv", False),
    ("learner progress", "reports:progress_csv", False),
    ("excessive hours", "reports:excessive_hours_csv", False),
    ("class monthly (busiest class)", "reports:class_monthly_csv", True),
    ("regulatory", "reports:regulatory_csv", False),
]
# Lines of a class monthly CSV before its learners: the heading facts, a blank line,
# the column header.
CLASS_MONTHLY_HEAD = 10
ONE_MB = 1_000_000


def busiest_query(raw) -> str:
    with raw.cursor() as cursor:
        cursor.execute(BUSIEST_CLASS_MONTH, [SEEDED_CLASSES])
        class_id, month, _ = cursor.fetchone()
    return urllib.parse.urlencode({"class": class_id, "month": f"{month:%Y-%m}"})


def url_for(name: str, busiest: bool, query: str) -> str:
    return reverse(name) + (f"?{query}" if busiest else "")


def measure(*, large_port, small_port, raw_large, raw_small, reps: int, csv_reps: int) -> dict:
    queries = {"large": busiest_query(raw_large), "small": busiest_query(raw_small)}
    browsers = {
        "large": Browser(large_port, timeout=120),
        "small": Browser(small_port, timeout=120),
    }
    for browser in browsers.values():
        browser.log_in(ADMIN_USERNAME, PASSWORD)
    pages = {}
    for title, name, busiest in PAGES:
        urls = {db: url_for(name, busiest, queries[db]) for db in browsers}
        times: dict[str, list[float]] = {db: [] for db in browsers}
        sizes = {}
        for db in browsers:  # a first, untimed request: connections, caches
            sizes[db] = len(browsers[db].get(urls[db]).text.encode())
        for round_ in range(reps):
            for db in ["large", "small"] if round_ % 2 == 0 else ["small", "large"]:
                times[db].append(browsers[db].get(urls[db]).ms)
        pages[title] = {
            "url": urls["large"],
            "large": summary(times["large"]),
            "small": summary(times["small"]),
            "bytes": sizes,
        }
    csvs = {}
    for title, name, busiest in CSVS:
        found = {}
        for db in ("large", "small"):
            url = url_for(name, busiest, queries[db])
            runs = [browsers[db].stream(url) for _ in range(csv_reps)]
            head = CLASS_MONTHLY_HEAD if name == "reports:class_monthly_csv" else 1
            rows = runs[0].lines - head
            total = summary([run.ms for run in runs])
            found[db] = {
                "url": url,
                "rows": rows,
                "bytes": runs[0].bytes,
                "first_byte_ms": summary([run.first_byte_ms for run in runs]),
                "total_ms": total,
                "rows_per_s": rows / total["median"] * 1000 if total["median"] else 0,
            }
        csvs[title] = found
    for browser in browsers.values():
        browser.close()
    return {"pages": pages, "csvs": csvs}


def targets(r: dict) -> list[tuple[str, float, float]]:
    """(target, value, limit) rows for bench/report.py: a negative limit is a floor."""
    found = []
    for title, page in r["pages"].items():
        ratio = page["large"]["median"] / page["small"]["median"]
        found.append((f"report page {title} 1M ÷ 10k", ratio, 1.5))
        found.append((f"report page {title} body at 1M (MB)", page["bytes"]["large"] / ONE_MB, 1.0))
    for title, csv in r["csvs"].items():
        large = csv["large"]
        found.append(
            (
                f"report CSV {title} first byte at 1M (s)",
                large["first_byte_ms"]["median"] / 1000,
                1.0,
            )
        )
        found.append((f"report CSV {title} total at 1M (s)", large["total_ms"]["p90"] / 1000, 10.0))
        if large["rows"] >= 10_000:
            found.append((f"report CSV {title} rows/s at 1M", large["rows_per_s"], -20_000))
    return found


def table(r: dict) -> list[str]:
    out = ["Report pages (default filters), through gunicorn"]
    head = ("page", "1M median", "p90", "10k median", "p90", "1M ÷ 10k", "KB 1M", "KB 10k")
    out.append("  {:<32} {:>9} {:>7} {:>10} {:>7} {:>8} {:>7} {:>7}".format(*head))
    for title, p in r["pages"].items():
        big, small = p["large"], p["small"]
        out.append(
            f"  {title:<32} {big['median']:>9.1f} {big['p90']:>7.1f} {small['median']:>10.1f} "
            f"{small['p90']:>7.1f} {big['median'] / small['median']:>7.2f}× "
            f"{p['bytes']['large'] / 1000:>7.0f} {p['bytes']['small'] / 1000:>7.0f}"
        )
    out.append("Report CSVs, downloaded to the last byte (ms; median of runs)")
    head = ("CSV", "scale", "rows", "KB", "first byte", "total", "p90", "rows/s")
    out.append("  {:<32} {:>5} {:>7} {:>7} {:>10} {:>8} {:>8} {:>9}".format(*head))
    for title, by_scale in r["csvs"].items():
        for db, label in (("large", "1M"), ("small", "10k")):
            c = by_scale[db]
            out.append(
                f"  {title:<32} {label:>5} {c['rows']:>7,} {c['bytes'] / 1000:>7.0f} "
                f"{c['first_byte_ms']['median']:>10.1f} {c['total_ms']['median']:>8.1f} "
                f"{c['total_ms']['p90']:>8.1f} {c['rows_per_s']:>9,.0f}"
            )
    return out
