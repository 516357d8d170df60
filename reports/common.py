"""What the reports share: parsing filters, paging, and the text of numbers and dates
as the pages and the CSVs both show them."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from itertools import islice
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Case, Expression, Func, TextField, Value, When
from django.db.models.functions import Cast, Coalesce
from django.db.models.lookups import Exact

from attendance_project.csv_export import FORMULA_REGEX
from classes.models import Class
from progression.progress import Percent

ROWS_PER_PAGE = 50
# CSV rows are computed this many at a time: each batch costs a fixed number of
# queries, and memory stays flat however many rows the download has.
CSV_BATCH = 2000


# ---- Text: the page and the CSV show a value with the same characters.


def hours_text(value: Decimal | None) -> str:
    """126.00 → "126", 94.50 → "94.5"; None → ""."""
    if value is None:
        return ""
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def percent_text(value: Decimal | None) -> str:
    """A percentage from progression.progress, one decimal place; None → ""."""
    return "" if value is None else f"{value:.1f}"


def date_text(value: datetime.date | None) -> str:
    """ISO dates in the CSVs: Excel reads them as dates in every locale."""
    return "" if value is None else value.isoformat()


# ---- The same text, written by PostgreSQL (the report CSVs).
#
# A CSV of every progression formats some 300,000 numbers and dates; in Python that
# was most of its time, on the same core that writes the CSV (bench/HISTORY.md, issue
# 10). These expressions make PostgreSQL write each value with the same characters as
# the functions above, in the query that reads it: hours_text, percent_text of
# progression.progress's percentages (its Percent), date_text, labels of choices.
# tests/reports/test_report_text.py compares each with its Python twin over arbitrary
# values, and every report CSV with the one its Python path writes.


class HoursText(Func):
    """hours_text(value) in SQL: 126.00 → "126", 94.50 → "94.5"; NULL stays NULL (an
    empty cell)."""

    template = "(trim_scale(%(expressions)s))::text"
    output_field = TextField()


def percent_text_sql(part, whole, *, capped: bool = False) -> Cast:
    """percent_text(percent(part, whole)) in SQL (progress_shown with `capped`):
    progression.progress.Percent, the definition's SQL, as text ("90.4", "100.0")."""
    return Cast(Percent(part, whole, capped=capped), TextField())


class DateText(Func):
    """date_text(value) in SQL: ISO (2026-03-02) whatever the server's DateStyle."""

    template = "to_char(%(expressions)s, 'YYYY-MM-DD')"
    output_field = TextField()


def label_text(value: Expression, choices: dict[str, str]) -> Case:
    """`choices.get(value, value)` in SQL: a stored value's label."""
    return Case(
        *(When(Exact(value, Value(key)), then=Value(label)) for key, label in choices.items()),
        default=value,
        output_field=TextField(),
    )


def or_empty(value: Expression) -> Coalesce:
    """`value or ""` in SQL, for a text column that may be NULL."""
    return Coalesce(value, Value(""), output_field=TextField())


def progress_cells_sql(column) -> list[Coalesce]:
    """The three percentages of a progression row, in SQL, as every report CSV writes
    them: progress (capped), attendance and page progress (progression.progress)."""
    return [
        or_empty(
            percent_text_sql(
                column("hours_trained"), column("programme__subject_duration"), capped=True
            )
        ),
        or_empty(percent_text_sql(column("hours_present"), column("hours_trained"))),
        or_empty(percent_text_sql(column("latest_page"), column("programme__total_pages"))),
    ]


class CsvCell(Func):
    """A cell as the CSV line writes it (attendance_project.csv_export.csv_line), in
    SQL: never NULL (an empty cell), quoted when it holds a comma, a double quote or a
    line break (double quotes doubled); with `guard`, first the formula guard of the
    cells people type (csv_lines: a leading = + - @ tab or CR gets a quote mark)."""

    output_field = TextField()

    def __init__(self, value, *, guard: bool = False):
        super().__init__(value)
        self.guard = guard

    def as_sql(self, compiler, connection, **extra):
        value, params = compiler.compile(self.get_source_expressions()[0])
        text, text_params = f"COALESCE({value}, '')", [*params]
        if self.guard:
            text = f"CASE WHEN {value} ~ %s THEN '''' || {value} ELSE {text} END"
            text_params = [*params, FORMULA_REGEX, *params, *text_params]
        # Whether to quote is the value's question: the guard's quote mark is not a
        # character that needs it. (Each of the two tests runs once a cell.)
        quoted = (
            f"CASE WHEN {value} ~ %s THEN '\"' || replace({text}, '\"', '\"\"') || '\"' "
            f"ELSE {text} END"
        )
        return quoted, (*params, QUOTE_REGEX, *text_params, *text_params)


# What makes csv_line quote a cell.
QUOTE_REGEX = '[",\r\n]'


def csv_line_sql(cells) -> Func:
    """The CSV line of these cells (CsvCell, or text that never needs quoting: numbers
    and dates), without its line break."""
    return Func(Value(","), *cells, function="concat_ws", output_field=TextField())


def person_name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def user_name(first_name: str, last_name: str, username: str) -> str:
    """person_name() of a user from its columns: the user model's own get_full_name(),
    without building a model instance per row."""
    return user_namer()(first_name, last_name, username)


def user_namer() -> Callable[[str, str, str], str]:
    """user_name, with the user model looked up once for many names."""
    full_name = get_user_model().get_full_name

    def name(first_name: str, last_name: str, username: str) -> str:
        return full_name(SimpleNamespace(first_name=first_name, last_name=last_name)) or username

    return name


# ---- Paging.


class CountedPaginator(Paginator):
    """A paginator told its count (a report that counts its rows anyway, for its
    totals): no second COUNT."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self._known_count = count

    @property
    def count(self) -> int:
        return self._known_count


# ---- Filters.


def class_choices(*, using: str) -> list[tuple[int, str]]:
    """(id, code) of every class, by code, for a filter (rendered by the `options` tag):
    learner progress's. The class monthly report, which only asks which class to show,
    searches instead (reports.class_search).

    Read from the cursor: the queryset's per-row machinery tripled the cost of two
    thousand tuples.
    """
    rows = Class.objects.using(using).order_by("code").values_list("pk", "code")
    sql, params = rows.query.get_compiler(using=using).as_sql()
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def batched(iterable: Iterable, size: int) -> Iterator[list]:
    """Lists of up to `size` items (itertools.batched arrives in Python 3.12)."""
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch
