"""CSV downloads that Excel opens correctly and that never hold the whole file in memory.

`csv_response(filename, header, rows)` streams: rows is any iterable (use
`queryset.iterator(chunk_size=...)` for big querysets), each written as it is sent.
UTF-8 with a byte-order mark, because Excel otherwise reads UTF-8 as the local code
page and mangles names like "Nomvula Ndlovu-Müller".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import islice

from django.core.exceptions import EmptyResultSet
from django.db import connections, transaction
from django.db.models import Expression, F
from django.db.models.expressions import RawSQL
from django.http import StreamingHttpResponse

from attendance_project.parsing import attachment_header

BOM = "\ufeff"
CRLF = "\r\n"  # the end of every line, as the csv module's Excel dialect writes it
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


def csv_line(cells: Iterable) -> str:
    """One row as the csv module's writer writes it (Excel's dialect: a cell is quoted
    when it holds a comma, a double quote or a line break, double quotes doubled;
    None as an empty cell; CRLF at the end), in a third of its time: at 40,000 rows
    of twenty cells the writer was a third of a report CSV's time (bench/HISTORY.md,
    issue 10). tests/test_shared_helpers.py compares the two on arbitrary rows."""
    texts = []
    for value in cells:
        if value.__class__ is not str:
            value = "" if value is None else str(value)
        if '"' in value:
            value = '"' + value.replace('"', '""') + '"'
        elif "," in value or "\n" in value or "\r" in value:
            value = '"' + value + '"'
        texts.append(value)
    if len(texts) == 1 and not texts[0]:
        return '""\r\n'  # as the writer does: a lone empty cell, not an empty line
    return ",".join(texts) + "\r\n"


def csv_lines(
    header: Sequence[str],
    rows: Iterable[Sequence],
    text_columns: Sequence[int] | None = None,
) -> Iterator[str]:
    """The CSV text in blocks. `text_columns` (indexes) says which cells can hold text
    a person typed, and so need the formula guard; None guards every cell."""
    # The header goes out at once, before the first row is computed: the download
    # starts (and the connection shows life to proxies) however long the rows take.
    yield BOM + csv_line(header)
    iterator = iter(rows)
    # A block of rows at a time: one encode and one network write per block. The
    # guard is inlined: a call per cell was a tenth of a report CSV's time.
    while block := list(islice(iterator, BLOCK_ROWS)):
        lines = []
        for row in block:
            if text_columns is None:
                row = [safe_cell(value) for value in row]
            else:
                row = list(row)
                for index in text_columns:
                    value = row[index]
                    if value.__class__ is str and value[:1] in FORMULA_FIRST:
                        row[index] = "'" + value
            lines.append(csv_line(row))
        yield "".join(lines)


def csv_blocks(header: Sequence[str], lines: Iterable[str]) -> Iterator[str]:
    """csv_lines() for rows already written as CSV lines (CRLF included): the header at
    once, then blocks of BLOCK_ROWS lines."""
    yield BOM + csv_line(header)
    iterator = iter(lines)
    while block := "".join(islice(iterator, BLOCK_ROWS)):
        yield block


def csv_response(
    filename: str,
    header: Sequence[str],
    rows: Iterable[Sequence],
    text_columns: Sequence[int] | None = None,
):
    return csv_text_response(filename, csv_lines(header, rows, text_columns))


def csv_text_response(filename: str, blocks: Iterable[str]):
    """A CSV download of text blocks (csv_lines(), csv_blocks()), streamed."""
    response = StreamingHttpResponse(blocks, content_type="text/csv; charset=utf-8")
    # Names carry typed text (a class code): made safe for the header first.
    response["Content-Disposition"] = attachment_header(filename)
    return response


# For the sort of a report of every progression (40,000 rows at the bench's
# 1,000,000 ledger rows): PostgreSQL's default 4 MB made it spill to disk.
STREAM_WORK_MEM = "64MB"


Cells = Callable[[Callable[[str], Expression]], Mapping[str, Expression]]


def stream_cells(
    queryset,
    columns: Sequence[str],
    cells: Cells,
    *,
    lookups: Cells | None = None,
    chunk_size: int = 2000,
) -> Iterator[tuple]:
    """The rows of `queryset` (PostgreSQL) in its order, each as the tuple of `cells`,
    streamed in constant memory.

    `columns` are the fields and annotations of the queryset that the cells read;
    `cells(column)` builds the cells' expressions (text, mostly: what the CSV shows)
    over `column("name")`, a reference to one of them. `lookups(column)`, if given,
    builds per-row subqueries (a row's latest page, say) over the columns, named so
    that `cells` can read them as columns too, each computed once per row.

    The rows are selected and ordered in a subquery (OFFSET 0 keeps the planner from
    merging it into the outer query), the lookups are added to the ordered rows by a
    second (in the same order, so nothing is sorted again), and the outer query
    computes the cells as the rows pass. PostgreSQL computes a select list before it
    sorts, so lookups and cells in the first subquery would all be done before the
    first row left the database, while Python waited. Here the rows come to Python
    (psycopg's stream()) while the database is still on the next ones: the two work on
    two cores, not one after the other.
    """
    try:
        statement, params = cells_statement(queryset, columns, cells, lookups=lookups)
    except EmptyResultSet:
        return
    database = connections[queryset.db]
    # In a transaction of its own, so that the sort's memory is this statement's only.
    with transaction.atomic(using=queryset.db):
        database.ensure_connection()
        with database.connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL work_mem = '{STREAM_WORK_MEM}'")
            yield from cursor.stream(statement, params, size=chunk_size)


def cells_statement(
    queryset, columns: Sequence[str], cells: Cells, *, lookups: Cells | None = None
) -> tuple[str, tuple]:
    """stream_cells()'s SQL and parameters."""
    order = [str(name) for name in queryset.query.order_by]  # field names, as given
    named = {f"c{n}": F(column) for n, column in enumerate(columns)}
    keys = {f"o{n}": F(name.removeprefix("-")) for n, name in enumerate(order)}
    inner = queryset.annotate(**named, **keys).values_list(*named, *keys).order_by(*order)
    compiler = inner.query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()  # EmptyResultSet: no row can match
    # The subquery's own keys, at every level: PostgreSQL sees the rows come in that
    # order already and sorts nothing again.
    ordering = ", ".join(
        f'q."o{n}" {"DESC" if name.startswith("-") else "ASC"}' for n, name in enumerate(order)
    )
    ordered = f" ORDER BY {ordering}" if ordering else ""
    names = {column: f"c{n}" for n, column in enumerate(columns)}

    def column(name: str) -> Expression:
        return RawSQL(f'q."{names[name]}"', ())

    def compiled(expressions: Mapping[str, Expression]) -> tuple[list[str], list]:
        texts, values = [], []
        for expression in expressions.values():
            text, expression_params = compiler.compile(expression.resolve_expression(inner.query))
            texts.append(text)
            values.extend(expression_params)
        return texts, values

    if lookups is not None:
        found = lookups(column)
        texts, values = compiled(found)
        added = ", ".join(f'{text} AS "l{n}"' for n, text in enumerate(texts))
        sql = f"SELECT q.*, {added} FROM ({sql} OFFSET 0) q{ordered}"
        params = (*values, *params)
        names |= {name: f"l{n}" for n, name in enumerate(found)}
    texts, values = compiled(cells(column))
    statement = f"SELECT {', '.join(texts)} FROM ({sql} OFFSET 0) q{ordered}"
    return statement, (*values, *params)


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

    def blocks():
        yield (BOM + csv_line(header)).encode()
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
