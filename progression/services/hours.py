"""Hours into the ledger: logging, reversing and correcting hours-log rows.

`ProgressionService.log_hours` (and its batch form) is the only way hours enter the
ledger: every call appends hours-log rows and moves the progression totals by exactly
the same amounts, in one transaction, so that a progression's totals always equal the
sums of its log (DESIGN rule 10).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, NoReturn

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import Case, DecimalField, F, Value, When
from django.utils import timezone
from django.utils.formats import date_format

from attendance_project import db
from learners.models import Learner
from progression.models import (
    MAX_HOURS_PER_LOG_ROW,
    MAX_HOURS_PER_SESSION,
    HoursLog,
    LearningProgramme,
    Progression,
)
from progression.selectors import progressions_in_progress_on
from progression.services.errors import InvalidHours, NoInProgressProgression
from progression.services.hours_sql import LOG_BATCHES
from progression.services.status import start_progression

NO_IN_PROGRESS_PROGRESSION = "{learner} has no learning programme in progress."
NO_PROGRESSION_ON_SESSION_DATE = (
    "{learner} had no progression in progress on {programme} on {date}."
)
INVALID_HOURS = "Hours {field} for {learner} must be a number with at most two decimals."
NEGATIVE_HOURS = "Hours {field} for {learner} cannot be negative."
HOURS_TOO_LARGE = "Hours {field} for {learner} cannot be more than {limit}."
PRESENT_EXCEEDS_TRAINED = (
    "Hours present for {learner} ({present}) cannot be more than hours trained ({trained})."
)
# A programming error, not a user's: raised as TypeError.
SESSION_FACTS_NEEDED = (
    "Hours from session {session_id} need the session's date, class and LP: pass "
    "session=SessionFacts(...). Progression does not look sessions up (DESIGN §5)."
)
UNKNOWN_SOURCE = "Unknown hours source {source!r}."
DUPLICATE_LEARNER = "{learner} is listed more than once."
EMPTY_BATCH = "There are no hours to log."
REASON_REQUIRED = "A reason is required to change logged hours."
UNKNOWN_ROW = "Hours log entry {row_id} does not exist."
NOT_REVERSIBLE = "Hours log entry {row_id} was already reversed, or is itself a reversal."
# Hours not from a session are dated by whoever logs them: on a day the progression
# was running, never in the future (the site's local date) nor before it started.
HOURS_IN_FUTURE = "Hours for {learner} cannot be logged for {date}: that is in the future."
HOURS_BEFORE_START = (
    "Hours for {learner} cannot be logged for {date}: that is before {programme} started ({start})."
)

TWO_PLACES = Decimal("0.01")
HOURS_LOG_FIELDS = [field.attname for field in HoursLog._meta.concrete_fields]


@dataclass(frozen=True)
class HoursEntry:
    """One learner's hours in a batch."""

    learner_id: int
    hours_trained: Decimal | int | float | str
    hours_present: Decimal | int | float | str
    notes: str | None = None


@dataclass(frozen=True)
class SessionFacts:
    """The session a batch of hours comes from, as its caller (the classes app, which
    owns sessions) knows it: the ledger rows are dated on its date, carry its class,
    and go to the progressions on its class's LP. Progression never reads sessions
    itself (DESIGN §5)."""

    session_id: int
    session_date: datetime.date
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
        created_by: User | int | None = None,
        *,
        session: SessionFacts | None = None,
    ) -> HoursLog:
        """Credit hours to the learner's in-progress progression and log them.

        The call shape is the legacy one (DESIGN rule 11); `session_id` and
        `created_by` came later and default to None, so older callers keep working
        and store NULL in both. Hours from a session come with its facts
        (`session=`, keyword only, last): a `session_id` alone is refused with a
        TypeError, as progression cannot look the session up; given with
        `session`, it must be that session's.
        """
        if session_id is not None and (session is None or session.session_id != session_id):
            raise TypeError(SESSION_FACTS_NEEDED.format(session_id=session_id))
        learner_id = learner.pk if isinstance(learner, Learner) else learner
        (row,) = cls.log_hours_batch(
            entries=[HoursEntry(learner_id, hours_trained, hours_present, notes)],
            source=source,
            session=session,
            created_by=created_by,
        )
        return row

    @classmethod
    def log_hours_batch(
        cls,
        *,
        entries: Sequence[HoursEntry],
        source: str = HoursLog.Source.MANUAL,
        session: SessionFacts | None = None,
        created_by: User | int | None = None,
        log_date: datetime.date | None = None,
    ) -> list[HoursLog]:
        """Log hours for several learners at once, with a fixed number of queries.

        With a session (its facts, passed by the caller), each learner's hours go to
        their progression on the session's class's LP that was in progress on the
        session date (DESIGN rule 8; on hold or completed since is fine) and are
        dated on the session date. Without one, to their progression in progress now,
        dated `log_date` (default: today, local time), which can be neither in the
        future nor before that progression started.
        All or nothing: any invalid entry raises ProgressionError and writes nothing.
        """
        rows = _log_hours_batch(entries, source, session, created_by, log_date, with_rows=True)
        assert rows is not None
        return rows

    @classmethod
    def credit_hours_batch(
        cls,
        *,
        entries: Sequence[HoursEntry],
        source: str = HoursLog.Source.MANUAL,
        session: SessionFacts | None = None,
        created_by: User | int | None = None,
        log_date: datetime.date | None = None,
    ) -> None:
        """`log_hours_batch` for a caller that does not use the rows it returns (the
        capture): the same rules, checks, locks, writes and refusals, in the same one
        statement, without reading the rows back or building them (issue 11)."""
        _log_hours_batch(entries, source, session, created_by, log_date, with_rows=False)

    @classmethod
    def reverse_hours(
        cls,
        *,
        row_ids: Sequence[int],
        reason: str,
        created_by: User | int | None,
    ) -> list[HoursLog]:
        """Cancel ledger rows by appending their negatives; the rows themselves stay.

        DESIGN rule 9: history is never edited. Each reversal row points at the row
        it cancels (`reverses`), carries the reason in its notes and moves the
        progression's totals back by exactly the row's hours.
        """
        return cls._amend(row_ids=row_ids, new_hours={}, reason=reason, created_by=created_by)

    @classmethod
    def correct_hours(
        cls,
        *,
        new_hours: Mapping[int, tuple[Decimal, Decimal]],
        reason: str,
        created_by: User | int | None,
    ) -> list[HoursLog]:
        """Replace ledger rows' hours: a reversal of each row plus a row with the new
        (trained, present) hours, on the same progression, session and date."""
        return cls._amend(
            row_ids=list(new_hours), new_hours=new_hours, reason=reason, created_by=created_by
        )

    @classmethod
    def _amend(cls, *, row_ids, new_hours, reason, created_by) -> list[HoursLog]:
        # NUL cannot be stored in PostgreSQL text; no person types one.
        reason = (reason or "").replace("\x00", "").strip()
        if not reason:
            raise InvalidHours(REASON_REQUIRED)
        if not row_ids:
            return []
        created_by_id = getattr(created_by, "pk", created_by)
        with transaction.atomic():
            # Lock the affected progressions first: a concurrent correction of the same
            # rows then waits here and afterwards sees that they are already reversed.
            list(
                Progression.objects.select_for_update()
                .filter(pk__in=HoursLog.objects.filter(pk__in=row_ids).values("progression_id"))
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            rows = {row.pk: row for row in HoursLog.objects.filter(pk__in=row_ids)}
            for row_id in row_ids:
                if row_id not in rows:
                    raise InvalidHours(UNKNOWN_ROW.format(row_id=row_id))
            spent = set(
                HoursLog.objects.filter(reverses_id__in=row_ids).values_list(
                    "reverses_id", flat=True
                )
            ) | {pk for pk, row in rows.items() if row.reverses_id is not None}
            if spent:
                raise InvalidHours(NOT_REVERSIBLE.format(row_id=min(spent)))
            new_rows = []
            deltas: dict[int, tuple[Decimal, Decimal]] = {}
            for row_id in row_ids:
                row = rows[row_id]
                entries = [(-row.hours_trained, -row.hours_present, row_id)]
                if row_id in new_hours:
                    trained, present = _checked_hours(
                        HoursEntry(row.learner_id, *new_hours[row_id]), MAX_HOURS_PER_LOG_ROW
                    )
                    entries.append((trained, present, None))
                for trained, present, reverses_id in entries:
                    new_rows.append(_copy(row, trained, present, reverses_id))
                    new_rows[-1].created_by_id, new_rows[-1].notes = created_by_id, reason
                    old = deltas.get(row.progression_id, (Decimal("0"), Decimal("0")))
                    deltas[row.progression_id] = (old[0] + trained, old[1] + present)
            created = HoursLog.objects.bulk_create(new_rows)
            _add_to_totals(deltas)
        return created

    # Starting a progression changes statuses, not hours; it lives with the other
    # status changes and stays reachable here, where callers have always found it.
    start_progression = staticmethod(start_progression)


def _log_hours_batch(
    entries: Sequence[HoursEntry],
    source: str,
    session: SessionFacts | None,
    created_by: User | int | None,
    log_date: datetime.date | None,
    *,
    with_rows: bool,
) -> list[HoursLog] | None:
    """log_hours_batch and credit_hours_batch: the one implementation; the rows are
    returned `with_rows`, else None (on PostgreSQL not even read back)."""
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
    max_hours = MAX_HOURS_PER_SESSION if session is not None else MAX_HOURS_PER_LOG_ROW
    amounts = _checked_amounts(entries, max_hours)
    created_by_id = created_by.pk if isinstance(created_by, User) else created_by
    if session is None:
        # "Today" is the site's day (TIME_ZONE), as for sessions.
        log_date = log_date or timezone.localdate()
        if log_date > timezone.localdate():
            first = learner_ids[0]
            raise InvalidHours(
                HOURS_IN_FUTURE.format(learner=_learner_name(first), date=date_format(log_date)),
                learner_id=first,
            )

    if db.hand_written_sql(connection):
        return _log_batch_in_one_statement(
            entries, amounts, source, session, created_by_id, log_date, with_rows
        )
    with transaction.atomic():
        progressions, day, class_id = _locked_progressions(learner_ids, session, log_date)
        rows = HoursLog.objects.bulk_create(
            [
                HoursLog(
                    learner_id=entry.learner_id,
                    programme_id=progression.programme_id,
                    klass_id=class_id or progression.klass_id,
                    progression_id=progression.pk,
                    log_date=day,
                    hours_trained=amounts[entry.learner_id][0],
                    hours_present=amounts[entry.learner_id][1],
                    source=source,
                    session_id=session.session_id if session is not None else None,
                    created_by_id=created_by_id,
                    notes=entry.notes or "",
                )
                for entry in entries
                for progression in [progressions[entry.learner_id]]
            ]
        )
        _add_to_totals({progressions[lid].pk: amounts[lid] for lid in learner_ids})
    return rows if with_rows else None


def _checked_amounts(
    entries: Sequence[HoursEntry], max_hours: Decimal
) -> dict[int, tuple[Decimal, Decimal]]:
    """Each learner's checked (trained, present), in the entries' order; the first
    invalid entry raises. A class's entries share a handful of values (3 hours, 0,
    1.5): each distinct pair is checked once (the values' types are part of the key,
    so that True is not taken for 1)."""
    checked: dict[tuple, tuple[Decimal, Decimal]] = {}
    amounts = {}
    for entry in entries:
        trained, present = entry.hours_trained, entry.hours_present
        key = (type(trained), trained, type(present), present)
        amount = checked.get(key)
        if amount is None:
            amount = checked[key] = _checked_hours(entry, max_hours)
        amounts[entry.learner_id] = amount
    return amounts


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


def _copy(row: HoursLog, trained: Decimal, present: Decimal, reverses_id: int | None) -> HoursLog:
    """A new ledger row for the same learner, progression, session and date as `row`."""
    return HoursLog(
        learner_id=row.learner_id,
        programme_id=row.programme_id,
        klass_id=row.klass_id,
        progression_id=row.progression_id,
        log_date=row.log_date,
        hours_trained=trained,
        hours_present=present,
        source=row.source,
        session_id=row.session_id,
        reverses_id=reverses_id,
    )


def _log_batch_in_one_statement(
    entries: Sequence[HoursEntry],
    amounts: dict[int, tuple[Decimal, Decimal]],
    source: str,
    session: SessionFacts | None,
    created_by_id: int | None,
    log_date: datetime.date | None,
    with_rows: bool,
) -> list[HoursLog] | None:
    """log_hours_batch on PostgreSQL: progressions/services/hours_sql.py's one
    statement, then the refusal naming the first learner it could not credit (it
    wrote nothing then), as the ORM path below refuses. `with_rows`: the ledger rows
    read back and returned as the ORM would load them; else only whether it wrote."""
    learner_ids = [entry.learner_id for entry in entries]
    day = session.session_date if session is not None else log_date
    assert day is not None  # dated by the caller without a session
    params: dict[str, Any] = {
        # Array literals (attendance_project.db.array_literal): psycopg dumps a list
        # element by element in Python.
        "learners": db.array_literal(learner_ids),
        "trained": db.array_literal([amounts[pk][0] for pk in learner_ids]),
        "present": db.array_literal([amounts[pk][1] for pk in learner_ids]),
        "notes": db.array_literal([entry.notes or "" for entry in entries]),
        "programme_id": session.programme_id if session is not None else None,
        "day": day,
        "check_start": session is None,
        "class_id": session.class_id if session is not None else None,
        "source": source,
        "session_id": session.session_id if session is not None else None,
        "created_by": created_by_id,
        "now": timezone.now(),
    }
    statement = LOG_BATCHES[(session is not None, with_rows)]
    with db.statement_cursor(connection) as cursor:
        cursor.execute(statement, params)
        found_rows = cursor.fetchall()
    if not with_rows:
        if found_rows[0][0]:
            return None
        # Nothing written: each learner's choice (if any), to name who has none.
        _refuse(learner_ids, {row[1]: row[1:] for row in found_rows if row[1]}, session, day)
    found = {row[0]: row for row in found_rows}
    if not found_rows or found_rows[0][5] is None:
        _refuse(learner_ids, found, session, day)  # nothing written
    # The rows as the database holds them, as the ORM would load them.
    session_id = session.session_id if session is not None else None
    values = []
    for entry in entries:
        learner_id = entry.learner_id
        _, progression_id, programme_id, class_id, _, row_id, created_at = found[learner_id]
        trained, present = amounts[learner_id]
        row = {
            "id": row_id,
            "learner_id": learner_id,
            "programme_id": programme_id,
            "klass_id": class_id,
            "progression_id": progression_id,
            "log_date": day,
            "hours_trained": trained,
            "hours_present": present,
            "source": source,
            "session_id": session_id,
            "created_by_id": created_by_id,
            "reverses_id": None,
            "notes": entry.notes or "",
            "created_at": created_at,
        }
        values.append([row[field] for field in HOURS_LOG_FIELDS])
    return db.loaded(HoursLog, HOURS_LOG_FIELDS, values, connection.alias)


def _refuse(
    learner_ids: list[int], found: dict, session: SessionFacts | None, day: datetime.date
) -> NoReturn:
    """The refusal of a batch the statement did not write: the first learner without
    a progression to credit, or (hours without a session) whose progression started
    after the hours' date. `found`: each learner's choice, by learner."""
    for learner_id in learner_ids:
        if learner_id not in found:
            if session is not None:
                raise _no_progression_on_session_date(learner_id, session)
            raise NoInProgressProgression(
                NO_IN_PROGRESS_PROGRESSION.format(learner=_learner_name(learner_id)),
                learner_id=learner_id,
            )
        _, progression_id, programme_id, _, start_date, *_ = found[learner_id]
        if session is None:
            _check_started_by(
                Progression(
                    pk=progression_id,
                    learner_id=learner_id,
                    programme_id=programme_id,
                    start_date=start_date,
                ),
                day,
            )
    raise AssertionError("the ledger batch wrote nothing, and every learner may be credited")


def _locked_progressions(
    learner_ids: list[int], session: SessionFacts | None, log_date: datetime.date | None
) -> tuple[dict[int, Progression], datetime.date, int | None]:
    """Each learner's progression that the hours go to, locked in id order (two batches
    over overlapping learners cannot deadlock; without the lock two concurrent calls
    could both add to the totals they read), with the ledger rows' date and class.
    Raises NoInProgressProgression naming the first learner without one."""
    if session is not None:
        day, class_id = session.session_date, session.class_id
        # DESIGN rule 8: the progression on the class's LP that was in progress
        # on the session date, even if it is on hold or completed by now.
        progressions = progressions_in_progress_on(
            learner_ids=learner_ids,
            programme_id=session.programme_id,
            day=day,
            lock=True,
        )
        for learner_id in learner_ids:
            if learner_id not in progressions:
                raise _no_progression_on_session_date(learner_id, session)
    else:
        # (The caller has dated hours without a session already: today by default.)
        day, class_id = log_date or timezone.localdate(), None
        progressions = {
            p.learner_id: p
            for p in Progression.objects.select_for_update(of=("self",))
            .filter(learner_id__in=learner_ids, status=Progression.Status.IN_PROGRESS)
            # Only what the ledger rows need: fewer columns to read and convert.
            .only("pk", "learner_id", "programme_id", "klass_id", "start_date")
            .order_by("pk")
        }
        for learner_id in learner_ids:
            if learner_id not in progressions:
                raise NoInProgressProgression(
                    NO_IN_PROGRESS_PROGRESSION.format(learner=_learner_name(learner_id)),
                    learner_id=learner_id,
                )
            _check_started_by(progressions[learner_id], day)
    return progressions, day, class_id


def _no_progression_on_session_date(
    learner_id: int, session: SessionFacts
) -> NoInProgressProgression:
    programme = LearningProgramme.objects.get(pk=session.programme_id)
    return NoInProgressProgression(
        NO_PROGRESSION_ON_SESSION_DATE.format(
            learner=_learner_name(learner_id),
            programme=programme,
            date=date_format(session.session_date),
        ),
        learner_id=learner_id,
    )


def _check_started_by(progression: Progression, day: datetime.date) -> None:
    """Hours dated before the progression started would count in its totals while
    falling outside every dated report of it."""
    if day < progression.start_date:
        programme = LearningProgramme.objects.get(pk=progression.programme_id)
        raise InvalidHours(
            HOURS_BEFORE_START.format(
                learner=_learner_name(progression.learner_id),
                date=date_format(day),
                programme=programme,
                start=date_format(progression.start_date),
            ),
            learner_id=progression.learner_id,
        )


# One statement for any number of progressions. The ORM spelling (a CASE with a WHEN
# per progression, kept below for SQLite, which `make run` uses) cost about a third of
# a 30-learner capture on PostgreSQL, nearly all of it building the expression in
# Python (bench/HISTORY.md, issue 6).
ADD_TO_TOTALS = """
UPDATE {table} AS p
SET hours_trained = p.hours_trained + d.trained,
    hours_present = p.hours_present + d.present,
    updated_at = %s
FROM unnest(%s::bigint[], %s::numeric[], %s::numeric[]) AS d(id, trained, present)
WHERE p.id = d.id
"""


def _add_to_totals(amounts: dict[int, tuple[Decimal, Decimal]]) -> None:
    """Add (trained, present) to each progression's totals in one UPDATE.

    The callers hold the progressions' row locks (taken in id order), so this cannot
    deadlock with another batch.
    """
    now = timezone.now()
    if connection.vendor != "postgresql":
        hours: DecimalField = DecimalField(max_digits=10, decimal_places=2)

        def delta(index: int) -> Case:
            whens = (When(pk=pk, then=Value(pair[index])) for pk, pair in amounts.items())
            return Case(*whens, output_field=hours)

        Progression.objects.filter(pk__in=amounts).update(
            hours_trained=F("hours_trained") + delta(0),
            hours_present=F("hours_present") + delta(1),
            updated_at=now,
        )
        return
    ids = list(amounts)
    with connection.cursor() as cursor:
        cursor.execute(
            ADD_TO_TOTALS.format(table=connection.ops.quote_name(Progression._meta.db_table)),
            [now, ids, [amounts[pk][0] for pk in ids], [amounts[pk][1] for pk in ids]],
        )


def _learner_name(learner_id: int) -> str:
    learner = Learner.objects.filter(pk=learner_id).only("first_names", "surname").first()
    return str(learner) if learner is not None else f"Learner {learner_id}"
