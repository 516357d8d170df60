"""The facilitator's view of a class's learners (issue 12, point 5): hours trained and
present, attendance, latest page, progress and the at-risk flag, each as
progression.progress defines it (the learner-progress report uses the same
definitions)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Lower

from classes.models import Class, Enrolment
from classes.selectors import latest_page_subquery
from classes.stored_plan import remaining_sessions
from progression.models import Progression
from progression.progress import (
    Projection,
    attendance_percent,
    page_percent,
    progress_shown,
    project,
)


@dataclass(frozen=True)
class ClassLearner:
    progression: Progression
    attendance: Decimal | None
    progress: Decimal | None
    page: Decimal | None
    projection: Projection | None  # None: not in progress, nothing to project
    enrolled: bool  # still enrolled in the class today

    @property
    def learner(self):
        return self.progression.learner

    @property
    def at_risk(self) -> bool:
        return self.projection is not None and self.projection.at_risk


def class_learners(*, klass: Class, today: datetime.date) -> list[ClassLearner]:
    """The learners whose programme was started in this class, by surname, in two
    queries whatever their number."""
    # One enrolment per learner and class (UNIQUE).
    enrolment_end = Enrolment.objects.filter(
        learner_id=OuterRef("learner_id"), klass_id=klass.pk
    ).values("end_date")[:1]
    progressions = (
        Progression.objects.filter(klass=klass)
        .select_related("learner", "programme")
        .annotate(latest_page=latest_page_subquery(), enrolment_end=Subquery(enrolment_end))
        # Case-blind on both databases: "van der Merwe" before "Zulu".
        .order_by(
            Lower("learner__surname"), Lower("learner__first_names"), "learner_id", "start_date"
        )
    )
    remaining = remaining_sessions([klass.pk], today=today)[klass.pk]
    rows = []
    for progression in progressions:
        programme = progression.programme
        projection = None
        until = progression.enrolment_end
        if progression.status == Progression.Status.IN_PROGRESS:
            sessions = [s for s in remaining if until is None or s.date <= until]
            projection = project(
                hours_trained=progression.hours_trained,
                allocated=programme.subject_duration,
                remaining=sessions,
            )
        rows.append(
            ClassLearner(
                progression=progression,
                attendance=attendance_percent(progression.hours_present, progression.hours_trained),
                progress=progress_shown(progression.hours_trained, programme.subject_duration),
                page=page_percent(progression.latest_page, programme.total_pages),
                projection=projection,
                enrolled=until is None or until >= today,
            )
        )
    return rows
