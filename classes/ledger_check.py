"""Rule 10 and its companion, checked over the whole database (manage.py check_hours).

1. Every progression's totals equal the sums of its hours-log rows.
2. Every recorded learner row of a captured session is matched by its ledger rows
   (net of reversals, the ledger holds exactly the recorded hours), or has none at all
   (recorded while the learner had no progression: "not credited", DESIGN rule 8);
   and no session that is not captured keeps any net hours in the ledger.
3. Every attendance row's copies of its session's date and its class's LP (issue 11)
   equal the originals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction

from classes import selectors
from classes.models import LearnerAttendance
from progression.models import Progression
from progression.selectors import LedgerMismatch, ledger_mismatches

ATTENDANCE_MISMATCHES = """
WITH ledger AS (
    SELECT session_id, learner_id,
           SUM(hours_trained) AS trained, SUM(hours_present) AS present, COUNT(*) AS n
    FROM learner_hours_log
    WHERE session_id IS NOT NULL
    GROUP BY session_id, learner_id
)
SELECT s.id, s.class_id, s.session_date, s.status,
       COALESCE(a.learner_id, l.learner_id),
       a.hours_trained, a.hours_present, l.trained, l.present
FROM class_attendance_learners a
FULL OUTER JOIN ledger l ON l.session_id = a.session_id AND l.learner_id = a.learner_id
JOIN class_attendance_sessions s ON s.id = COALESCE(a.session_id, l.session_id)
WHERE NOT (
    -- Recorded and credited: the ledger nets to what was recorded. Recorded but not
    -- credited (no rows, or only rows that a void reversed): it nets to zero.
    (a.id IS NOT NULL AND s.status = 'captured'
        AND (l.n IS NULL
             OR (l.trained = 0 AND l.present = 0)
             OR (l.trained = a.hours_trained AND l.present = a.hours_present)))
    -- No attendance row (never captured, or voided): nothing may remain in the ledger.
    OR (a.id IS NULL AND l.trained = 0 AND l.present = 0)
)
ORDER BY s.id, 5
"""


# Attendance rows whose copied session date or LP differ from their session's.
COPIES_DIFFER = """
SELECT a.id
FROM class_attendance_learners a
JOIN class_attendance_sessions s ON s.id = a.session_id
JOIN classes c ON c.id = s.class_id
WHERE a.session_date <> s.session_date OR a.class_type_subject_id <> c.class_type_subject_id
ORDER BY a.id
"""


@dataclass(frozen=True)
class AttendanceMismatch:
    session_id: int
    class_id: int
    session_date: object
    status: str
    learner_id: int
    recorded_trained: Decimal | None
    recorded_present: Decimal | None
    ledger_trained: Decimal | None
    ledger_present: Decimal | None


@dataclass(frozen=True)
class LedgerReport:
    progressions: list[LedgerMismatch]
    attendance: list[AttendanceMismatch]
    not_credited: int
    # Ids of attendance rows whose copied session date or LP differ from the session's.
    copies_differ: list[int] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.progressions and not self.attendance and not self.copies_differ


def check_ledger() -> LedgerReport:
    with connection.cursor() as cursor:
        cursor.execute(ATTENDANCE_MISMATCHES)
        attendance = [AttendanceMismatch(*row) for row in cursor.fetchall()]
        cursor.execute(COPIES_DIFFER)
        copies_differ = [pk for (pk,) in cursor.fetchall()]
    not_credited = selectors.not_credited(LearnerAttendance.objects.all()).count()
    return LedgerReport(ledger_mismatches(), attendance, not_credited, copies_differ)


def fix_progression_totals() -> list[LedgerMismatch]:
    """Set every drifted progression's totals to its ledger sums; return what changed.

    One transaction; the progressions are locked, and the mismatch is computed again
    under the lock so that a capture committing meanwhile is not overwritten.
    """
    with transaction.atomic():
        drifted = [m.progression_id for m in ledger_mismatches()]
        if not drifted:
            return []
        list(Progression.objects.select_for_update().filter(pk__in=drifted).order_by("pk"))
        fixed = [m for m in ledger_mismatches() if m.progression_id in set(drifted)]
        for mismatch in fixed:
            Progression.objects.filter(pk=mismatch.progression_id).update(
                hours_trained=mismatch.ledger_trained, hours_present=mismatch.ledger_present
            )
    return fixed
