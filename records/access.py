"""Writing the access log (POPIA, issue 16): one row per learner and view or export."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db import connections
from django.db.models import QuerySet

from records.models import AccessLog

# What each place shows, as the log words it.
NAMES_AND_HOURS = "names, employer, enrolments and hours"
SPECIAL = "ID numbers, population group, disability ratings, funder codes"
SETMIS_PERSON = "SETMIS person file: identity numbers, names, codes, ratings, POPI status"
SETMIS_ENROLMENT = "SETMIS enrolment file: identity numbers, programme, dates"
SUBJECT_ACCESS_FILE = "everything held about the learner"
ANONYMISED_FIELDS = "names, identity numbers, date of birth, language, area, ratings, remarks"


def log_access(
    *,
    learner_ids: Iterable[int],
    action: str,
    what: str,
    page: str,
    user: User | None = None,
    by: str | None = None,
) -> int:
    """One access-log row per learner (in one statement); the number written."""
    who = by or (user.get_username() if user is not None else "")
    rows = [
        AccessLog(learner_id=pk, user=user, by=who, action=action, what=what, page=page[:300])
        for pk in sorted(set(learner_ids))
    ]
    AccessLog.objects.bulk_create(rows)
    return len(rows)


def log_access_of(learners: QuerySet, *, action: str, what: str, page: str, user: User) -> int:
    """One access-log row per learner id the queryset's `learner_id` column lists, in
    one INSERT ... SELECT: an export of every learner (40,000 at the bench's scale)
    logs them without reading their ids into Python first."""
    sql, params = learners.order_by().values("learner_id").distinct().query.sql_with_params()
    connection = connections[learners.db]
    with connection.cursor() as cursor:
        cursor.execute(
            'INSERT INTO learner_access_log (learner_id, user_id, "by", action, what, page)'
            f" SELECT chosen.learner_id, %s, %s, %s, %s, %s FROM ({sql}) chosen",
            [user.pk, user.get_username(), action, what, page[:300], *params],
        )
        return cursor.rowcount
