"""Recording what the office did about a learner's excessive hours.

A resolution is appended (never edited) and hides the excessive-hours flag for
`RESOLUTION_HIDES_FOR`; the report shows the learner again after that if they are
still over their programme's hours.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from classes.services.capture import NotAllowed, Problem, Refused, clean_text
from progression.models import Progression
from reports.excessive_hours import RESOLUTION_HIDES_FOR, hidden_since, over_allocation
from reports.models import RECORD_RESOLUTION, ExcessiveHoursResolution
from submissions.keys import Submission, record_submission

Kind = ExcessiveHoursResolution.Kind

NOT_ALLOWED = "Only office admins can record what was done about excessive hours."
NOT_FLAGGED = (
    "{learner} is not over the allocated hours of a capped programme, so there is "
    "nothing to resolve."
)
ALREADY_RESOLVED = (
    "{learner}'s excessive hours were already resolved by {who} on {when}; the flag "
    "shows again on {until} if they are still over."
)
KIND_INVALID = "Choose what was done: contacted the facilitator, QA visit arranged, or other."
NOTES_REQUIRED = "Say in the notes what was done (required for “Other”)."
NOTES_MAX_LENGTH = 2000
NOTES_TOO_LONG = f"Keep the notes under {NOTES_MAX_LENGTH} characters."


@dataclass
class ResolutionRejected(Exception):
    """The form has problems to fix; nothing was written."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return " ".join(p.message for p in self.problems)


class NotFlagged(Refused):
    """The progression is not (or no longer) over the hours of a capped programme."""


class AlreadyResolved(Refused):
    """A resolution within the last RESOLUTION_HIDES_FOR already hides the flag."""


def record_resolution(
    *,
    progression_id: int,
    kind: str,
    notes: str,
    resolved_by: User,
    submission: Submission | None = None,
) -> ExcessiveHoursResolution:
    """Append a resolution for a flagged progression; it hides the flag for 30 days."""
    if not resolved_by.has_perm(RECORD_RESOLUTION):
        raise NotAllowed(NOT_ALLOWED)
    notes = clean_text(notes)
    problems = []
    if kind not in Kind.values:
        problems.append(Problem(KIND_INVALID, field="kind"))
    if kind == Kind.OTHER and not notes:
        problems.append(Problem(NOTES_REQUIRED, field="notes"))
    if len(notes) > NOTES_MAX_LENGTH:
        problems.append(Problem(NOTES_TOO_LONG, field="notes"))
    if problems:
        raise ResolutionRejected(problems)

    now = timezone.now()
    with transaction.atomic():
        # A replay of this form (same values, so past the checks above) stops here.
        record_submission(submission)
        # Two admins resolving the same flag at once (two tabs, or two people on the
        # Monday list): the row lock makes the second wait for the first to commit,
        # then see its resolution below and stop, rather than both appending one.
        progression = (
            over_allocation().select_for_update(of=("self",)).filter(pk=progression_id).first()
        )
        if progression is None:
            raise NotFlagged(NOT_FLAGGED.format(learner=_learner_name(progression_id)))
        recent = (
            progression.excessive_hours_resolutions.filter(resolved_at__gt=hidden_since(now))
            .select_related("resolved_by")
            .order_by("-resolved_at", "-id")
            .first()
        )
        if recent is not None:
            raise AlreadyResolved(
                ALREADY_RESOLVED.format(
                    learner=progression.learner,
                    who=recent.resolved_by.get_full_name() or recent.resolved_by.get_username(),
                    when=date_format(timezone.localdate(recent.resolved_at)),
                    until=date_format(
                        timezone.localdate(recent.resolved_at + RESOLUTION_HIDES_FOR)
                    ),
                )
            )
        # resolved_at from the application's clock, like the report's "now" that it
        # is compared with (the column's default is for rows ops insert by hand).
        return ExcessiveHoursResolution.objects.create(
            progression=progression,
            kind=kind,
            notes=notes,
            hours_trained=progression.hours_trained,
            resolved_by=resolved_by,
            resolved_at=now,
        )


def _learner_name(progression_id: int) -> str:
    progression = Progression.objects.select_related("learner").filter(pk=progression_id).first()
    return str(progression.learner) if progression else "This learner"
