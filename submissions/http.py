"""The submission key in views: what a replay and a keyless write are answered with."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseRedirect

from submissions.keys import AlreadySubmitted, Submission, key_from_post, reissue_or_keep

# What a submit came to, for a phone that delivers a queued form in the background
# (issue 13, static/js/outbox.js): it cannot follow a redirect to read the page, so the
# view names the outcome and attendance_project.offline.DeliveryMiddleware sends it.
OUTCOME_HEADER = "X-Submission-Outcome"
SAVED = "saved"  # the submit took effect (now, or the first time its key came)
CONFLICT = "conflict"  # someone recorded or changed the session first: nothing written
REFUSED = "refused"  # not recordable (any more): nothing written


def with_outcome(response, outcome: str):
    response[OUTCOME_HEADER] = outcome
    return response


def replay_response(request, replay: AlreadySubmitted) -> HttpResponseRedirect:
    """A replayed submit is answered like the first one: a redirect to its outcome,
    with a note that this copy changed nothing."""
    messages.info(request, replay.message)
    return with_outcome(HttpResponseRedirect(replay.outcome_url), SAVED)


# A key is good for the form it was issued with: the URL it is shown at and posted to.
def form_key(request) -> str:
    """The key to put in the form this request shows: the posted one again after a
    refusal (nothing was recorded), else a new one."""
    return reissue_or_keep(request.POST, user=request.user, purpose=request.path)


def submitted_key(request, *, outcome_url: str) -> Submission:
    """The posted form's key, verified for this user and form (InvalidSubmission if
    not); a replay is redirected to `outcome_url`'s first outcome."""
    return key_from_post(
        request.POST, user=request.user, purpose=request.path, outcome_url=outcome_url
    )
