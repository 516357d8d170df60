"""Which learners go into the funders' files (issue 16): the progressions active in
a period (started by its end, not completed before its start, as the regulatory
export reads them), for a client, programme or class; each learner ready or not,
with every reason."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from learners.models import Learner
from learners.readiness import Problem, readiness
from progression.models import Progression

NO_SAQA_ID = "Learning programme {code}: no SAQA qualification ID (set it on the programme)."


@dataclass(frozen=True)
class Selection:
    start: datetime.date
    end: datetime.date
    client_id: int | None = None
    programme_id: int | None = None
    class_id: int | None = None


@dataclass
class FunderFiles:
    ready: list[Learner] = field(default_factory=list)
    progressions: list[Progression] = field(default_factory=list)
    not_ready: list[tuple[Learner, list[Problem]]] = field(default_factory=list)


def progressions_in(selection: Selection) -> QuerySet[Progression]:
    rows = Progression.objects.filter(
        Q(completion_date__isnull=True) | Q(completion_date__gte=selection.start),
        start_date__lte=selection.end,
    )
    if selection.client_id is not None:
        rows = rows.filter(klass__client_id=selection.client_id)
    if selection.programme_id is not None:
        rows = rows.filter(programme_id=selection.programme_id)
    if selection.class_id is not None:
        rows = rows.filter(klass_id=selection.class_id)
    return rows.select_related("learner", "programme").order_by(
        "learner__surname", "learner__first_names", "learner_id", "start_date", "id"
    )


def funder_files(selection: Selection, *, today: datetime.date) -> FunderFiles:
    """The ready learners and their progressions, and the others with their reasons."""
    progressions = list(progressions_in(selection))
    learners = {p.learner_id: p.learner for p in progressions}
    found = readiness(learners.values(), today=today)
    for p in progressions:
        if not p.programme.saqa_qualification_id:
            reason = Problem("programme", NO_SAQA_ID.format(code=p.programme.code))
            if reason not in found[p.learner_id]:
                found[p.learner_id].append(reason)
    result = FunderFiles()
    for pk, learner in learners.items():
        if found[pk]:
            result.not_ready.append((learner, found[pk]))
        else:
            result.ready.append(learner)
    ready_ids = {learner.pk for learner in result.ready}
    # One enrolment record per learner and qualification (the file's key): a learner
    # enrolled twice on one programme (re-enrolled after a break) is sent with the
    # latest start.
    latest: dict[tuple[int, str], Progression] = {}
    for p in sorted(progressions, key=lambda p: (p.start_date, p.pk)):
        if p.learner_id in ready_ids:
            latest[(p.learner_id, p.programme.saqa_qualification_id)] = p
    kept = {p.pk for p in latest.values()}
    result.progressions = [p for p in progressions if p.pk in kept]
    return result
