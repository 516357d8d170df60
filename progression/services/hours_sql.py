"""The ledger batch as one PostgreSQL statement (issue 11).

`ProgressionService.log_hours_batch` on PostgreSQL sends this one statement: it locks
the learners' progressions in id order, chooses each learner's progression, appends
the ledger rows and adds them to the totals, or, when a learner has no progression
to credit (or hours would be dated before it started), writes nothing at all and
says who. One round trip instead of five (a savepoint, the lock, the insert, the
update, the release), and nothing for the caller to roll back on a refusal: the
caller's transaction stays usable, as it did when a savepoint was released.

Other databases (SQLite, which `make run` uses) take the ORM path in
progression/services/hours.py; tests run both against the same expectations.
"""

from __future__ import annotations

from progression.selectors import in_progress_on_sql

# Which progressions may receive the hours. A session's: the learner's progression on
# the session's LP that was in progress on the session date (DESIGN rule 8), whatever
# its status now. Otherwise: the learner's progression in progress now (at most one,
# by the partial UNIQUE index).
ON_SESSION_DATE = "p.class_type_subject_id = %(programme_id)s AND " + in_progress_on_sql("p")
IN_PROGRESS_NOW = "p.status = 'in_progress'"

# - candidate: every progression that qualifies, locked in id order (two batches over
#   overlapping learners cannot deadlock; two concurrent batches cannot both add to
#   totals they read). MATERIALIZED: read once, by both writes below.
# - chosen: one per learner; of two that qualify (one ended on the day, a second
#   attempt started that day) the one started last, as progressions_in_progress_on.
# - ready: every learner has one (and, for hours without a session, the hours are not
#   dated before it started); otherwise `credit` is empty and neither write writes.
# - credit: each learner's hours beside their progression, joined once for both
#   writes (each joining the entries again was a nested loop over them per row in
#   the prepared statement's generic plan, quadratic in the class size).
# - the final SELECT ({final}) reports what the caller needs: the ledger rows, or
#   (nothing written) each learner's choice, so the caller can name the first
#   learner without one.
LOG_BATCH = """
WITH entry AS (
    SELECT * FROM unnest(
        %(learners)s::bigint[], %(trained)s::numeric[], %(present)s::numeric[],
        %(notes)s::text[]
    ) WITH ORDINALITY AS e (learner_id, trained, present, notes, n)
), candidate AS MATERIALIZED (
    SELECT p.id, p.learner_id, p.class_type_subject_id AS programme_id, p.class_id,
           p.start_date
    FROM learner_lp_tracking p
    WHERE p.learner_id = ANY (%(learners)s::bigint[]) AND {which}
    ORDER BY p.id
    FOR UPDATE
), chosen AS MATERIALIZED (
    SELECT DISTINCT ON (learner_id) id, learner_id, programme_id, class_id, start_date
    FROM candidate
    ORDER BY learner_id, start_date DESC, id DESC
), ready AS MATERIALIZED (
    SELECT count(*) = cardinality(%(learners)s::bigint[])
           AND (NOT %(check_start)s::boolean OR coalesce(bool_and(start_date <= %(day)s), true))
           AS ok
    FROM chosen
), credit AS MATERIALIZED (
    SELECT c.id, c.learner_id, c.programme_id, c.class_id, e.trained, e.present, e.notes, e.n
    FROM entry e JOIN chosen c USING (learner_id)
    WHERE (SELECT ok FROM ready)
), logged AS (
    INSERT INTO learner_hours_log
        (learner_id, class_type_subject_id, class_id, tracking_id, log_date, hours_trained,
         hours_present, source, session_id, created_by_id, notes)
    SELECT learner_id, programme_id, coalesce(%(class_id)s::bigint, class_id), id,
           %(day)s, trained, present, %(source)s, %(session_id)s::bigint,
           %(created_by)s::bigint, notes
    FROM credit
    ORDER BY n
    RETURNING id, learner_id, tracking_id, class_type_subject_id, class_id, created_at
), totals AS (
    UPDATE learner_lp_tracking p
    SET hours_trained = p.hours_trained + c.trained,
        hours_present = p.hours_present + c.present,
        updated_at = %(now)s
    FROM credit c
    WHERE p.id = c.id
)
{final}
"""

# The ledger rows when written (each learner's: learner, progression, LP, class, no
# start date needed, row id, created at); else each learner's choice, without a row.
WITH_ROWS = """
SELECT learner_id, tracking_id, class_type_subject_id, class_id, NULL::date, id, created_at
FROM logged
UNION ALL
SELECT learner_id, id, programme_id, class_id, start_date, NULL, NULL
FROM chosen
WHERE NOT (SELECT ok FROM ready)
"""
# For a caller that does not use the rows (the capture): one row (true) when written;
# else each learner's choice as above, or one row with none when no learner has one.
WITHOUT_ROWS = """
SELECT r.ok, c.learner_id, c.id, c.programme_id, c.class_id, c.start_date
FROM ready r LEFT JOIN chosen c ON NOT r.ok
"""

LOG_BATCHES = {
    (with_session, with_rows): LOG_BATCH.format(
        which=ON_SESSION_DATE if with_session else IN_PROGRESS_NOW,
        final=WITH_ROWS if with_rows else WITHOUT_ROWS,
    )
    for with_session in (True, False)
    for with_rows in (True, False)
}
