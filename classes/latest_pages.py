"""The latest page of every row of a queryset, streamed (the bench's measure of the
latest-page probe, bench/latest_pages.py; the report CSVs add the same subquery to
their rows through attendance_project.csv_export.stream_cells' lookups).

The definition is classes.selectors.latest_page_subquery's, the one the pages use:
the page of the learner's last attendance row on the programme, in any class, that
records one; the last by session date, then by row id. Since attendance rows carry
their session's date and LP (issue 11), each row's answer is one probe of the
class_attendance_latest_page index (an index-only scan), so a CSV of every
progression asks it in the same one statement as its rows: 40,000 probes at
1,000,000 ledger rows, against ~0.6 s for the grouped pass over every attendance row
that this module sent before (bench/HISTORY.md). Rows come from a server-side cursor,
so Python memory stays flat however many rows the CSV has.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from django.db import connections, transaction
from django.db.models import OuterRef, QuerySet

from classes.selectors import latest_page_subquery

# For the CSV's sort of every selected row at 1,000,000 ledger rows; PostgreSQL's
# default (4 MB) made it spill to disk.
WORK_MEM = "64MB"


def with_latest_page(
    queryset: QuerySet, columns: Sequence[str], *, learner: str, programme: str
) -> QuerySet:
    """`queryset.values_list(*columns)` with each row's latest page appended."""
    return queryset.annotate(
        latest_page_value=latest_page_subquery(
            learner=OuterRef(learner), programme=OuterRef(programme)
        )
    ).values_list(*columns, "latest_page_value")


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
    rows = with_latest_page(queryset, columns, learner=learner, programme=programme)
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        yield from rows.iterator(chunk_size=chunk_size)
        return
    # In a transaction of its own: the cursor then streams (a cursor outside one is
    # WITH HOLD, computed to its end and stored before the first row), and the sort
    # gets the memory it needs for this statement only.
    with transaction.atomic(using=queryset.db):
        with connection.cursor() as setting:
            setting.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
        yield from rows.iterator(chunk_size=chunk_size)
