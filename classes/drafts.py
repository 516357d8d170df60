"""What a page tells static/js/drafts.js about the drafts kept on the phone (issue 13).

A draft is what was typed in one capture or correction form, kept in the browser's
IndexedDB under a key naming the user, the class, the session date and the form. It
remembers the one-time submission keys of the forms it was typed in; the pages of the
session list the keys of this user's submits that took effect there, and the script
deletes a draft whose submit is among them. So a draft goes only once the server has
confirmed that very submit: not when someone else recorded the session meanwhile (a
conflict, kept on the phone), nor when a submit never arrived.
"""

from __future__ import annotations

import dataclasses
import datetime

from django.contrib.auth.base_user import AbstractBaseUser

from submissions.models import FormSubmission

CAPTURE = "capture"
CORRECTION = "correction"
KINDS = (CAPTURE, CORRECTION)
# A session's page lists at most this many of the user's submits: more than anyone
# sends for one session before a draft of theirs has been cleared.
CONFIRMED_LISTED = 20


def draft_key(
    *, user: AbstractBaseUser, class_id: int, session_date: datetime.date, kind: str
) -> str:
    assert kind in KINDS, kind
    return f"draft:{user.pk}:{class_id}:{session_date.isoformat()}:{kind}"


@dataclasses.dataclass(frozen=True)
class SessionDrafts:
    """The drafts a session's page may clear, and the submits it confirms."""

    keys: list[str]
    confirmed: list[str]


def session_drafts(
    *, user: AbstractBaseUser, class_id: int, session_date: datetime.date, outcome_url: str
) -> SessionDrafts:
    """The user's draft keys for this session and the ids (UUID hex) of their submits
    whose outcome is this session's page: captures and corrections that took effect."""
    confirmed = (
        FormSubmission.objects.filter(submitted_by_id=user.pk, outcome_url=outcome_url)
        .order_by("-submitted_at")
        .values_list("key", flat=True)[:CONFIRMED_LISTED]
    )
    return SessionDrafts(
        keys=[
            draft_key(user=user, class_id=class_id, session_date=session_date, kind=kind)
            for kind in KINDS
        ],
        confirmed=[key.hex for key in confirmed],
    )
