"""The latest workbook page of every progression in one query (issue 11): the
probe the report CSVs add to each row (classes.selectors.latest_page_subquery, here
through classes.latest_pages), for all progressions at once,
on the raw connection; median of runs, the rows it returned, and how EXPLAIN reads
the attendance rows (the class_attendance_latest_page index, by an index-only scan),
and its EXPLAIN (ANALYZE, BUFFERS) after the timed runs."""

from __future__ import annotations

from bench.stats import summary, timed
from classes.latest_pages import with_latest_page
from progression.models import Progression

INDEX = "class_attendance_latest_page"


def statement() -> tuple[str, tuple]:
    queryset = with_latest_page(
        Progression.objects.order_by("pk"), ["pk"], learner="learner_id", programme="programme_id"
    )
    return queryset.query.sql_with_params()


def measure(*, raw, reps: int) -> dict:
    sql, params = statement()
    with raw.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(line for (line,) in cursor.fetchall())
        cursor.execute(sql, params)  # a first, untimed run: the index in memory
        rows = len(cursor.fetchall())

        def run():
            cursor.execute(sql, params)
            return cursor.fetchall()

        times = [timed(run)[0] for _ in range(reps)]
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        analyzed = "\n".join(line for (line,) in cursor.fetchall())
    return {
        "rows": rows,
        "ms": summary(times),
        "index_only_scan": f"Index Only Scan using {INDEX}" in plan,
        "plan": plan,
        "analyze_plan": analyzed,
    }
