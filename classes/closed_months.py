"""Closed months (issue 14): the office closes a client's month once its statements
are final. A closed month's figures never change (billing stores them at the close);
a later correction or void of one of its sessions is still allowed for office admins,
with its reason, and billing shows it as an adjustment in the next open month.
Facilitators cannot correct or undo a session in a closed month.

The table lives in classes, below billing, because the correction services here must
refuse facilitators in a closed month and classes does not import billing
(DESIGN §5). billing.services.close_month writes the row together with the frozen
statements, in one transaction; the UNIQUE (client, month) makes two office admins
closing the same month at once close it once.

Imported by classes.models so that Django finds the model (its migration is
classes 0015; schema/025_billing.sql creates it for ops).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now

CLOSE_MONTH = "classes.close_month"
TABLE = "class_month_closes"
APPEND_ONLY_HINT = "A closed month stays closed; corrections appear as adjustments later."


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


class MonthClose(models.Model):
    """One client's month, closed: from then on its statements are the stored ones."""

    client = models.ForeignKey("learners.Client", on_delete=models.PROTECT, related_name="+")
    # The month's first day.
    month = models.DateField()
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(db_default=Now())

    class Meta:
        db_table = TABLE
        ordering = ["-month", "client"]
        verbose_name = "closed month"
        permissions = [("close_month", "Can close a month (freezes its statements)")]
        constraints = [
            models.UniqueConstraint(fields=["client", "month"], name="class_month_closes_once"),
            models.CheckConstraint(
                condition=Q(month__day=1), name="class_month_closes_first_of_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client_id} {self.month:%Y-%m} closed"


def is_month_closed(*, client_id: int, day: datetime.date) -> bool:
    """Whether the month of `day` is closed for the client."""
    return MonthClose.objects.filter(client_id=client_id, month=month_start(day)).exists()
