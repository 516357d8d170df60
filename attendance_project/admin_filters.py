"""List filters shared by the admin pages of several apps."""

from __future__ import annotations

import datetime

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.auth import get_user_model


class DateRangeFilter(admin.FieldListFilter):
    """From and to dates (both inclusive, either optional) on a date field.

    A small GET form in the filter sidebar; it carries the list's other parameters
    (search, other filters, ordering) along, so they survive a new date range.
    Use as `list_filter = [("log_date", DateRangeFilter)]`.
    """

    template = "admin/date_range_filter.html"
    # None: the field's verbose name.
    custom_title: str | None = None

    @classmethod
    def titled(cls, title: str) -> type[DateRangeFilter]:
        """The filter under another title than the field's verbose name."""
        return type(cls.__name__, (cls,), {"custom_title": title})

    def __init__(self, field, request, params, model, model_admin, field_path):
        self.lookup_from = f"{field_path}__gte"
        self.lookup_to = f"{field_path}__lte"
        super().__init__(field, request, params, model, model_admin, field_path)
        self.title = self.custom_title or self.title
        self.value_from = self._value(self.lookup_from)
        self.value_to = self._value(self.lookup_to)
        self.other_params: list[tuple[str, str]] = []

    def expected_parameters(self):
        return [self.lookup_from, self.lookup_to]

    def _value(self, lookup: str) -> str:
        values = self.used_parameters.get(lookup) or [""]
        return str(values[-1] if isinstance(values, list) else values)

    def queryset(self, request, queryset):
        bounds = {}
        for lookup, value in ((self.lookup_from, self.value_from), (self.lookup_to, self.value_to)):
            if not value:
                continue  # an empty box in the form means "no bound"
            try:
                bounds[lookup] = datetime.date.fromisoformat(value)
            except ValueError as error:
                raise IncorrectLookupParameters(error) from None
        return queryset.filter(**bounds)

    def choices(self, changelist):
        mine = {self.lookup_from, self.lookup_to}
        self.other_params = [(k, v) for k, v in changelist.params.items() if k not in mine]
        yield {
            "selected": not (self.value_from or self.value_to),
            "query_string": changelist.get_query_string(remove=list(mine)),
            "display": "Any date",
        }


def facilitator_filter(field_path: str) -> type[admin.SimpleListFilter]:
    """A filter on a class's primary facilitator, reached by `field_path` (e.g.
    "klass__facilitator"). It offers only users who facilitate a class: read from the
    small user and class tables, never from the (large) filtered table."""

    class FacilitatorFilter(admin.SimpleListFilter):
        title = "facilitator"
        parameter_name = "facilitator"

        def lookups(self, request, model_admin):
            users = (
                get_user_model()
                .objects.filter(facilitated_classes__isnull=False)
                .distinct()
                .order_by("first_name", "last_name", "username")
            )
            return [(str(u.pk), u.get_full_name() or u.get_username()) for u in users]

        def queryset(self, request, queryset):
            value = self.value()
            if not value:
                return queryset
            if not value.isdigit():
                raise IncorrectLookupParameters(f"Unknown facilitator {value!r}")
            return queryset.filter(**{field_path: value})

    return FacilitatorFilter


def selected_only_filter(
    *, title: str, parameter_name: str, model, field: str
) -> type[admin.SimpleListFilter]:
    """A filter on one row of a big table (learners, classes), reached from a link or
    a bookmarked URL (?<parameter_name>=ID). Offering every choice would list tens of
    thousands of learners or thousands of classes on every page load; the list's
    search box finds them by name or code instead."""

    class SelectedOnlyFilter(admin.SimpleListFilter):
        def lookups(self, request, model_admin):
            value = self.value()
            if value and value.isdigit():
                chosen = model._default_manager.filter(pk=value).first()
                if chosen is not None:
                    return [(value, str(chosen))]
            return []

        def queryset(self, request, queryset):
            value = self.value()
            if not value:
                return queryset
            if not value.isdigit():
                raise IncorrectLookupParameters(f"Unknown {title} {value!r}")
            return queryset.filter(**{field: value})

    SelectedOnlyFilter.title = title
    SelectedOnlyFilter.parameter_name = parameter_name
    return SelectedOnlyFilter
