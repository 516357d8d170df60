"""Database-side guards that keep enrolment and class history from being rewritten
(PostgreSQL). Used by migration classes 0007; schema/013_history_guards.sql carries the
same statements for ops, and the schema fidelity test compares the two.

- The history tables of this app are append-only (UPDATE, DELETE and TRUNCATE refused)
  through progression's one trigger function, `append_only_refuse()`.

- An enrolment's learner and class never change once saved: a wrong learner is ended
  (withdrawn, with a reason) and the right one enrolled, so past rosters stay true.
- An enrolment whose learner has attendance or hours in the class is never deleted.
- A class's learning programme is fixed once any of its sessions was recorded or any
  hour was logged for it: its ledger would otherwise span two programmes.
"""

GUARD_FUNCTIONS = """
CREATE OR REPLACE FUNCTION class_enrolments_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'class_enrolments: an enrolment''s learner and class cannot change'
            USING ERRCODE = 'integrity_constraint_violation',
                  HINT = 'End the enrolment (with a reason) and enrol the right learner.';
    END IF;
    IF EXISTS (
        SELECT 1 FROM class_attendance_learners a
        JOIN class_attendance_sessions s ON s.id = a.session_id
        WHERE a.learner_id = OLD.learner_id AND s.class_id = OLD.class_id
    ) OR EXISTS (
        SELECT 1 FROM learner_hours_log h
        WHERE h.learner_id = OLD.learner_id AND h.class_id = OLD.class_id
    ) THEN
        RAISE EXCEPTION 'class_enrolments: enrolment % has attendance; it cannot be deleted',
            OLD.id
            USING ERRCODE = 'integrity_constraint_violation',
                  HINT = 'End the enrolment instead; its history is kept.';
    END IF;
    RETURN OLD;
END;
$$;

CREATE OR REPLACE FUNCTION classes_programme_fixed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM class_attendance_sessions s
        WHERE s.class_id = OLD.id AND s.status <> 'pending'
    ) OR EXISTS (
        SELECT 1 FROM learner_hours_log h WHERE h.class_id = OLD.id
    ) THEN
        RAISE EXCEPTION 'classes: the programme of class % is fixed: sessions were recorded',
            OLD.code
            USING ERRCODE = 'integrity_constraint_violation',
                  HINT = 'Stop this class and start a new one on the other programme.';
    END IF;
    RETURN NEW;
END;
$$;
"""

GUARD_TRIGGERS = """
CREATE OR REPLACE TRIGGER class_enrolments_fixed_learner_class
    BEFORE UPDATE OF learner_id, class_id ON class_enrolments
    FOR EACH ROW
    WHEN (OLD.learner_id IS DISTINCT FROM NEW.learner_id
          OR OLD.class_id IS DISTINCT FROM NEW.class_id)
    EXECUTE FUNCTION class_enrolments_guard();

CREATE OR REPLACE TRIGGER class_enrolments_keep_attended
    BEFORE DELETE ON class_enrolments
    FOR EACH ROW EXECUTE FUNCTION class_enrolments_guard();

CREATE OR REPLACE TRIGGER classes_programme_fixed
    BEFORE UPDATE OF class_type_subject_id ON classes
    FOR EACH ROW
    WHEN (OLD.class_type_subject_id IS DISTINCT FROM NEW.class_type_subject_id)
    EXECUTE FUNCTION classes_programme_fixed();
"""

DROP_GUARDS = """
DROP TRIGGER IF EXISTS class_enrolments_fixed_learner_class ON class_enrolments;
DROP TRIGGER IF EXISTS class_enrolments_keep_attended ON class_enrolments;
DROP TRIGGER IF EXISTS classes_programme_fixed ON classes;
DROP FUNCTION IF EXISTS class_enrolments_guard();
DROP FUNCTION IF EXISTS classes_programme_fixed();
"""

# Enrolments made before the history was kept get one "enrolled" entry (who: unknown),
# and one "ended" entry when they have ended, so that every enrolment has a history.
BACKFILL_ENROLMENT_HISTORY = [
    """
INSERT INTO class_enrolment_history (enrolment_id, action, start_date, end_date, status, reason)
SELECT e.id, 'enrolled', e.start_date, NULL, 'enrolled', 'Enrolled before the history was kept.'
FROM class_enrolments e
WHERE NOT EXISTS (SELECT 1 FROM class_enrolment_history h WHERE h.enrolment_id = e.id)
""",
    """
INSERT INTO class_enrolment_history (enrolment_id, action, start_date, end_date, status, reason)
SELECT e.id, 'ended', e.start_date, e.end_date, e.status, 'Ended before the history was kept.'
FROM class_enrolments e
WHERE e.status <> 'enrolled'
  AND NOT EXISTS (
      SELECT 1 FROM class_enrolment_history h WHERE h.enrolment_id = e.id AND h.action = 'ended'
  )
""",
]


# The append-only tables whose guards migration 0007 installs, and the hint each
# refusal carries. excessive_hours_resolutions was created by this app's migrations
# and is guarded by them; its model belongs to the reports app since issue 10.
APPEND_ONLY_TABLES = {
    "excessive_hours_resolutions": "Record a new resolution instead; the history is kept.",
    "class_enrolment_history": "End or re-enrol through the enrolment service instead.",
    "class_attendance_session_history": "Correct or void the session instead.",
    "class_attendance_session_history_learners": "Correct or void the session instead.",
}
# Replaced by the shared function (the resolutions' trigger is re-pointed first).
DROP_RESOLUTIONS_OWN_FUNCTION = "DROP FUNCTION IF EXISTS excessive_hours_resolutions_append_only()"
