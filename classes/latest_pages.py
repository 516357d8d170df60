"""The latest page of every progression at once, for the report CSVs.

The definition is classes.selectors.latest_page_subquery's (one subquery per row,
which pages of fifty rows use): the page of the learner's last attendance row on the
programme, in any class, that records one; the last by session date, then by row id.
A CSV of every progression asks it 40,000 times, ~50 µs each at 1,000,000 ledger
rows (bench/HISTORY.md); here the same answer comes from one grouped pass over the
attendance rows, joined to the CSV's rows inside the database (~0.6 s for all), so
Python memory stays flat however many rows the CSV has.

When attendance rows carry their session date (issue 11) the per-row form becomes
cheap too; keep the two shapes here and in classes.selectors in step:
tests/classes/test_latest_pages.py compares them over every progression.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from django.db import connections, transaction
from django.db.models import F, OuterRef, QuerySet, Window
from django.db.models.functions import RowNumber

from classes.selectors import latest_page_subquery

# max() of (days, id, page) arrays: the row with the latest session date, then the
# highest id (ORDER BY session_date DESC, id DESC), and its page. Grouped per learner
# and class first (a join of the attendance rows with the sessions only), then per
# learner and programme: a fifth faster than joining every row to its class.
LATEST_PAGES = """
SELECT g.learner_id, c.class_type_subject_id AS programme_id, (max(g.latest))[3] AS page_number
FROM (
    SELECT a.learner_id, s.class_id,
           max(ARRAY[s.session_date - DATE '2000-01-01', a.id, a.page_number]) AS latest
    FROM class_attendance_learners a
    JOIN class_attendance_sessions s ON s.id = a.session_id
    WHERE a.page_number IS NOT NULL
    GROUP BY a.learner_id, s.class_id
) g
JOIN classes c ON c.id = g.class_id
GROUP BY g.learner_id, c.class_type_subject_id
"""


# For the grouped pass (40,000 groups) and the CSV's sort at 1,000,000 ledger rows;
# PostgreSQL's default (4 MB) made both spill to disk.
WORK_MEM = "64MB"


def _ordering(queryset: QuerySet) -> list:
    names = [str(name) for name in queryset.query.order_by]  # field names, as given
    return [F(name[1:]).desc() if name.startswith("-") else F(name).asc() for name in names]


def rows_with_latest_page(
    queryset: QuerySet,
    columns: Sequence[str],
    *,
    learner: str = "learner_id",
    programme: str = "programme_id",
    chunk_size: int = 2000,
) -> Iterator[tuple]:
    """`queryset.values_list(*columns)` in the queryset's order, each row with the
    latest page of its learner (`learner`) on its programme (`programme`) appended;
    fetched from a server-side cursor, `chunk_size` rows at a time."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        # The development SQLite database: the per-row form (same answer, slower).
        rows = queryset.annotate(
            latest_page_value=latest_page_subquery(
                learner=OuterRef(learner), programme=OuterRef(programme)
            )
        ).values_list(*columns, "latest_page_value")
        yield from rows.iterator(chunk_size=chunk_size)
        return
    named = {f"c{n}": F(column) for n, column in enumerate(columns)}
    inner = (
        queryset.annotate(
            **named,
            row_learner=F(learner),
            row_programme=F(programme),
            row_order=Window(RowNumber(), order_by=_ordering(queryset)),
        )
        .order_by()
        .values_list(*named, "row_learner", "row_programme", "row_order")
    )
    sql, params = inner.query.get_compiler(using=queryset.db).as_sql()
    outer = ", ".join(f'q."c{n}"' for n in range(len(columns)))
    statement = (
        f"SELECT {outer}, lp.page_number FROM ({sql}) q "
        f"LEFT JOIN ({LATEST_PAGES}) lp "
        'ON lp.learner_id = q."row_learner" AND lp.programme_id = q."row_programme" '
        'ORDER BY q."row_order"'
    )
    # In a transaction of its own: the cursor then streams (a cursor outside one is
    # WITH HOLD, computed to its end and stored before the first row), and the grouped
    # pass and the sort get the memory they need for this statement only.
    with transaction.atomic(using=queryset.db):
        with connection.cursor() as setting:
            setting.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
        with connection.chunked_cursor() as cursor:
            cursor.execute(statement, params)
            while rows := cursor.fetchmany(chunk_size):
                yield from rows
