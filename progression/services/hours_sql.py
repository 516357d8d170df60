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
#   dated before it started); otherwise neither write below writes a row.
# - the final SELECT reports each learner's choice and ledger row, so the caller can
#   name the first learner without one.
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
), logged AS (
    INSERT INTO learner_hours_log
        (learner_id, class_type_subject_id, class_id, tracking_id, log_date, hours_trained,
         hours_present, source, session_id, created_by_id, notes)
    SELECT e.learner_id, c.programme_id, coalesce(%(class_id)s::bigint, c.class_id), c.id,
           %(day)s, e.trained, e.present, %(source)s, %(session_id)s::bigint,
           %(created_by)s::bigint, e.notes
    FROM entry e JOIN chosen c USING (learner_id)
    WHERE (SELECT ok FROM ready)
    ORDER BY e.n
    RETURNING id, learner_id, created_at
), totals AS (
    UPDATE learner_lp_tracking p
    SET hours_trained = p.hours_trained + e.trained,
        hours_present = p.hours_present + e.present,
        updated_at = %(now)s
    FROM entry e JOIN chosen c USING (learner_id)
    WHERE p.id = c.id AND (SELECT ok FROM ready)
)
SELECT c.learner_id, c.id, c.programme_id, c.class_id, c.start_date, l.id, l.created_at
FROM chosen c LEFT JOIN logged l USING (learner_id)
"""

LOG_SESSION_BATCH = LOG_BATCH.format(which=ON_SESSION_DATE)
LOG_BATCH_NOW = LOG_BATCH.format(which=IN_PROGRESS_NOW)
