"""One-time submission keys: issued with a form, recorded once by the write it makes.

A key is a random UUID signed for one user and one purpose (say, capturing one
class's session on one date), so it cannot be forged, nor reused by another user or
on another form. It is recorded (`record_submission`) inside the transaction of the
write it belongs to: the UNIQUE key makes a second transaction with the same key wait
for the first and then find it, whichever server process or restart it comes from.
Nothing is stored when a form is shown; only a write leaves a row.
"""

from __future__ import annotations

import dataclasses
import datetime
import time
import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core import signing
from django.db import connection
from django.utils import timezone
from django.utils.formats import date_format

from attendance_project.errors import ServiceError
from submissions.models import FormSubmission

FIELD_NAME = "submission_key"

KEY_MISSING = (
    "This form was sent without its one-time key, so it was not saved. "
    "Reload the page and submit it again."
)
KEY_INVALID = (
    "This form's one-time key is not valid for you or for this form, so it was not "
    "saved. Reload the page and submit it again."
)
KEY_EXPIRED = (
    "This form was opened more than {days} days ago, so it was not saved. "
    "Reload the page and submit it again."
)
ALREADY_SUBMITTED = (
    "This form was already submitted by {who} at {when}; it was saved once, "
    "and this copy changed nothing."
)

_SALT = "submissions.key"


class InvalidSubmission(ServiceError):
    """The form's key is missing, forged, someone else's or too old: nothing written."""


class AlreadySubmitted(Exception):
    """A replay: the key was recorded by an earlier, successful submit."""

    def __init__(self, record: FormSubmission):
        self.outcome_url = record.outcome_url
        user = record.submitted_by
        self.message = ALREADY_SUBMITTED.format(
            who=user.get_full_name() or user.get_username(),
            when=date_format(timezone.localtime(record.submitted_at), "DATETIME_FORMAT"),
        )
        super().__init__(self.message)


@dataclasses.dataclass(frozen=True)
class Submission:
    """A submit's verified key, for the service that writes to record."""

    key: uuid.UUID
    purpose: str
    user_id: int
    issued_at: float
    # Where the outcome is shown: a replay is redirected there.
    outcome_url: str

    def for_item(self, item: object) -> Submission:
        """The key of one item of a form that writes several (an admin action on
        several rows, each in its own transaction): derived, so a replay of the form
        meets every item it already did."""
        return dataclasses.replace(self, key=uuid.uuid5(self.key, str(item)))


def _signer(*, user: AbstractBaseUser, purpose: str) -> signing.Signer:
    return signing.Signer(salt=f"{_SALT}:{user.pk}:{purpose}")


def issue_key(*, user: AbstractBaseUser, purpose: str) -> str:
    """A new key for one form, to send in its hidden `submission_key` field."""
    return _signer(user=user, purpose=purpose).sign(f"{uuid.uuid4().hex}.{int(time.time())}")


def read_key(
    token: object, *, user: AbstractBaseUser, purpose: str, outcome_url: str
) -> Submission:
    """The submitted key, verified for this user and form; InvalidSubmission if not."""
    if not isinstance(token, str) or not token.strip():
        raise InvalidSubmission(KEY_MISSING)
    if len(token) > 200:
        raise InvalidSubmission(KEY_INVALID)
    try:
        value = _signer(user=user, purpose=purpose).unsign(token.strip())
        key_hex, issued = value.split(".")
        key = uuid.UUID(hex=key_hex)
        issued_at = float(int(issued))
    except (signing.BadSignature, ValueError):
        raise InvalidSubmission(KEY_INVALID) from None
    return Submission(
        key=key, purpose=purpose, user_id=user.pk, issued_at=issued_at, outcome_url=outcome_url
    )


def key_from_post(post, *, user: AbstractBaseUser, purpose: str, outcome_url: str) -> Submission:
    """The key of a POSTed form; a repeated key field is as invalid as a forged one."""
    values = post.getlist(FIELD_NAME)
    if len(values) > 1:
        raise InvalidSubmission(KEY_INVALID)
    return read_key(
        values[0] if values else None, user=user, purpose=purpose, outcome_url=outcome_url
    )


def reissue_or_keep(post, *, user: AbstractBaseUser, purpose: str) -> str:
    """The key to put back in a form shown again after a refusal: the same one if it
    is valid (nothing was recorded, so it is still unused), else a new one."""
    try:
        key_from_post(post, user=user, purpose=purpose, outcome_url="-")
    except InvalidSubmission:
        return issue_key(user=user, purpose=purpose)
    return post.get(FIELD_NAME)


# Named parameters, so that a service may send it as the first part of its
# transaction's first statement (classes.services.recording_start): the key is still
# recorded before anything else is checked or written.
RECORD = """
INSERT INTO form_submissions (key, purpose, submitted_by_id, outcome_url, submitted_at)
VALUES (%(submission_key)s, %(submission_purpose)s, %(submission_user_id)s,
        %(submission_outcome_url)s, %(submission_at)s)
ON CONFLICT (key) DO NOTHING
RETURNING key
"""


def record_submission(submission: Submission | None) -> None:
    """Record the key in the caller's transaction, first thing; raise AlreadySubmitted
    if an earlier submit with it took effect, InvalidSubmission if it is too old.

    Call it inside `transaction.atomic()`, before any write: a refusal later in the
    transaction rolls the key back with everything else, so the same form can be
    corrected and sent again. Two submits of one key at once: the second INSERT waits
    on the UNIQUE key until the first commits (then finds it: a replay) or rolls back
    (then goes on). A SELECT first would let both through.
    """
    if submission is None:
        return
    with connection.cursor() as cursor:
        cursor.execute(RECORD, record_parameters(submission))
        recorded = cursor.fetchone() is not None
    check_recorded(submission, recorded=recorded)


def record_parameters(submission: Submission) -> dict[str, Any]:
    """RECORD's parameters for this submission, in the caller's transaction."""
    assert connection.in_atomic_block, "record_submission belongs inside the write's transaction"
    return {
        "submission_key": submission.key
        if connection.vendor == "postgresql"
        else submission.key.hex,
        "submission_purpose": submission.purpose[:100],
        "submission_user_id": submission.user_id,
        "submission_outcome_url": submission.outcome_url,
        "submission_at": timezone.now(),
    }


def check_recorded(submission: Submission, *, recorded: bool) -> None:
    """After RECORD: a replay (the key was there) or a key too old is refused."""
    if not recorded:
        earlier = FormSubmission.objects.select_related("submitted_by").get(key=submission.key)
        raise AlreadySubmitted(earlier)
    max_age = datetime.timedelta(days=settings.SUBMISSION_KEY_MAX_AGE_DAYS)
    if time.time() - submission.issued_at > max_age.total_seconds():
        raise InvalidSubmission(KEY_EXPIRED.format(days=max_age.days))
