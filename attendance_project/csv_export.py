"""CSV downloads that Excel opens correctly and that never hold the whole file in memory.

`csv_response(filename, header, rows)` streams: rows is any iterable (use
`queryset.iterator(chunk_size=...)` for big querysets), each written as it is sent.
UTF-8 with a byte-order mark, because Excel otherwise reads UTF-8 as the local code
page and mangles names like "Nomvula Ndlovu-Müller".
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.http import StreamingHttpResponse

from attendance_project.parsing import attachment_header

BOM = "\ufeff"
# Cells starting with these are formulas to Excel; a name like "=HYPERLINK(...)"
# typed into a form must arrive as text (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The same guard as a regular expression, for exports formatted by the database.
FORMULA_REGEX = "^[=+@\t\r-]"


# Rows are written and sent in blocks: one network write and one encode per block,
# not per row (bench/HISTORY.md: per-row overhead was most of the export's time).
BLOCK_ROWS = 1000


FORMULA_FIRST = frozenset(FORMULA_STARTS)  # each one character: a set lookup per cell


def safe_cell(value) -> object:
    if value.__class__ is str and value[:1] in FORMULA_FIRST:
        return "'" + value
    return value


def csv_lines(
    header: Sequence[str],
    rows: Iterable[Sequence],
    text_columns: Sequence[int] | None = None,
) -> Iterator[str]:
    """The CSV text in blocks. `text_columns` (indexes) says which cells can hold text
    a person typed, and so need the formula guard; None guards every cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    # The header goes out at once, before the first row is computed: the download
    # starts (and the connection shows life to proxies) however long the rows take.
    yield BOM + buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    pending = 0
    for row in rows:
        if text_columns is None:
            row = [safe_cell(value) for value in row]
        else:
            row = list(row)
            for index in text_columns:
                row[index] = safe_cell(row[index])
        writer.writerow(row)
        pending += 1
        if pending == BLOCK_ROWS:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    if pending:
        yield buffer.getvalue()


def csv_response(
    filename: str,
    header: Sequence[str],
    rows: Iterable[Sequence],
    text_columns: Sequence[int] | None = None,
):
    response = StreamingHttpResponse(
        csv_lines(header, rows, text_columns), content_type="text/csv; charset=utf-8"
    )
    # Names carry typed text (a class code): made safe for the header first.
    response["Content-Disposition"] = attachment_header(filename)
    return response


def copy_csv_response(filename: str, header: Sequence[str], queryset):
    """Stream a `values_list` queryset as CSV straight out of PostgreSQL's COPY.

    The database formats every row; Python only passes blocks of bytes along, which
    is several times faster than converting each row (bench/HISTORY.md). What the
    Python path does per cell — the formula guard, local times — the queryset must
    already do in SQL (see progression.admin.hours_log.export_queryset). Its select
    list must be in the column order of `header`: all annotations, added in order.
    """
    compiler = queryset.query.get_compiler(using=queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        # Filters no row can match (an id beyond any column's range, say): Django
        # knows without asking the database, and has no SQL for it. Header only.
        sql, params = None, None
    header_line = io.StringIO()
    csv.writer(header_line).writerow(header)

    def blocks():
        yield (BOM + header_line.getvalue()).encode()
        if sql is None:
            return
        database = connections[queryset.db]
        database.ensure_connection()
        statement = f"COPY ({sql}) TO STDOUT (FORMAT csv)"
        with database.connection.cursor() as cursor, cursor.copy(statement, params) as copy:
            for block in copy:
                yield bytes(block)

    response = StreamingHttpResponse(blocks(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = attachment_header(filename)
    return response
