"""The facilitator's pages. Plumbing only: check access, parse, call one service,
redirect with a message. Rules live in classes.services and classes.schedule."""

from classes.views.corrections import (
    CORRECTED_MESSAGE,
    UNDONE_MESSAGE,
    VOIDED_MESSAGE,
    correct,
    undo_not_held_view,
    void,
)
from classes.views.pages import class_attendance, class_learners_page, my_classes, session_detail
from classes.views.recording import CAPTURED_MESSAGE, NOT_HELD_MESSAGE, capture, not_held
from classes.views.waiting import waiting

__all__ = [
    "CAPTURED_MESSAGE",
    "CORRECTED_MESSAGE",
    "NOT_HELD_MESSAGE",
    "UNDONE_MESSAGE",
    "VOIDED_MESSAGE",
    "capture",
    "class_attendance",
    "class_learners_page",
    "correct",
    "my_classes",
    "not_held",
    "session_detail",
    "undo_not_held_view",
    "void",
    "waiting",
]
