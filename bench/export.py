"""Export: a CSV of ~100,000 filtered hours-log rows, streamed, against PostgreSQL's
own `COPY ... TO STDOUT` of the same rows; and the export's peak memory at a tenth
of the rows, to show it stays flat.

Until the admin's CSV export lands, the export measured is the project's streaming
helper (`attendance_project.csv_export.csv_response`) over a `values_list(...)
.iterator(chunk_size=2000)` queryset, which is what that export is to be built on.
When it lands, set EXPORT_URL_NAME to its URL name (and EXPORT_FILTER to its GET
parameters if they differ): the bench then downloads it through the whole Django
stack instead.
"""

from __future__ import annotations

import datetime
import os
import threading
import time
import tracemalloc
import urllib.parse

from django.contrib.auth import get_user_model
from django.test import Client as DjangoClient
from django.urls import NoReverseMatch, reverse
from psycopg import sql

from attendance_project.csv_export import csv_response
from bench.seed import ADMIN_USERNAME
from bench.stats import summary, timed
from progression.models import HoursLog

EXPORT_URL_NAME = "admin:progression_hourslog_export"  # used only if it exists
CHUNK = 2000
COLUMNS = [
    ("id", "entry"),
    ("log_date", "date"),
    ("learner__id_number", "ID number"),
    ("learner__first_names", "first names"),
    ("learner__surname", "surname"),
    ("klass__code", "class"),
    ("programme__code", "learning programme"),
    ("hours_trained", "hours trained"),
    ("hours_present", "hours present"),
    ("source", "source"),
    ("session_id", "session"),
    ("created_by__username", "recorded by"),
    ("created_at", "recorded at"),
]
COPY_SQL = """
COPY (
    SELECT l.id, l.log_date, le.id_number, le.first_names, le.surname, c.code, p.code,
           l.hours_trained, l.hours_present, l.source, l.session_id, u.username, l.created_at
    FROM learner_hours_log l
    JOIN learners le ON le.id = l.learner_id
    JOIN class_type_subjects p ON p.id = l.class_type_subject_id
    LEFT JOIN classes c ON c.id = l.class_id
    LEFT JOIN auth_user u ON u.id = l.created_by_id
    WHERE l.log_date >= {start}
    ORDER BY l.log_date, l.id
) TO STDOUT (FORMAT csv, HEADER)"""
CUTOFF = "SELECT log_date FROM learner_hours_log ORDER BY log_date DESC LIMIT 1 OFFSET %s"


def export_filter(start: datetime.date) -> dict[str, str]:
    """The export's rows: everything logged from `start` on (an office admin's
    "this quarter's hours" download)."""
    return {"log_date__gte": start.isoformat()}


def cutoff(raw, rows: int) -> tuple[datetime.date, int]:
    """The earliest date whose "from then on" holds about `rows` rows, and the count."""
    with raw.cursor() as cursor:
        cursor.execute(CUTOFF, [rows - 1])
        (start,) = cursor.fetchone()
        cursor.execute("SELECT COUNT(*) FROM learner_hours_log WHERE log_date >= %s", [start])
        return start, cursor.fetchone()[0]


def export_url() -> str | None:
    try:
        return reverse(EXPORT_URL_NAME)
    except NoReverseMatch:
        return None


def export_bytes(start: datetime.date) -> tuple[int, int]:
    """(rows, bytes) of one export, streamed and thrown away chunk by chunk."""
    url = export_url()
    if url is not None:
        client = DjangoClient()
        client.force_login(get_user_model().objects.get(username=ADMIN_USERNAME))
        response = client.get(f"{url}?{urllib.parse.urlencode(export_filter(start))}")
        assert response.status_code == 200, response.status_code
    else:
        rows = (
            HoursLog.objects.filter(**export_filter(start))
            .order_by("log_date", "id")
            .values_list(*(field for field, _ in COLUMNS))
            .iterator(chunk_size=CHUNK)
        )
        response = csv_response("hours-log.csv", [label for _, label in COLUMNS], rows)
    lines = size = 0
    # Streamed either way (the test client's response type lacks the streaming half).
    for chunk in response.streaming_content:  # type: ignore[attr-defined]
        lines += chunk.count(b"\n")
        size += len(chunk)
    return lines - 1, size  # less the header


def copy_bytes(raw, start: datetime.date) -> tuple[int, int]:
    lines = size = 0
    with raw.cursor() as cursor:
        statement = sql.SQL(COPY_SQL).format(start=sql.Literal(start))
        with cursor.copy(statement) as copy:
            for block in copy:
                lines += bytes(block).count(b"\n")
                size += len(block)
    return lines - 1, size


def resident_kib() -> int:
    with open(f"/proc/{os.getpid()}/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def peak_memory(start: datetime.date) -> dict:
    """Peak Python allocations (tracemalloc) and resident-set growth of one export."""
    samples, done = [resident_kib()], threading.Event()

    def sample():
        while not done.is_set():
            samples.append(resident_kib())
            time.sleep(0.005)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        tracemalloc.start()
        export_bytes(start)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        done.set()
        sampler.join()
    return {"python_peak_kib": peak // 1024, "rss_growth_kib": max(samples) - samples[0]}


def measure(*, raw, rows: int, reps: int) -> dict:
    start, count = cutoff(raw, rows)
    small_start, small_count = cutoff(raw, max(1, rows // 10))
    exported, copied = export_bytes(start), copy_bytes(raw, start)
    if exported[0] != count or copied[0] != count:
        raise AssertionError(f"export {exported[0]} and COPY {copied[0]} rows, {count} expected")
    export_ms, copy_ms = [], []
    for _ in range(reps):
        export_ms.append(timed(lambda: export_bytes(start))[0])
        copy_ms.append(timed(lambda: copy_bytes(raw, start))[0])
    export_s, copy_s = summary(export_ms), summary(copy_ms)
    return {
        "path": export_url() or "csv_response over values_list().iterator(chunk_size=2000)",
        "filter": export_filter(start),
        "rows": count,
        "bytes": {"export": exported[1], "copy": copied[1]},
        "export_ms": export_s,
        "copy_ms": copy_s,
        "export_rows_per_s": count / export_s["median"] * 1000,
        "copy_rows_per_s": count / copy_s["median"] * 1000,
        "memory": {
            f"{small_count} rows": peak_memory(small_start),
            f"{count} rows": peak_memory(start),
        },
        "memory_rows": [small_count, count],
    }
