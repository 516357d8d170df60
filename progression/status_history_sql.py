"""The status history of progressions that existed before it was recorded (issue 9).

Migration progression 0006 runs BACKFILL_STATUS_HISTORY (PostgreSQL) with the site's
TIME_ZONE as its one parameter; schema/012_progression_history.sql carries the same
statement, with the time zone written out, for ops. Only progressions without any
history rows get rows, so running it again changes nothing.

What is known, and what is estimated (docs/decisions.md, "Issue 9"):
- every progression was in progress from its start_date (a hold and resume before
  today leaves no trace but the notes, and is not reconstructed);
- a completed one was completed on its completion_date;
- an on-hold one went on hold on the start date of the learner's next progression
  (starting another programme is what put it on hold, with that date), or else on the
  local date of its last change (updated_at: an office admin's "put on hold"), and
  never before its own start_date.
"""

BACKFILL_STATUS_HISTORY = """
WITH missing AS (
    SELECT p.*
    FROM learner_lp_tracking p
    WHERE NOT EXISTS (
        SELECT 1 FROM learner_lp_tracking_status_history h WHERE h.tracking_id = p.id
    )
)
INSERT INTO learner_lp_tracking_status_history
    (tracking_id, old_status, new_status, effective_date, changed_at, changed_by_id, reason)
SELECT tracking_id, old_status, new_status, effective_date, changed_at, changed_by_id, reason
FROM (
    SELECT p.id AS tracking_id, 1 AS step, '' AS old_status, 'in_progress' AS new_status,
           p.start_date AS effective_date, p.created_at AS changed_at,
           NULL::integer AS changed_by_id,
           'Recorded when the status history began: in progress from its start date.'
               AS reason
    FROM missing p
    UNION ALL
    SELECT p.id, 2, 'in_progress', 'completed', p.completion_date, p.updated_at,
           p.marked_complete_by_id,
           'Recorded when the status history began: completed on its completion date.'
    FROM missing p
    WHERE p.status = 'completed'
    UNION ALL
    SELECT p.id, 2, 'in_progress', 'on_hold',
           greatest(
               p.start_date,
               coalesce(
                   (SELECT n.start_date FROM learner_lp_tracking n
                    WHERE n.learner_id = p.learner_id AND n.id > p.id
                    ORDER BY n.id LIMIT 1),
                   (p.updated_at AT TIME ZONE %s)::date
               )
           ),
           p.updated_at, NULL,
           'Recorded when the status history began: on hold from an estimated date.'
    FROM missing p
    WHERE p.status = 'on_hold'
) AS backfill
ORDER BY tracking_id, step
"""
