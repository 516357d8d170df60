"""Pages: a class's attendance page with two years of sessions, and the admin's
hours-log changelist at 1,000,000 ledger rows against the same pages at 10,000.

The admin part goes through the changelist URL and its GET filters and through
whatever `ModelAdmin` is registered for HoursLog, so it measures the admin as it is
on the branch it runs on. If the filter parameters change, `filtered_params` is the
one place to follow them; a parameter the admin does not know makes it redirect
(`?e=1`), which the bench reports as an error instead of timing the wrong page.
"""

from __future__ import annotations

import datetime
import json
import urllib.parse

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client as DjangoClient
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bench.http import Browser
from bench.seed import ADMIN_USERNAME, PASSWORD
from bench.stats import summary, timed
from classes.models import Class
from progression.models import HoursLog

TWO_YEAR_CLASS = "BEN-00000"  # bench/seed.py: weekly for over two years
SEEDED_CLASSES = "BEN-%"

# Among the seeded classes (not the bench's own capture classes, which meet daily and
# would make an untypical month), the class and month with the most ledger rows.
BUSIEST_CLASS_MONTH = """
SELECT class_id, date_trunc('month', log_date)::date, COUNT(*)
FROM learner_hours_log
WHERE class_id IN (SELECT id FROM classes WHERE code LIKE %s)
GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2 LIMIT 1"""

# The page query written by hand: the same columns the changelist shows, the same
# joins, filter, order and page size.
HAND_FILTERED_PAGE = """
SELECT l.id, l.log_date, l.hours_trained, l.hours_present, l.source, l.created_at,
       le.first_names, le.surname, p.code, p.name, c.code, s.session_date, s.status,
       u.username, u.first_name, u.last_name
FROM learner_hours_log l
JOIN learners le ON le.id = l.learner_id
JOIN class_type_subjects p ON p.id = l.class_type_subject_id
LEFT JOIN classes c ON c.id = l.class_id
LEFT JOIN class_attendance_sessions s ON s.id = l.session_id
LEFT JOIN auth_user u ON u.id = l.created_by_id
WHERE l.class_id = %(class_id)s AND l.log_date >= %(start)s AND l.log_date <= %(end)s
ORDER BY l.log_date DESC, l.id DESC
LIMIT %(limit)s"""

INDEX_SCANS = {"Index Scan", "Index Only Scan", "Bitmap Index Scan", "Bitmap Heap Scan"}


def filtered_params(class_id: int, month: datetime.date) -> dict[str, str]:
    """One class, one month, as the changelist's list filters spell it."""
    following = (month + datetime.timedelta(days=32)).replace(day=1)
    last_day = following - datetime.timedelta(days=1)
    return {
        "klass__id__exact": str(class_id),
        "log_date__gte": month.isoformat(),
        "log_date__lte": last_day.isoformat(),
    }


def busiest_class_month(cursor) -> tuple[int, datetime.date, int]:
    cursor.execute(BUSIEST_CLASS_MONTH, [SEEDED_CLASSES])
    return cursor.fetchone()


def raw_floor(raw, statements: list[str]) -> float:
    """Milliseconds for PostgreSQL to answer the page's own SELECTs, sent raw."""

    def run():
        with raw.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                cursor.fetchall()

    return timed(run)[0]


def in_process(user, url: str) -> tuple[int, list[dict]]:
    """Status and captured queries of one GET through the whole Django stack."""
    client = DjangoClient()
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            for _ in response.streaming_content:
                pass
    return response.status_code, list(queries.captured_queries)


def selects(queries: list[dict]) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("SELECT")]


def slowest(queries: list[dict], count: int = 5) -> list[dict]:
    ranked = sorted(queries, key=lambda q: float(q["time"]), reverse=True)[:count]
    return [{"ms": float(q["time"]) * 1000, "sql": q["sql"][:300]} for q in ranked]


def class_page(*, port: int, raw, reps: int) -> dict:
    klass = Class.objects.select_related("schedule", "facilitator").get(code=TWO_YEAR_CLASS)
    span = (timezone.localdate() - klass.schedule.start_date).days
    if span < 730:
        raise AssertionError(f"{klass} has {span} days of sessions, not two years")
    url = reverse("classes:attendance", args=[klass.pk])
    status, queries = in_process(klass.facilitator, url)
    assert status == 200, status
    browser = Browser(port)
    browser.log_in(klass.facilitator.username, PASSWORD)
    http, floor = [], []
    for _ in range(reps):
        http.append(browser.get(url).ms)
        floor.append(raw_floor(raw, selects(queries)))
    browser.close()
    return {
        "class": klass.code,
        "days_of_sessions": span,
        "sessions": klass.sessions.count(),
        "queries": len(queries),
        "http": summary(http),
        "sql_floor": summary(floor),
    }


def changelist(user, params: dict[str, str]):
    """The registered HoursLog admin's ChangeList for these GET parameters."""
    model_admin = admin.site._registry[HoursLog]
    url = reverse("admin:progression_hourslog_changelist")
    request = RequestFactory().get(url, params)
    request.user = user
    return model_admin.get_changelist_instance(request)


def plan_nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from plan_nodes(child)


def explain_filtered(user, params) -> dict:
    """EXPLAIN of the changelist's page query; how it reads learner_hours_log."""
    cl = changelist(user, params)
    page = cl.queryset.all()[: cl.list_per_page]
    plan = json.loads(page.explain(format="json"))
    if isinstance(plan, list):
        plan = plan[0]
    ledger_reads = sorted(
        node["Node Type"] + (f" using {node['Index Name']}" if "Index Name" in node else "")
        for node in plan_nodes(plan["Plan"])
        if node.get("Relation Name") == "learner_hours_log"
        or node.get("Index Name", "").startswith("learner_hours_log")
    )
    uses_index = any(read.split(" using ")[0] in INDEX_SCANS for read in ledger_reads)
    seq_scan = any(read.startswith("Seq Scan") for read in ledger_reads)
    return {
        "reads": ledger_reads,
        "index_scan": uses_index and not seq_scan,
        "text": page.explain(),
    }


def admin_pages(*, large_port, small_port, raw_large, raw_small, reps: int, sql_reps: int):
    user = get_user_model().objects.get(username=ADMIN_USERNAME)
    first_url = reverse("admin:progression_hourslog_changelist")
    urls: dict[str, dict] = {}
    for name, raw in (("large", raw_large), ("small", raw_small)):
        with raw.cursor() as cursor:
            class_id, month, rows = busiest_class_month(cursor)
        query = urllib.parse.urlencode(filtered_params(class_id, month))
        urls[name] = {"first": first_url, "filtered": f"{first_url}?{query}", "rows": rows}
    browsers = {"large": Browser(large_port), "small": Browser(small_port)}
    for browser in browsers.values():
        browser.log_in(ADMIN_USERNAME, PASSWORD, "/admin/login/")
    times: dict[tuple[str, str], list[float]] = {
        (db, page): [] for db in browsers for page in ("first", "filtered")
    }
    for round_ in range(reps):
        order = ["large", "small"] if round_ % 2 == 0 else ["small", "large"]
        for page in ("first", "filtered"):
            for db in order:
                times[(db, page)].append(browsers[db].get(urls[db][page]).ms)
    for browser in browsers.values():
        browser.close()

    # The filtered page's query, in-process at 1M rows, against the hand-written SQL.
    large = urls["large"]
    params = dict(urllib.parse.parse_qsl(large["filtered"].partition("?")[2]))
    cl = changelist(user, params)
    if cl.result_count != large["rows"]:
        raise AssertionError(f"filtered changelist shows {cl.result_count}, not {large['rows']}")
    hand = {
        "class_id": int(params["klass__id__exact"]),
        "start": params["log_date__gte"],
        "end": params["log_date__lte"],
        "limit": cl.list_per_page,
    }

    def orm():
        return [row.pk for row in cl.queryset.all()[: cl.list_per_page]]

    def by_hand():
        with raw_large.cursor() as cursor:
            cursor.execute(HAND_FILTERED_PAGE, hand)
            return [row[0] for row in cursor.fetchall()]

    if orm() != by_hand():
        raise AssertionError("the hand-written SQL does not return the changelist's rows")
    orm_ms, hand_ms = [], []
    for _ in range(sql_reps):
        orm_ms.append(timed(orm)[0])
        hand_ms.append(timed(by_hand)[0])

    profile = {}
    for page in ("first", "filtered"):
        status, queries = in_process(user, large[page])
        assert status == 200, status
        profile[page] = {"queries": len(queries), "slowest": slowest(queries)}
    return {
        "filter": params,
        "filtered_rows": {db: urls[db]["rows"] for db in urls},
        "pages": {f"{page} {db}": summary(ms) for (db, page), ms in times.items()},
        "filtered_query": {"orm": summary(orm_ms), "hand_sql": summary(hand_ms)},
        "explain": explain_filtered(user, params),
        "profile_1m": profile,
    }
