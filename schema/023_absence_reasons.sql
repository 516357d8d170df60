-- 023_absence_reasons.sql
--
-- Changes: a per-learner absence reason and remark on every attendance row (issue 12,
-- point 6), and the reason and remark before and after in the session history.
--   * class_attendance_learners.absence_reason: '' (no reason given) or one of sick,
--     excused, late, left_early, unexcused, other; .absence_remark: up to 200
--     characters of free text about the learner (personal data). Both NOT NULL
--     DEFAULT '': existing rows have no reason and satisfy every check below.
--   * CHECKs on class_attendance_learners: the reason is one of the list
--     (..._absence_reason_valid); "other" needs a remark (..._other_needs_remark); a
--     remark needs a reason (..._remark_needs_reason); a reason only for a learner
--     present for fewer hours than trained (..._reason_when_missed); late arrival and
--     left early only for a learner present for some of it (..._part_present_reason).
--   * class_attendance_session_history_learners.reason_before, .reason_after,
--     .remark_before, .remark_after (NOT NULL DEFAULT ''), with the CHECK
--     ..._reason_valid on the same list. Adding columns with a constant default
--     rewrites no row, so the table's append-only triggers are not involved.
-- Records migration classes 0014.
--
-- Idempotent: ADD COLUMN IF NOT EXISTS and guarded constraints.
--
--   psql -v ON_ERROR_STOP=1 -d attendance -f schema/023_absence_reasons.sql
--
-- The whole file is one transaction: if a statement fails, nothing of it stays.

BEGIN;
-- Quiet the "already exists, skipping" notices of a second run.
SET LOCAL client_min_messages = warning;

ALTER TABLE "class_attendance_learners" ADD COLUMN IF NOT EXISTS "absence_reason" varchar(20) DEFAULT '' NOT NULL;
ALTER TABLE "class_attendance_learners" ADD COLUMN IF NOT EXISTS "absence_remark" varchar(200) DEFAULT '' NOT NULL;
ALTER TABLE "class_attendance_session_history_learners" ADD COLUMN IF NOT EXISTS "reason_after" varchar(20) DEFAULT '' NOT NULL;
ALTER TABLE "class_attendance_session_history_learners" ADD COLUMN IF NOT EXISTS "reason_before" varchar(20) DEFAULT '' NOT NULL;
ALTER TABLE "class_attendance_session_history_learners" ADD COLUMN IF NOT EXISTS "remark_after" varchar(200) DEFAULT '' NOT NULL;
ALTER TABLE "class_attendance_session_history_learners" ADD COLUMN IF NOT EXISTS "remark_before" varchar(200) DEFAULT '' NOT NULL;

DO $$ BEGIN
    ALTER TABLE "class_attendance_learners" ADD CONSTRAINT "class_attendance_learners_absence_reason_valid" CHECK ("absence_reason" IN ('', 'sick', 'excused', 'late', 'left_early', 'unexcused', 'other'));
EXCEPTION WHEN duplicate_object OR duplicate_table THEN NULL;
END $$;

DO $$ BEGIN
    ALTER TABLE "class_attendance_learners" ADD CONSTRAINT "class_attendance_learners_other_needs_remark" CHECK ((NOT ("absence_reason" = 'other') OR NOT ("absence_remark" = '')));
EXCEPTION WHEN duplicate_object OR duplicate_table THEN NULL;
END $$;

DO $$ BEGIN
    ALTER TABLE "class_attendance_learners" ADD CONSTRAINT "class_attendance_learners_remark_needs_reason" CHECK (("absence_remark" = '' OR NOT ("absence_reason" = '')));
EXCEPTION WHEN duplicate_object OR duplicate_table THEN NULL;
END $$;

DO $$ BEGIN
    ALTER TABLE "class_attendance_learners" ADD CONSTRAINT "class_attendance_learners_reason_when_missed" CHECK (("absence_reason" = '' OR "hours_present" < ("hours_trained")));
EXCEPTION WHEN duplicate_object OR duplicate_table THEN NULL;
END $$;

DO $$ BEGIN
    ALTER TABLE "class_attendance_learners" ADD CONSTRAINT "class_attendance_learners_part_present_reason" CHECK ((NOT ("absence_reason" IN ('late', 'left_early')) OR "hours_present" > 0));
EXCEPTION WHEN duplicate_object OR duplicate_table THEN NULL;
END $$;

DO $$ BEGIN
    ALTER TABLE "class_attendance_session_history_learners" ADD CONSTRAINT "class_attendance_session_history_learners_reason_valid" CHECK (("reason_before" IN ('', 'sick', 'excused', 'late', 'left_early', 'unexcused', 'other') AND "reason_after" IN ('', 'sick', 'excused', 'late', 'left_early', 'unexcused', 'other')));
EXCEPTION WHEN duplicate_object OR duplicate_table THEN NULL;
END $$;

INSERT INTO "django_migrations" ("app", "name", "applied")
SELECT v.app, v.name, now()
FROM (VALUES
    ('classes', '0014_absence_reasons')
) AS v (app, name)
WHERE NOT EXISTS (
    SELECT 1 FROM "django_migrations" m WHERE m.app = v.app AND m.name = v.name
);

COMMIT;
