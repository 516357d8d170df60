"""The one base of the errors a write refuses with (issue 10).

Services and the submission-key checks of every app raise a subclass; each carries
`.message`, the reason in words the person who asked understands, and means that
nothing was written. It sits here, below every app, so that no app imports another
for it. (A replay, `submissions.keys.AlreadySubmitted`, is not one: the write took
effect, earlier. Nor are the form rejections that list several problems,
`CaptureRejected` and `ResolutionRejected`.)
"""

from __future__ import annotations


class ServiceError(Exception):
    """A write was refused as a whole, with a message for the person; nothing was written."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
