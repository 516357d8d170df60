"""What the reports share: parsing filters, paging, and the text of numbers and dates
as the pages and the CSVs both show them."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from decimal import Decimal
from itertools import islice

from django.core.paginator import Paginator
from django.db import connections

from classes.models import Class

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


def person_name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


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
    """(id, code) of every class, by code, for a filter (rendered by the `options` tag).

    Read from the cursor: two thousand tuples are the whole cost of a page that only
    asks which class to show, and the queryset's per-row machinery tripled it.
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
