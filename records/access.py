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
LISTED = "name and ID or passport number, in the learners' list"
MONTHLY = "name, race and gender, in the class monthly report"
NOT_READY = "name and what keeps the record from being ready (funder files page)"
SETMIS_PERSON = "SETMIS person file: identity numbers, names, codes, ratings, POPI status"
SETMIS_ENROLMENT = "SETMIS enrolment file: identity numbers, programme, dates"
SETMIS_BOTH = "SETMIS person and enrolment files (zip)"
SUBJECT_ACCESS_FILE = "everything held about the learner"
ANONYMISED_FIELDS = "names, identity numbers, date of birth, language, area, ratings, remarks"


def log_access(
    learners: QuerySet | Iterable[int],
    *,
    action: str,
    what: str,
    page: str,
    user: User | None = None,
    by: str | None = None,
) -> int:
    """One access-log row per learner, in one statement; the number written.

    `learners`: ids, or a queryset's `learner_id` column (read where the queryset
    reads: the reports' replica). On PostgreSQL the rows go in as one INSERT ...
    SELECT unnest, so an export of every learner (40,000 at the bench's scale) costs
    one statement and no model instances. `by`: who, when no user (a command).
    Also learners.access's writer, for the apps below records."""
    if isinstance(learners, QuerySet):
        ids = list(learners.order_by().values_list("learner_id", flat=True).distinct())
    else:
        ids = sorted(set(learners))
    who = by or (user.get_username() if user is not None else "")
    connection = connections["default"]
    if not ids:
        return 0
    if connection.vendor != "postgresql":
        AccessLog.objects.bulk_create(
            AccessLog(learner_id=pk, user=user, by=who, action=action, what=what, page=page[:300])
            for pk in ids
        )
        return len(ids)
    with connection.cursor() as cursor:
        cursor.execute(
            'INSERT INTO learner_access_log (learner_id, user_id, "by", action, what, page)'
            " SELECT chosen, %s, %s, %s, %s, %s FROM unnest(%s::bigint[]) chosen",
            [user.pk if user is not None else None, who, action, what, page[:300], ids],
        )
        return cursor.rowcount
