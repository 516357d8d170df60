"""Rule 10 and its companion, checked over the whole database (manage.py check_hours).

1. Every progression's totals equal the sums of its hours-log rows.
2. Every recorded learner row of a captured session is matched by its ledger rows
   (net of reversals, the ledger holds exactly the recorded hours), or has none at all
   (recorded while the learner had no progression: "not credited", DESIGN rule 8);
   and no session that is not captured keeps any net hours in the ledger.
3. Every attendance row's copies of its session's date and its class's LP (issue 11)
   equal the originals.
4. class_attendance_latest_pages, which triggers keep (classes.latest_page_sql),
   holds each (learner, LP)'s latest page as its attendance rows give it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction

from classes import latest_page_sql, selectors
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


# Keys whose stored latest page is not their attendance rows' (a key stored with NULLs
# is a key without a page). ROW_NUMBER rather than DISTINCT ON: SQLite runs it too.
LATEST_PAGES_DIFFER = """
WITH expected AS (
    SELECT learner_id, class_type_subject_id, page_number, id
    FROM (
        SELECT learner_id, class_type_subject_id, page_number, id,
               ROW_NUMBER() OVER (
                   PARTITION BY learner_id, class_type_subject_id
                   ORDER BY session_date DESC, id DESC
               ) AS n
        FROM class_attendance_learners
        WHERE page_number IS NOT NULL
    ) ranked
    WHERE n = 1
), stored AS (
    SELECT learner_id, class_type_subject_id, page_number, attendance_id AS id
    FROM class_attendance_latest_pages
    WHERE attendance_id IS NOT NULL
)
SELECT COALESCE(e.learner_id, s.learner_id),
       COALESCE(e.class_type_subject_id, s.class_type_subject_id),
       s.page_number, e.page_number
FROM expected e
FULL OUTER JOIN stored s
  ON s.learner_id = e.learner_id AND s.class_type_subject_id = e.class_type_subject_id
WHERE s.id IS NULL OR e.id IS NULL OR s.id <> e.id OR s.page_number <> e.page_number
ORDER BY 1, 2
"""


@dataclass(frozen=True)
class LatestPageMismatch:
    learner_id: int
    programme_id: int
    stored: int | None
    expected: int | None


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
    latest_pages: list[LatestPageMismatch] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.progressions or self.attendance or self.copies_differ or self.latest_pages)


def check_ledger() -> LedgerReport:
    with connection.cursor() as cursor:
        cursor.execute(ATTENDANCE_MISMATCHES)
        attendance = [AttendanceMismatch(*row) for row in cursor.fetchall()]
        cursor.execute(COPIES_DIFFER)
        copies_differ = [pk for (pk,) in cursor.fetchall()]
        cursor.execute(LATEST_PAGES_DIFFER)
        latest_pages = [LatestPageMismatch(*row) for row in cursor.fetchall()]
    not_credited = selectors.not_credited(LearnerAttendance.objects.all()).count()
    return LedgerReport(ledger_mismatches(), attendance, not_credited, copies_differ, latest_pages)


def rebuild_latest_pages() -> int:
    """Rewrite class_attendance_latest_pages from the attendance rows (check_hours
    --fix; only after a DBA disabled its triggers, say); return the rows written.
    The attendance table is locked against writers meanwhile, so that none is lost."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("LOCK TABLE class_attendance_learners IN SHARE MODE")
        cursor.execute("DELETE FROM class_attendance_latest_pages")
        cursor.execute(latest_page_sql.BACKFILL)
        return cursor.rowcount


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
