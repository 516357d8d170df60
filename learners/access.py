"""Where the apps below records write to the access log (POPIA, issue 16).

The log lives in the records app, above classes; progression's hours-log export and
classes' printed registers show identity numbers too. They call `record` here, and
records (records/apps.py) plugs its writer in when Django starts: the imports keep
flowing downwards, and every place that shows special information logs it the same
way. `learners`: learner ids, or a queryset with a `learner_id` column.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db.models import QuerySet

_writer: Callable[..., int] | None = None

EXPORTED = "exported"
VIEWED = "viewed"
# What each place below records shows (records.access words its own places).
REGISTER = "name and ID or passport number, on the printed register"
HOURS_LOG = "name and ID or passport number, in the hours-log CSV"


def plug_in(writer: Callable[..., int]) -> None:
    global _writer
    _writer = writer


def record(learners: QuerySet | Iterable[int], *, action: str, what: str, page: str, user) -> int:
    """One access-log row per learner in `learners`; 0 before records plugged in."""
    if _writer is None:
        return 0
    return _writer(learners, action=action, what=what, page=page, user=user)
