"""The latest workbook page of every progression in one query (issue 11): the
probe the report CSVs add to each row (classes.selectors.latest_page_subquery, here
through classes.latest_pages), for all progressions at once,
on the raw connection; median of runs, the rows it returned, whether EXPLAIN reads
the stored latest pages (class_attendance_latest_pages by its primary key, kept by
triggers: classes/latest_page_sql.py), and its EXPLAIN (ANALYZE, BUFFERS) after the
timed runs.

Timed as the app runs it: without JIT compilation (attendance_project.settings turns
JIT off on every app connection; this raw connection has PostgreSQL's default, on,
and the statement's planned cost is past jit_above_cost, so each run compiled for
12-20 ms that the reports never spend). The runs with JIT, interleaved with those,
are reported beside them (`ms_jit_on`), not as the target's value."""

from __future__ import annotations

from bench.stats import summary, timed
from classes.latest_pages import with_latest_page
from progression.models import Progression

INDEX = "class_attendance_latest_pages_pkey"


def statement() -> tuple[str, tuple]:
    queryset = with_latest_page(
        Progression.objects.order_by("pk"), ["pk"], learner="learner_id", programme="programme_id"
    )
    return queryset.query.sql_with_params()


def measure(*, raw, reps: int) -> dict:
    sql, params = statement()
    with raw.cursor() as cursor:

        def jit(on: bool) -> None:
            cursor.execute(f"SET jit = {'on' if on else 'off'}")

        def run():
            cursor.execute(sql, params)
            return cursor.fetchall()

        try:
            jit(False)
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(line for (line,) in cursor.fetchall())
            rows = len(run())  # a first, untimed run: the index in memory
            times: dict[bool, list[float]] = {False: [], True: []}
            for _ in range(reps):
                for on in (False, True):
                    jit(on)
                    times[on].append(timed(run)[0])
            jit(False)
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            analyzed = "\n".join(line for (line,) in cursor.fetchall())
        finally:
            cursor.execute("RESET jit")
    return {
        "rows": rows,
        "ms": summary(times[False]),
        "ms_jit_on": summary(times[True]),
        "reads_stored_pages": f"Scan using {INDEX}" in plan,
        "plan": plan,
        "analyze_plan": analyzed,
    }
