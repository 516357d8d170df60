"""The projection of progression.progress.project(), computed by the database for a
CSV's rows (COMPLETION_SQL); the definition itself is progression.progress's."""

from __future__ import annotations

import datetime

from progression.progress import Projection, Session, project

__all__ = ["COMPLETION_SQL", "Projection", "Session", "completion_sql", "project"]


# The same projection as project(), computed by the database for every row of a CSV
# at once (a CSV batch reading each class's remaining sessions back into Python cost
# more than the rest of the CSV; bench/HISTORY.md, issue 10). For a progression row of
# learner_lp_tracking: the date of the remaining session (planned, not blocked, not
# recorded, today or later, not after the learner's enrolment in the class ends) at
# which the hours trained reach the programme's allocation; NULL when they cannot
# (at risk) or the progression is not in progress. "Reached" (hours trained already at
# the allocation) is decided beside it, as project() does first.
# tests/reports/test_progress.py compares the two.
COMPLETION_SQL = """
CASE WHEN "learner_lp_tracking"."status" = 'in_progress' THEN (
    SELECT r.session_date FROM (
        SELECT p.session_date,
               SUM(p.scheduled_hours) OVER (ORDER BY p.session_date) AS cumulative
        FROM class_planned_sessions p
        WHERE p.class_id = "learner_lp_tracking"."class_id"
          AND p.blocked_reason = '' AND NOT p.recorded AND p.session_date >= %s
          AND p.session_date <= COALESCE((
              SELECT e.end_date FROM class_enrolments e
              WHERE e.learner_id = "learner_lp_tracking"."learner_id"
                AND e.class_id = "learner_lp_tracking"."class_id"
          ), %s)
    ) r
    WHERE r.cumulative >= (
        SELECT lp.subject_duration FROM class_type_subjects lp
        WHERE lp.id = "learner_lp_tracking"."class_type_subject_id"
    ) - "learner_lp_tracking"."hours_trained"
    ORDER BY r.session_date
    LIMIT 1
) END"""
NO_END = datetime.date(9999, 12, 31)


def completion_sql(*, today: datetime.date) -> tuple[str, list]:
    """COMPLETION_SQL and its parameters, for RawSQL on a progressions queryset."""
    return COMPLETION_SQL, [today, NO_END]
