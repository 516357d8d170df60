"""The submission key in views: what a replay and a keyless write are answered with."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseRedirect

from submissions.keys import AlreadySubmitted


def replay_response(request, replay: AlreadySubmitted) -> HttpResponseRedirect:
    """A replayed submit is answered like the first one: a redirect to its outcome,
    with a note that this copy changed nothing."""
    messages.info(request, replay.message)
    return HttpResponseRedirect(replay.outcome_url)
