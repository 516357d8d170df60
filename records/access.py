"""Writing the access log (POPIA, issue 16): one row per learner and view or export."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import User

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
