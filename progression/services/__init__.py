"""Writes to progressions and the hours log.

- `hours`: `ProgressionService.log_hours` (and its batch form), the only way hours
  enter the ledger, and the reversals and corrections that amend it.
- `status`: starting, holding, resuming and completing programmes.
- `portfolio`: which portfolio files are accepted.

Everything is re-exported here: callers import from `progression.services`.
"""

from progression.services.errors import (
    InvalidHours,
    NoInProgressProgression,
    PortfolioRejected,
    ProgressionError,
    StatusChangeRefused,
    UnknownSession,
)
from progression.services.hours import (
    DUPLICATE_LEARNER,
    EMPTY_BATCH,
    HOURS_BEFORE_START,
    HOURS_IN_FUTURE,
    HOURS_TOO_LARGE,
    INVALID_HOURS,
    NEGATIVE_HOURS,
    NO_IN_PROGRESS_PROGRESSION,
    NOT_REVERSIBLE,
    PRESENT_EXCEEDS_TRAINED,
    REASON_REQUIRED,
    UNKNOWN_ROW,
    UNKNOWN_SESSION,
    UNKNOWN_SOURCE,
    WRONG_PROGRAMME,
    HoursEntry,
    ProgressionService,
)
from progression.services.portfolio import (
    MAX_PORTFOLIO_BYTES,
    PORTFOLIO_NOT_WHAT_IT_SAYS,
    PORTFOLIO_TOO_LARGE,
    PORTFOLIO_WRONG_TYPE,
)
from progression.services.status import (
    ALREADY_COMPLETED,
    CLASS_NOT_ON_PROGRAMME,
    DATE_BEFORE_START,
    DATE_IN_FUTURE,
    HELD_NOTE,
    NOT_IN_PROGRESS,
    NOT_ON_HOLD,
    OTHER_IN_PROGRESS,
    PUT_ON_HOLD_NOTE,
    RESUME_INSTEAD,
    RESUMED_NOTE,
    SAME_IN_PROGRESS,
    StartedProgramme,
    mark_complete,
    put_on_hold,
    resume,
    start_new_programme,
)

__all__ = [
    "ALREADY_COMPLETED",
    "CLASS_NOT_ON_PROGRAMME",
    "DATE_BEFORE_START",
    "DATE_IN_FUTURE",
    "DUPLICATE_LEARNER",
    "EMPTY_BATCH",
    "HELD_NOTE",
    "HOURS_BEFORE_START",
    "HOURS_IN_FUTURE",
    "HOURS_TOO_LARGE",
    "INVALID_HOURS",
    "MAX_PORTFOLIO_BYTES",
    "NEGATIVE_HOURS",
    "NOT_IN_PROGRESS",
    "NOT_ON_HOLD",
    "NOT_REVERSIBLE",
    "NO_IN_PROGRESS_PROGRESSION",
    "OTHER_IN_PROGRESS",
    "PORTFOLIO_NOT_WHAT_IT_SAYS",
    "PORTFOLIO_TOO_LARGE",
    "PORTFOLIO_WRONG_TYPE",
    "PRESENT_EXCEEDS_TRAINED",
    "PUT_ON_HOLD_NOTE",
    "REASON_REQUIRED",
    "RESUMED_NOTE",
    "RESUME_INSTEAD",
    "SAME_IN_PROGRESS",
    "UNKNOWN_ROW",
    "UNKNOWN_SESSION",
    "UNKNOWN_SOURCE",
    "WRONG_PROGRAMME",
    "HoursEntry",
    "InvalidHours",
    "NoInProgressProgression",
    "PortfolioRejected",
    "ProgressionError",
    "ProgressionService",
    "StartedProgramme",
    "StatusChangeRefused",
    "UnknownSession",
    "mark_complete",
    "put_on_hold",
    "resume",
    "start_new_programme",
]
