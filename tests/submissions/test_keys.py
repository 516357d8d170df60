"""One-time submission keys: issued per user and form, recorded once (submissions/keys.py)."""

import datetime

import pytest
from django.db import transaction
from django.http import QueryDict

from submissions.keys import (
    ALREADY_SUBMITTED,
    KEY_EXPIRED,
    KEY_INVALID,
    KEY_MISSING,
    AlreadySubmitted,
    InvalidSubmission,
    issue_key,
    key_from_post,
    read_key,
    record_submission,
)
from submissions.models import FormSubmission
from tests.conftest import NOW
from tests.factories import UserFactory

FORM = "/classes/1/sessions/2026-03-02/capture/"
DONE = "/classes/1/sessions/2026-03-02/"


@pytest.fixture
def user(db):
    return UserFactory(first_name="Thandi", last_name="Mokoena")


def read(token, user, purpose=FORM):
    return read_key(token, user=user, purpose=purpose, outcome_url=DONE)


def test_a_key_is_good_for_its_user_and_form_only(user):
    token = issue_key(user=user, purpose=FORM)
    assert read(token, user).purpose == FORM
    assert read(token, user).key == read(token, user).key
    assert issue_key(user=user, purpose=FORM) != token  # one per form shown

    with pytest.raises(InvalidSubmission, match=KEY_INVALID):
        read(token, UserFactory())
    with pytest.raises(InvalidSubmission, match=KEY_INVALID):
        read(token, user, purpose="/classes/2/sessions/2026-03-02/capture/")


@pytest.mark.parametrize(
    ("token", "message"),
    [
        (None, KEY_MISSING),
        ("", KEY_MISSING),
        ("   ", KEY_MISSING),
        ("0" * 32, KEY_INVALID),
        ("not-a-key:forged", KEY_INVALID),
        ("x" * 10_000, KEY_INVALID),
        ("\x00", KEY_INVALID),
        (["a", "b"], KEY_MISSING),
    ],
)
def test_a_missing_or_forged_key_is_refused(user, token, message):
    with pytest.raises(InvalidSubmission) as refused:
        read(token, user)
    assert refused.value.message == message


def test_a_tampered_key_is_refused(user):
    token = issue_key(user=user, purpose=FORM)
    value, signature = token.rsplit(":", 1)
    forged = f"{'f' * 32}{value[32:]}:{signature}"
    with pytest.raises(InvalidSubmission, match=KEY_INVALID):
        read(forged, user)


def test_a_key_sent_twice_in_one_form_is_refused(user):
    token = issue_key(user=user, purpose=FORM)
    post = QueryDict(mutable=True)
    post.setlist("submission_key", [token, token])
    with pytest.raises(InvalidSubmission, match=KEY_INVALID):
        key_from_post(post, user=user, purpose=FORM, outcome_url=DONE)


def test_a_recorded_key_is_answered_with_the_first_outcome(user, now):
    submission = read(issue_key(user=user, purpose=FORM), user)
    with transaction.atomic():
        record_submission(submission)

    with pytest.raises(AlreadySubmitted) as replay, transaction.atomic():
        record_submission(submission)

    assert replay.value.outcome_url == DONE
    assert replay.value.message == ALREADY_SUBMITTED.format(
        who="Thandi Mokoena", when="4 March 2026 14:00"
    )
    assert FormSubmission.objects.count() == 1


def test_a_refused_write_leaves_its_key_unused(user):
    submission = read(issue_key(user=user, purpose=FORM), user)

    def refused_write():
        with transaction.atomic():
            record_submission(submission)
            raise ValueError("the write's rule refused it: everything rolls back, the key too")

    with pytest.raises(ValueError, match="refused"):
        refused_write()
    with transaction.atomic():
        record_submission(submission)  # the corrected form goes through
    assert FormSubmission.objects.count() == 1


def test_items_of_one_form_have_keys_of_their_own(user):
    submission = read(issue_key(user=user, purpose=FORM), user)
    with transaction.atomic():
        record_submission(submission.for_item(1))
        record_submission(submission.for_item(2))
    with pytest.raises(AlreadySubmitted), transaction.atomic():
        record_submission(submission.for_item(1))
    assert submission.for_item(1) == submission.for_item(1)


def test_an_old_form_asks_for_a_reload_but_a_replay_is_still_a_replay(user, settings, time_machine):
    settings.SUBMISSION_KEY_MAX_AGE_DAYS = 30
    time_machine.move_to(NOW, tick=False)
    used = read(issue_key(user=user, purpose=FORM), user)
    unused = read(issue_key(user=user, purpose=FORM), user)
    with transaction.atomic():
        record_submission(used)

    time_machine.move_to(NOW + datetime.timedelta(days=31), tick=False)
    with pytest.raises(InvalidSubmission, match=KEY_EXPIRED.format(days=30)), transaction.atomic():
        record_submission(unused)
    with pytest.raises(AlreadySubmitted), transaction.atomic():
        record_submission(used)
    assert FormSubmission.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_recording_outside_a_transaction_is_a_programming_error(user):
    # Outside the write's transaction the key would be kept even if the write failed.
    submission = read(issue_key(user=user, purpose=FORM), user)
    with pytest.raises(AssertionError):
        record_submission(submission)
