"""CSV downloads that Excel opens correctly and that never hold the whole file in memory.

`csv_response(filename, header, rows)` streams: rows is any iterable (use
`queryset.iterator(chunk_size=...)` for big querysets), each written as it is sent.
UTF-8 with a byte-order mark, because Excel otherwise reads UTF-8 as the local code
page and mangles names like "Nomvula Ndlovu-Müller".
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence

from django.http import StreamingHttpResponse

BOM = "\ufeff"
# Cells starting with these are formulas to Excel; a name like "=HYPERLINK(...)"
# typed into a form must arrive as text (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    """A file-like object whose write() returns what it was given (for csv.writer)."""

    def write(self, value: str) -> str:
        return value


def safe_cell(value) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_lines(header: Sequence[str], rows: Iterable[Sequence]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow(header)
    for row in rows:
        yield writer.writerow([safe_cell(value) for value in row])


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]):
    response = StreamingHttpResponse(
        csv_lines(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
