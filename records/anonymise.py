"""Retention (POPIA s14, issue 16): learners with no activity for the retention
period lose their identity; their hours, progressions and the aggregates built on
them stay exactly as they are.

Activity is training, not office work: the learner's last attendance session, hours
log date, enrolment or progression date (the day they were added, if none). Kept for the
aggregates the funders and reports count: population group, gender, province, POPI
status. Removed: names, identity numbers, date of birth, home language,
citizenship, nationality, socio-economic status, area, functional-difficulty ratings,
and the free-text absence remarks and progression notes. The hours log is
append-only and holds no identity (its notes are the office's, about hours).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import DateField, F, Max, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Greatest, NullIf
from django.utils import timezone

from classes.models import Enrolment, LearnerAttendance
from learners.models import RATING_FIELDS, Learner
from learners.signals import learner_anonymised
from progression.models import HoursLog, Progression
from records import access
from records.models import AccessLog

ANONYMISED_FIRST_NAMES = "Anonymised"
REMOVED_REMARK = "Removed: learner anonymised"
CLEARED = (
    "alternate_id_type",
    "home_language_code",
    "citizen_status_code",
    "nationality_code",
    "socio_economic_code",
    "statssa_area_code",
    *RATING_FIELDS,
)


@dataclass(frozen=True)
class Inactive:
    learner: Learner
    last_activity: datetime.date


def _latest(queryset: QuerySet, column: str) -> Subquery:
    return Subquery(
        queryset.filter(learner_id=OuterRef("pk"))
        .order_by()
        .values("learner_id")
        .annotate(last=Max(column))
        .values("last")[:1],
        output_field=DateField(),
    )


# Below every real date: what an absent activity counts as (SQLite's MAX() of a NULL
# is NULL, PostgreSQL's GREATEST skips it; with this both agree).
NEVER = datetime.date(1900, 1, 1)


def with_last_activity(learners: QuerySet[Learner]) -> QuerySet[Learner]:
    """`last_activity`: the latest training date, or the day the learner was added
    when there is none (a record nobody enrolled)."""
    never = Value(NEVER, output_field=DateField())
    latest = Greatest(
        *(
            Coalesce(_latest(queryset, column), never)
            for queryset, column in (
                (LearnerAttendance.objects.all(), "session_date"),
                (HoursLog.objects.all(), "log_date"),
                (Enrolment.objects.all(), "start_date"),
                (Enrolment.objects.all(), "end_date"),
                (Progression.objects.all(), "start_date"),
                (Progression.objects.all(), "completion_date"),
            )
        )
    )
    return learners.annotate(
        last_activity=Coalesce(NullIf(latest, never), Cast(F("created_at"), DateField()))
    )


def cutoff(*, today: datetime.date, years: int) -> datetime.date:
    """The day `years` years before `today` (28 February for 29 February)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def inactive_learners(*, today: datetime.date, years: int) -> list[Inactive]:
    """Learners not yet anonymised whose last activity is before the cutoff."""
    before = cutoff(today=today, years=years)
    # Any: the stubs do not follow an annotation made in another function.
    annotated: Any = with_last_activity(Learner.objects.filter(anonymised_at__isnull=True))
    rows = annotated.filter(last_activity__lt=before).order_by("last_activity", "pk")
    return [Inactive(learner, learner.last_activity) for learner in rows]


def anonymise(*, learner_id: int, by: str, before: datetime.date) -> bool:
    """Remove the learner's identity (one transaction, the learner row locked);
    False when someone else did it meanwhile, or when the learner had activity since
    the list was made (a capture while the run went on): checked under the lock."""
    with transaction.atomic():
        learner = Learner.objects.select_for_update().get(pk=learner_id)
        if learner.anonymised_at is not None:
            return False
        still: Any = with_last_activity(Learner.objects.filter(pk=learner_id))
        if not still.filter(last_activity__lt=before).exists():
            return False
        old_name = str(learner)
        learner.first_names = ANONYMISED_FIRST_NAMES
        learner.surname = f"Learner {learner.pk}"
        learner.id_number = None
        learner.passport_number = None
        learner.birth_date = None
        for name in CLEARED:
            setattr(learner, name, "")
        learner.anonymised_at = timezone.now()
        learner.save()
        LearnerAttendance.objects.filter(learner=learner).exclude(absence_remark="").update(
            absence_remark=REMOVED_REMARK
        )
        Progression.objects.filter(learner=learner).exclude(notes="").update(notes="")
        # The admin's history of changes names the learner in each entry's title.
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Learner), object_id=str(learner.pk)
        ).update(object_repr=str(learner)[:200])
        # The apps above (the alerts) take the name out of their texts.
        learner_anonymised.send(sender=Learner, learner=learner, old_name=old_name)
        access.log_access(
            [learner.pk],
            action=AccessLog.Action.ANONYMISED,
            what=access.ANONYMISED_FIELDS,
            page="manage.py anonymise_learners",
            by=by,
        )
    return True
