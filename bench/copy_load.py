"""Bulk loading for the bench data set: rows go to per-table spool files in
PostgreSQL's COPY text format, then each file goes to its table with one COPY.

Spooling first lets one pass over the generated data feed many tables (a connection
can only run one COPY at a time), and keeps memory flat at a million rows. Ids are
given explicitly, from each table's current maximum on, so that rows can point at
each other before anything is written; the sequences are moved past them afterwards.
"""

from __future__ import annotations

import datetime
import tempfile
from decimal import Decimal
from pathlib import Path

from psycopg import sql

NULL = "\\N"
BLOCK = 1 << 20  # bytes per write to the COPY stream
# Characters the COPY text format would need escaped; generated values never hold them.
UNSAFE = str.maketrans("", "", "\t\n\r\\")


def text(value) -> str:
    """One value in COPY text format."""
    if value is None:
        return NULL
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        if value.translate(UNSAFE) != value:
            raise ValueError(f"unsafe character in {value!r}")
        return value
    if isinstance(value, int | Decimal | datetime.date):  # datetime is a date too
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} {value!r}")


class Table:
    """One table's spool file; `add` returns the row's id when the table has one."""

    def __init__(self, folder: Path, name: str, columns: list[str], first_id: int | None):
        self.name = name
        self.columns = columns
        self.next_id = first_id
        self.rows = 0
        self.path = folder / f"{name}.copy"
        self._file = self.path.open("w", encoding="utf-8", buffering=BLOCK)

    def reserve(self) -> int:
        """An id for a row written later with `add(..., row_id=...)`."""
        if self.next_id is None:
            raise TypeError(f"{self.name} rows have no id")
        row_id = self.next_id
        self.next_id += 1
        return row_id

    def add(self, *values, row_id: int | None = None) -> int | None:
        if row_id is None and self.next_id is not None:
            row_id = self.reserve()
        if row_id is not None:
            values = (row_id, *values)
        self._file.write("\t".join(map(text, values)))
        self._file.write("\n")
        self.rows += 1
        return row_id

    def add_with_id(self, *values) -> int:
        """`add` for a table with ids: the new row's id."""
        row_id = self.reserve()
        self.add(*values, row_id=row_id)
        return row_id

    def close(self) -> None:
        self._file.close()


class Spool:
    """The spool files of one load, in the order their tables must be filled."""

    def __init__(self, cursor):
        self._cursor = cursor
        self._folder = tempfile.TemporaryDirectory(prefix="bench-seed-")
        self.tables: list[Table] = []

    def table(self, name: str, columns: list[str], with_id: bool = True) -> Table:
        first_id = None
        if with_id:
            query = sql.SQL("SELECT COALESCE(MAX(id), 0) + 1 FROM {}").format(sql.Identifier(name))
            self._cursor.execute(query)
            (first_id,) = self._cursor.fetchone()
            columns = ["id", *columns]
        table = Table(Path(self._folder.name), name, columns, first_id)
        self.tables.append(table)
        return table

    def load(self, progress=None) -> dict[str, int]:
        """COPY every spool file into its table (inside the caller's transaction)."""
        counts = {}
        for table in self.tables:
            table.close()
            statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
                sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, table.columns))
            )
            with table.path.open("rb") as source, self._cursor.copy(statement) as copy:
                while block := source.read(BLOCK):
                    copy.write(block)
            if table.columns[0] == "id" and table.rows:
                # Later inserts by the app must not collide with the explicit ids.
                self._cursor.execute(
                    sql.SQL(
                        "SELECT setval(pg_get_serial_sequence({name}, 'id'), MAX(id)) FROM {table}"
                    ).format(name=sql.Literal(table.name), table=sql.Identifier(table.name))
                )
            counts[table.name] = table.rows
            if progress is not None:
                progress(table.name, table.rows)
        return counts

    def cleanup(self) -> None:
        for table in self.tables:
            table.close()
        self._folder.cleanup()
