"""Admin changelists over tables that grow by the million (the hours log, attendance).

Django's changelist counts its rows with `SELECT COUNT(*)`, which on PostgreSQL reads
the whole table (or the whole filtered set): seconds at a million rows, on every page
view. Here the count is exact only up to `exact_count_limit` rows, counted with a
LIMIT so it never reads more; above that, the list says "about N", N being
PostgreSQL's own estimate (pg_class.reltuples for the unfiltered table, the planner's
row estimate for a filtered list).
"""

from __future__ import annotations

import json
from typing import ClassVar, cast

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property


class EstimatedCountPaginator(Paginator):
    exact_count_limit = 10_000

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # True when `count` is PostgreSQL's estimate (more than exact_count_limit rows).
        self.estimated = False

    @cached_property
    def count(self) -> int:
        # The admin pages querysets (the stubs allow any sequence).
        queryset = cast(QuerySet, self.object_list)
        unfiltered = not queryset.query.where
        if unfiltered:
            estimate = table_row_estimate(queryset)
            if estimate > self.exact_count_limit:
                self.estimated = True
                return estimate
        # COUNT(*) over a LIMITed subquery: reads at most exact_count_limit + 1 rows.
        counted = queryset.order_by()[: self.exact_count_limit + 1].count()
        if counted <= self.exact_count_limit:
            return counted
        self.estimated = True
        estimate = table_row_estimate(queryset) if unfiltered else planner_row_estimate(queryset)
        return max(estimate, counted)

    def get_elided_page_range(self, number=1, *, on_each_side=3, on_ends=2):
        """Without the last pages when the count is an estimate: they may not exist,
        and an OFFSET of a million rows is slow. People page forward, or filter."""
        if not self.estimated:
            yield from super().get_elided_page_range(number, on_each_side=on_each_side)
            return
        number = self.validate_number(number)
        last = min(number + on_each_side, self.num_pages)
        window = range(max(1, number - on_each_side), last + 1)
        head = range(1, min(on_ends, window.start - 1) + 1)
        yield from head
        if window.start > len(head) + 1:
            yield self.ELLIPSIS
        yield from window
        if window.stop <= self.num_pages:
            yield self.ELLIPSIS


def table_row_estimate(queryset: QuerySet) -> int:
    """PostgreSQL's estimate of the table's rows (kept by ANALYZE and autovacuum);
    -1 when unknown (never analysed, or not PostgreSQL)."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return -1
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)",
            [connection.ops.quote_name(queryset.model._meta.db_table)],
        )
        row = cursor.fetchone()
    return -1 if row is None else int(row[0])


def planner_row_estimate(queryset: QuerySet) -> int:
    """The planner's estimate of the rows a filtered queryset returns (EXPLAIN, which
    plans the query without running it)."""
    if connections[queryset.db].vendor != "postgresql":
        return -1
    plan = json.loads(queryset.order_by().explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])


class LargeTableAdminMixin:
    """No full COUNT(*) (see above) and no per-filter facet counts."""

    paginator: ClassVar[type] = EstimatedCountPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER


def filtered_queryset(model_admin: admin.ModelAdmin, request) -> QuerySet:
    """Every row the changelist selects for this request's filters and search, in its
    order, all pages (for exports). May raise IncorrectLookupParameters."""
    base: type[ChangeList] = model_admin.get_changelist(request)

    # A subclass of whichever changelist the admin uses, which mypy cannot follow.
    class FiltersOnly(base):  # type: ignore[valid-type, misc]
        def get_results(self, request):
            # Nothing to count and no page to cut: only the queryset is wanted.
            pass

    list_display = model_admin.get_list_display(request)
    changelist = FiltersOnly(
        request,
        model_admin.model,
        list_display,
        model_admin.get_list_display_links(request, list_display),
        model_admin.get_list_filter(request),
        model_admin.date_hierarchy,
        model_admin.get_search_fields(request),
        model_admin.get_list_select_related(request),
        model_admin.list_per_page,
        model_admin.list_max_show_all,
        model_admin.list_editable,
        model_admin,
        model_admin.get_sortable_by(request),
        model_admin.search_help_text,
    )
    return changelist.queryset
