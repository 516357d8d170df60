"""Writes to progressions and the hours log.

`ProgressionService.log_hours` (and its batch form) is the only way hours enter the
ledger: every call appends hours-log rows and moves the progression totals by exactly
the same amounts, in one transaction, so that a progression's totals always equal the
sums of its log (DESIGN rule 10).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Case, DecimalField, F, Value, When
from django.utils import timezone

from learners.models import Learner
from progression.models import (
    MAX_HOURS_PER_LOG_ROW,
    MAX_HOURS_PER_SESSION,
    HoursLog,
    LearningProgramme,
    Progression,
)

NO_IN_PROGRESS_PROGRESSION = "{learner} has no learning programme in progress."
WRONG_PROGRAMME = "{learner} has no progression in progress on {programme}."
INVALID_HOURS = "Hours {field} for {learner} must be a number with at most two decimals."
NEGATIVE_HOURS = "Hours {field} for {learner} cannot be negative."
HOURS_TOO_LARGE = "Hours {field} for {learner} cannot be more than {limit}."
PRESENT_EXCEEDS_TRAINED = (
    "Hours present for {learner} ({present}) cannot be more than hours trained ({trained})."
)
UNKNOWN_SESSION = "Session {session_id} does not exist."
UNKNOWN_SOURCE = "Unknown hours source {source!r}."
DUPLICATE_LEARNER = "{learner} is listed more than once."
EMPTY_BATCH = "There are no hours to log."

PUT_ON_HOLD_NOTE = "Put on hold on {date}: started {programme}{in_class}."

TWO_PLACES = Decimal("0.01")


class ProgressionError(Exception):
    """A rule of the hours ledger was broken; nothing was written.

    `learner_id` names the learner the message is about, when there is one.
    """

    def __init__(self, message: str, *, learner_id: int | None = None):
        super().__init__(message)
        self.message = message
        self.learner_id = learner_id


class NoInProgressProgression(ProgressionError):
    pass


class InvalidHours(ProgressionError):
    pass


class UnknownSession(ProgressionError):
    pass


@dataclass(frozen=True)
class HoursEntry:
    """One learner's hours in a batch."""

    learner_id: int
    hours_trained: Decimal | int | float | str
    hours_present: Decimal | int | float | str
    notes: str | None = None


@dataclass(frozen=True)
class _SessionFacts:
    log_date: datetime.date
    class_id: int
    programme_id: int


class ProgressionService:
    @classmethod
    def log_hours(
        cls,
        learner: Learner | int,
        hours_trained: Decimal | int | float | str,
        hours_present: Decimal | int | float | str,
        source: str = HoursLog.Source.MANUAL,
        notes: str | None = None,
        session_id: int | None = None,
        created_by: AbstractBaseUser | int | None = None,
    ) -> HoursLog:
        """Credit hours to the learner's in-progress progression and log them.

        The call shape is the legacy one; `session_id` and `created_by` came later
        and default to None, so older callers keep working and store NULL in both.
        """
        learner_id = learner.pk if isinstance(learner, Learner) else learner
        (row,) = cls.log_hours_batch(
            entries=[HoursEntry(learner_id, hours_trained, hours_present, notes)],
            source=source,
            session_id=session_id,
            created_by=created_by,
        )
        return row

    @classmethod
    def log_hours_batch(
        cls,
        *,
        entries: Sequence[HoursEntry],
        source: str = HoursLog.Source.MANUAL,
        session_id: int | None = None,
        created_by: AbstractBaseUser | int | None = None,
        log_date: datetime.date | None = None,
    ) -> list[HoursLog]:
        """Log hours for several learners at once, with a fixed number of queries.

        With a session, each learner's hours go to their in-progress progression on
        the session's class's LP and are dated on the session date; without one, to
        their in-progress progression, dated `log_date` (default: today, local time).
        All or nothing: any invalid entry raises ProgressionError and writes nothing.
        """
        if source not in HoursLog.Source.values:
            raise InvalidHours(UNKNOWN_SOURCE.format(source=source))
        if not entries:
            raise InvalidHours(EMPTY_BATCH)
        learner_ids = [entry.learner_id for entry in entries]
        if len(set(learner_ids)) != len(learner_ids):
            duplicate = next(i for i in learner_ids if learner_ids.count(i) > 1)
            raise InvalidHours(
                DUPLICATE_LEARNER.format(learner=_learner_name(duplicate)), learner_id=duplicate
            )
        max_hours = MAX_HOURS_PER_SESSION if session_id is not None else MAX_HOURS_PER_LOG_ROW
        amounts = {entry.learner_id: _checked_hours(entry, max_hours) for entry in entries}
        created_by_id = getattr(created_by, "pk", created_by)

        with transaction.atomic():
            session = _session_facts(session_id) if session_id is not None else None
            # Lock the progressions we are about to change, in id order so that two
            # batches over overlapping learners cannot deadlock: without the lock two
            # concurrent calls could both add to the totals they read.
            progressions = {
                p.learner_id: p
                for p in Progression.objects.select_for_update(of=("self",))
                .filter(learner_id__in=learner_ids, status=Progression.Status.IN_PROGRESS)
                .order_by("pk")
            }
            for learner_id in learner_ids:
                _check_progression(progressions.get(learner_id), learner_id, session)

            if session is not None:
                day, class_id = session.log_date, session.class_id
            else:
                day, class_id = log_date or timezone.localdate(), None
            rows = HoursLog.objects.bulk_create(
                [
                    HoursLog(
                        learner_id=entry.learner_id,
                        programme_id=progression.programme_id,
                        klass_id=class_id or progression.klass_id,
                        tracking_id=progression.pk,
                        log_date=day,
                        hours_trained=amounts[entry.learner_id][0],
                        hours_present=amounts[entry.learner_id][1],
                        source=source,
                        session_id=session_id,
                        created_by_id=created_by_id,
                        notes=entry.notes or "",
                    )
                    for entry in entries
                    for progression in [progressions[entry.learner_id]]
                ]
            )
            _add_to_totals({progressions[lid].pk: amounts[lid] for lid in learner_ids})
        return rows

    @staticmethod
    def start_progression(
        *,
        learner: Learner,
        programme: LearningProgramme,
        start_date: datetime.date,
        klass=None,
    ) -> Progression:
        """Start (or continue) the learner's progression on `programme`.

        An in-progress progression on the same LP is kept: hours continue to count
        towards it. One on a different LP is put on hold with a note saying why, so
        that the one-in-progress rule holds and nothing is silently dropped.
        """
        with transaction.atomic():
            # Serialise progression changes per learner: two enrolments of the same
            # learner at once would otherwise both see no in-progress progression.
            Learner.objects.select_for_update().filter(pk=learner.pk).first()
            current = Progression.objects.filter(
                learner=learner, status=Progression.Status.IN_PROGRESS
            ).first()
            if current is not None and current.programme_id == programme.pk:
                return current
            if current is not None:
                in_class = f" in class {klass}" if klass is not None else ""
                note = PUT_ON_HOLD_NOTE.format(
                    date=start_date.isoformat(), programme=programme, in_class=in_class
                )
                current.status = Progression.Status.ON_HOLD
                current.notes = f"{current.notes}\n{note}".strip()
                current.save(update_fields=["status", "notes", "updated_at"])
            return Progression.objects.create(
                learner=learner, programme=programme, klass=klass, start_date=start_date
            )


def _checked_hours(entry: HoursEntry, max_hours: Decimal) -> tuple[Decimal, Decimal]:
    def reject(template: str, **values) -> InvalidHours:
        # Only the error path pays for the learner's name.
        learner = _learner_name(entry.learner_id)
        return InvalidHours(template.format(learner=learner, **values), learner_id=entry.learner_id)

    checked = []
    for field, raw in (("trained", entry.hours_trained), ("present", entry.hours_present)):
        try:
            value = Decimal(str(raw))
        except (InvalidOperation, ValueError):
            raise reject(INVALID_HOURS, field=field) from None
        if not value.is_finite() or value != value.quantize(TWO_PLACES):
            raise reject(INVALID_HOURS, field=field)
        if value < 0:
            raise reject(NEGATIVE_HOURS, field=field)
        if value > max_hours:
            raise reject(HOURS_TOO_LARGE, field=field, limit=max_hours)
        checked.append(value.quantize(TWO_PLACES))
    trained, present = checked
    if present > trained:
        raise reject(PRESENT_EXCEEDS_TRAINED, present=present, trained=trained)
    return trained, present


def _session_facts(session_id: int) -> _SessionFacts:
    # The session model belongs to the classes app, which sits above this one; reach
    # it through the ledger's foreign key instead of importing it.
    session_model = HoursLog._meta.get_field("session").related_model
    row = (
        session_model._default_manager.filter(pk=session_id)
        .values_list("session_date", "klass_id", "klass__programme_id")
        .first()
    )
    if row is None:
        raise UnknownSession(UNKNOWN_SESSION.format(session_id=session_id))
    return _SessionFacts(*row)


def _check_progression(
    progression: Progression | None, learner_id: int, session: _SessionFacts | None
) -> None:
    if progression is None:
        raise NoInProgressProgression(
            NO_IN_PROGRESS_PROGRESSION.format(learner=_learner_name(learner_id)),
            learner_id=learner_id,
        )
    if session is not None and progression.programme_id != session.programme_id:
        programme = LearningProgramme.objects.get(pk=session.programme_id)
        raise NoInProgressProgression(
            WRONG_PROGRAMME.format(learner=_learner_name(learner_id), programme=programme),
            learner_id=learner_id,
        )


def _add_to_totals(amounts: dict[int, tuple[Decimal, Decimal]]) -> None:
    """Add (trained, present) to each progression's totals in one UPDATE."""
    hours = DecimalField(max_digits=10, decimal_places=2)

    def delta(index: int) -> Case:
        return Case(
            *(When(pk=pk, then=Value(pair[index])) for pk, pair in amounts.items()),
            output_field=hours,
        )

    Progression.objects.filter(pk__in=amounts).update(
        hours_trained=F("hours_trained") + delta(0),
        hours_present=F("hours_present") + delta(1),
        updated_at=timezone.now(),
    )


def _learner_name(learner_id: int) -> str:
    learner = Learner.objects.filter(pk=learner_id).only("first_names", "surname").first()
    return str(learner) if learner is not None else f"Learner {learner_id}"
