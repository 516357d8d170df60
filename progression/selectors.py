"""Reads of progressions and the hours log."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, Exists, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact

from progression.models import HoursLog, Progression, ProgressionStatusChange

IN_PROGRESS = Progression.Status.IN_PROGRESS


def in_progress_on(day: datetime.date) -> Q:
    """A filter of progressions: those in progress at any moment of `day` (the site's
    local date), by their status history (DESIGN rule 8, docs/decisions.md "Issue 9").

    Each status change starts an interval [its effective date, the next change's
    effective date], both ends included: a progression put on hold, completed or
    started on D was in progress for part of D, so a session held on D counts for it.
    That is: in progress when D began (the last change before D made it so), or made
    so by a change on D. Served by the (progression, effective_date, id) index.
    """
    changes = ProgressionStatusChange.objects.filter(progression_id=OuterRef("pk"))
    status_when_the_day_began = (
        changes.filter(effective_date__lt=day)
        .order_by("-effective_date", "-id")
        .values("new_status")[:1]
    )
    return Q(Exists(changes.filter(effective_date=day, new_status=IN_PROGRESS))) | Q(
        Exact(Subquery(status_when_the_day_began), IN_PROGRESS)
    )


def in_progress_on_sql(progression: str) -> str:
    """`in_progress_on` as SQL, for hand-written statements (the ledger's batch, the
    capture roster): a condition on the `learner_lp_tracking` row aliased
    `progression`, with the day as the named parameter `%(day)s`. The same rule,
    spelled for the database; tests/progression/test_in_progress_on.py holds the two
    to the same answers."""
    return f"""(
    EXISTS (
        SELECT 1 FROM learner_lp_tracking_status_history ips
        WHERE ips.tracking_id = {progression}.id AND ips.effective_date = %(day)s
          AND ips.new_status = 'in_progress')
    OR (
        SELECT ipb.new_status FROM learner_lp_tracking_status_history ipb
        WHERE ipb.tracking_id = {progression}.id AND ipb.effective_date < %(day)s
        ORDER BY ipb.effective_date DESC, ipb.id DESC
        LIMIT 1) = 'in_progress'
)"""


def has_progression_in_progress_on(
    *, programme_id: int, day: datetime.date, learner_id=None
) -> Exists:
    """Whether the learner (default: the outer row's `learner_id`) had a progression on
    the programme in progress on `day`: the capture roster's "creditable" flag, for
    `.annotate(creditable=...)` in the roster's one query."""
    # Any: a reference or a value, where the stubs type a lookup as the column's value.
    learner_is: Any = OuterRef("learner_id") if learner_id is None else learner_id
    return Exists(
        Progression.objects.filter(
            in_progress_on(day),
            learner_id=learner_is,
            programme_id=programme_id,
        )
    )


def progressions_in_progress_on(
    *, learner_ids: Iterable[int], programme_id: int, day: datetime.date, lock: bool = False
) -> dict[int, Progression]:
    """Per learner, their progression on the programme that was in progress on `day`,
    in one query: where a session's hours go, whatever the progression's status now.

    Two of one learner can qualify when one ended on `day` and another (a second
    attempt at the programme) started that day: the one started last wins. With
    `lock`, every candidate row is locked (FOR UPDATE, in id order, so that batches
    over overlapping learners cannot deadlock) before the caller changes totals.
    Only the columns a ledger row needs are read.
    """
    candidates = Progression.objects.filter(
        in_progress_on(day), learner_id__in=list(learner_ids), programme_id=programme_id
    )
    if lock:
        candidates = candidates.select_for_update(of=("self",))
    chosen: dict[int, Progression] = {}
    for progression in candidates.only(
        "pk", "learner_id", "programme_id", "klass_id", "start_date"
    ).order_by("pk"):
        best = chosen.get(progression.learner_id)
        if best is None or (progression.start_date, progression.pk) > (best.start_date, best.pk):
            chosen[progression.learner_id] = progression
    return chosen


@dataclass(frozen=True)
class LedgerMismatch:
    progression_id: int
    hours_trained: Decimal
    hours_present: Decimal
    ledger_trained: Decimal
    ledger_present: Decimal


def ledger_mismatches() -> list[LedgerMismatch]:
    """Progressions whose totals differ from the sums of their hours log (DESIGN rule 10)."""
    hours: DecimalField = DecimalField(max_digits=12, decimal_places=2)

    def ledger_sum(column: str) -> Coalesce:
        total = (
            HoursLog.objects.filter(progression_id=OuterRef("pk"))
            .order_by()
            .values("progression_id")
            .annotate(total=Sum(column))
            .values("total")
        )
        return Coalesce(
            Subquery(total, output_field=hours), Value(Decimal("0")), output_field=hours
        )

    rows = (
        Progression.objects.annotate(
            ledger_trained=ledger_sum("hours_trained"),
            ledger_present=ledger_sum("hours_present"),
        )
        .exclude(hours_trained=F("ledger_trained"), hours_present=F("ledger_present"))
        .values_list("pk", "hours_trained", "hours_present", "ledger_trained", "ledger_present")
        .order_by("pk")
    )
    return [LedgerMismatch(*row) for row in rows]
