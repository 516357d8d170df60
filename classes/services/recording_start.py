"""The first statement of recording a session (issue 11): the form's one-time key,
the class's planned session that day and, for a capture, its roster, in one round
trip on PostgreSQL.

The key is recorded first, as submissions.keys.record_submission does: the INSERT of
a key that another transaction is recording waits for it, and the service then
answers a replay before anything else is checked or written (the planned session and
roster read with it are simply not used). Other databases send the three apart.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import connection

from attendance_project import db
from classes.models import Class
from classes.schedule import PlannedSession
from classes.selectors import ROSTER, RosterLearner, roster, roster_learners
from classes.stored_plan import PLANNED_ON, planned_from_row, planned_session_on
from submissions.keys import (
    RECORD,
    Submission,
    check_recorded,
    record_parameters,
    record_submission,
)

# The key's CTE runs whether or not the SELECT reads it (a data-modifying CTE always
# does); the SELECT reads it to tell a replay.
KEY = f"submission AS ({RECORD}),"
WITH_ROSTER = """
WITH {key} plan AS ({planned}), roster AS ({roster})
SELECT {recorded}, plan.has_schedule, plan.slots, plan.blocked_reason, roster.*
FROM plan LEFT JOIN roster ON true
ORDER BY lower(roster.surname), lower(roster.first_names), roster.id
"""
WITHOUT_ROSTER = """
WITH {key} plan AS ({planned})
SELECT {recorded}, plan.has_schedule, plan.slots, plan.blocked_reason FROM plan
"""


def _statement(template: str, with_key: bool) -> str:
    return template.format(
        key=KEY if with_key else "",
        recorded="(SELECT count(*) FROM submission)" if with_key else "1",
        planned=PLANNED_ON,
        roster=ROSTER,
    )


STATEMENTS = {
    (with_roster, with_key): _statement(WITH_ROSTER if with_roster else WITHOUT_ROSTER, with_key)
    for with_roster in (True, False)
    for with_key in (True, False)
}


@dataclass(frozen=True)
class RecordingStart:
    has_schedule: bool
    planned: PlannedSession | None
    roster: list[RosterLearner]


def start_recording(
    *,
    klass: Class,
    session_date: datetime.date,
    submission: Submission | None,
    with_roster: bool,
) -> RecordingStart:
    """Record the submission's key (raising AlreadySubmitted or InvalidSubmission as
    record_submission does), then what recording the session needs to know: whether
    the class has a schedule, its planned session on the day, and (`with_roster`) the
    session's roster. Inside the caller's transaction, as its first statement."""
    if not db.hand_written_sql(connection):
        record_submission(submission)
        has_schedule, planned = planned_session_on(klass.pk, session_date)
        learners = roster(klass, session_date) if with_roster else []
        return RecordingStart(has_schedule, planned, learners)
    params: dict[str, Any] = {
        "class_id": klass.pk,
        "programme_id": klass.programme_id,
        "day": session_date,
    }
    if submission is not None:
        params |= record_parameters(submission)
    with db.statement_cursor(connection) as cursor:
        cursor.execute(STATEMENTS[(with_roster, submission is not None)], params)
        rows = cursor.fetchall()
    recorded, has_schedule, slots, reason = rows[0][:4]
    if submission is not None:
        check_recorded(submission, recorded=recorded > 0)
    # No one enrolled: the one row of the plan, with the roster's columns empty.
    found = [row[4:] for row in rows if row[4] is not None] if with_roster else []
    learners = roster_learners(found)
    return RecordingStart(*planned_from_row(session_date, has_schedule, slots, reason), learners)
