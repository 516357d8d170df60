"""The submission key in views: what a replay and a keyless write are answered with."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseRedirect

from submissions.keys import AlreadySubmitted, Submission, key_from_post, reissue_or_keep


def replay_response(request, replay: AlreadySubmitted) -> HttpResponseRedirect:
    """A replayed submit is answered like the first one: a redirect to its outcome,
    with a note that this copy changed nothing."""
    messages.info(request, replay.message)
    return HttpResponseRedirect(replay.outcome_url)


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
