"""The errors every progression service raises: nothing was written, and the message
says why in words an office admin or facilitator understands."""

from __future__ import annotations

from attendance_project.errors import ServiceError


class ProgressionError(ServiceError):
    """A rule of the hours ledger or of a progression's status was broken; nothing was
    written.

    `learner_id` names the learner the message is about, when there is one.
    """

    def __init__(self, message: str, *, learner_id: int | None = None):
        super().__init__(message)
        self.learner_id = learner_id


class NoInProgressProgression(ProgressionError):
    pass


class InvalidHours(ProgressionError):
    pass


class StatusChangeRefused(ProgressionError):
    """Holding, resuming, completing or starting a programme broke a rule."""


class PortfolioRejected(ProgressionError):
    """The portfolio file is not a PDF, DOC or DOCX document of at most 10 MB."""
