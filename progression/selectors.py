"""Reads of progressions and the hours log."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from progression.models import HoursLog, Progression


@dataclass(frozen=True)
class LedgerMismatch:
    progression_id: int
    hours_trained: Decimal
    hours_present: Decimal
    ledger_trained: Decimal
    ledger_present: Decimal


def ledger_mismatches() -> list[LedgerMismatch]:
    """Progressions whose totals differ from the sums of their hours log (DESIGN rule 10)."""
    hours = DecimalField(max_digits=12, decimal_places=2)

    def ledger_sum(column: str) -> Coalesce:
        total = (
            HoursLog.objects.filter(tracking_id=OuterRef("pk"))
            .order_by()
            .values("tracking_id")
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
