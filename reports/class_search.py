"""Which class the class monthly report shows: a search for classes by code or client.

The report's page once offered every class in a select, two thousand options at the
bench's scale: most of the page's time and bytes, and no use on a phone. The search
answers a bounded list instead (CLASSES_SHOWN, by code), whatever the number of
classes, and never counts them: one row more than it shows says whether there are more,
and the next ones start after the last code shown (the code is unique and indexed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Q

from attendance_project.parsing import clean_text
from classes.models import Class

CLASSES_SHOWN = 20
# Longer than any class code (50) or client name (200): a search text beyond it can
# match nothing, and is refused with a message rather than cut without one.
SEARCH_MAX_LENGTH = 200
SEARCH_TOO_LONG = (
    f"A search has at most {SEARCH_MAX_LENGTH} characters: type part of a class code "
    "or of a client name."
)
# A class code has at most 50 characters; an `after` longer than that is no code of ours.
CODE_MAX_LENGTH = Class._meta.get_field("code").max_length or 50


class ClassMatch(NamedTuple):
    pk: int
    code: str
    client: str
    facilitator: str


@dataclass(frozen=True)
class ClassSearch:
    """What the person asked: `q` as typed (cut to SEARCH_MAX_LENGTH, for the form)."""

    q: str = ""
    after: str = ""
    too_long: bool = False

    @classmethod
    def from_query(cls, query) -> ClassSearch:
        """The search in a query string (`q`, `after`); never fails."""
        typed = clean_text(query.get("q"), max_length=SEARCH_MAX_LENGTH + 1)
        return cls(
            q=typed[:SEARCH_MAX_LENGTH],
            after=clean_text(query.get("after"), max_length=CODE_MAX_LENGTH),
            too_long=len(typed) > SEARCH_MAX_LENGTH,
        )


@dataclass(frozen=True)
class ClassMatches:
    classes: list[ClassMatch]
    more: bool  # more classes match after the last one shown

    @property
    def next_after(self) -> str:
        return self.classes[-1].code if self.more else ""


def find_classes(search: ClassSearch, *, using: str, limit: int = CLASSES_SHOWN) -> ClassMatches:
    """Up to `limit` classes, by code, whose code or client's name contains `q`
    (case-insensitive; every class when `q` is empty), from the first code after
    `after`. One query, of at most `limit` + 1 rows."""
    if search.too_long:
        return ClassMatches([], more=False)
    classes = Class.objects.using(using)
    if search.q:
        classes = classes.filter(Q(code__icontains=search.q) | Q(client__name__icontains=search.q))
    if search.after:
        classes = classes.filter(code__gt=search.after)
    rows = classes.order_by("code").values_list(
        "pk",
        "code",
        "client__name",
        "facilitator__first_name",
        "facilitator__last_name",
        "facilitator__username",
    )[: limit + 1]
    found = [
        ClassMatch(pk, code, client, _name(first, last, username))
        for pk, code, client, first, last, username in rows
    ]
    return ClassMatches(found[:limit], more=len(found) > limit)


def _name(first: str, last: str, username: str) -> str:
    """The user's full name, else username (reports.common.person_name) from the columns."""
    return f"{first} {last}".strip() or username
