"""The session history: every change to a session, appended, never edited."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User
from django.utils import timezone

from classes.models import AttendanceSession, SessionHistory, SessionHistoryChange


@dataclass(frozen=True)
class LearnerChange:
    learner_id: int
    hours_before: Decimal | None = None
    hours_after: Decimal | None = None
    page_before: int | None = None
    page_after: int | None = None
    # The absence reason and remark ("": none).
    reason_before: str = ""
    reason_after: str = ""
    remark_before: str = ""
    remark_after: str = ""


def record_history(
    *,
    session: AttendanceSession,
    action: str,
    status_before: str,
    changed_by: User,
    reason: str = "",
    changes: Iterable[LearnerChange] = (),
) -> SessionHistory:
    """Append one history entry and its per-learner changes (two queries)."""
    entry = SessionHistory.objects.create(
        session=session,
        action=action,
        status_before=status_before,
        status_after=session.status,
        changed_by=changed_by,
        changed_at=timezone.now(),
        reason=reason,
    )
    SessionHistoryChange.objects.bulk_create(
        SessionHistoryChange(entry=entry, **change.__dict__) for change in changes
    )
    return entry
