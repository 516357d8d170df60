"""Manual hours: an office admin credits hours by hand (a catch-up lesson outside the
schedule, training given before the learner was on the system).

The entry goes through `ProgressionService.log_hours_batch` like every other hour.
What is particular to a form typed by a person: the form's one-time key is recorded
in the same transaction (a double click or a re-sent request writes once), and an
entry identical to a live one already in the ledger (same learner, date and hours)
is only written once the admin confirms it is another lesson: two admins, or one in
two tabs, typing the same lesson would otherwise credit it twice.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from learners.models import Learner
from progression.models import HoursLog, Progression
from progression.services.errors import ProgressionError
from progression.services.hours import HoursEntry, ProgressionService
from submissions.keys import Submission, record_submission

SAME_ENTRY_LOGGED = (
    "The same entry ({present} of {trained} hours for {learner} on {date}) was logged "
    "by {who} at {when}. If this is another lesson, tick “log it again” and save."
)


class SameEntryLogged(ProgressionError):
    """An identical live manual entry exists; the admin must confirm a second one."""


def log_manual_hours(
    *,
    learner: Learner,
    log_date: datetime.date,
    hours_trained: Decimal,
    hours_present: Decimal,
    notes: str,
    created_by: User,
    submission: Submission | None = None,
    same_entry_confirmed: bool = False,
) -> HoursLog:
    """Credit one manual entry to the learner's programme in progress, once."""
    with transaction.atomic():
        record_submission(submission)
        # The lock log_hours_batch takes anyway, taken first: two forms with the same
        # entry run one after the other, and the second sees the first's row below.
        Progression.objects.select_for_update().filter(
            learner_id=learner.pk, status=Progression.Status.IN_PROGRESS
        ).first()
        if not same_entry_confirmed:
            _refuse_same_entry(learner, log_date, hours_trained, hours_present)
        (row,) = ProgressionService.log_hours_batch(
            entries=[HoursEntry(learner.pk, hours_trained, hours_present, notes)],
            source=HoursLog.Source.MANUAL,
            created_by=created_by,
            log_date=log_date,
        )
    return row


def _refuse_same_entry(
    learner: Learner, log_date: datetime.date, trained: Decimal, present: Decimal
) -> None:
    same = (
        HoursLog.objects.filter(
            learner_id=learner.pk,
            log_date=log_date,
            source=HoursLog.Source.MANUAL,
            hours_trained=trained,
            hours_present=present,
            # Live rows only: an entry reversed since does not count twice.
            reverses__isnull=True,
            reversal__isnull=True,
        )
        .select_related("created_by")
        .order_by("-id")
        .first()
    )
    if same is None:
        return
    user = same.created_by
    who = (user.get_full_name() or user.get_username()) if user is not None else "a legacy import"
    raise SameEntryLogged(
        SAME_ENTRY_LOGGED.format(
            present=f"{present.normalize():f}",
            trained=f"{trained.normalize():f}",
            learner=learner,
            date=date_format(log_date),
            who=who,
            when=date_format(timezone.localtime(same.created_at), "DATETIME_FORMAT"),
        ),
        learner_id=learner.pk,
    )
