"""People by their names: a user reads "Thandi Mokoena", not "thandi" (issue 12).

The project keeps Django's own user model: swapping it for a custom one would rebuild
the user table, and every foreign key to it, under ops' schema files. That model's
`__str__` is the username, and `str()` is how the admin shows a user everywhere: list
columns (facilitator, captured by, changed by, resolved by...), read-only change
pages, inlines, related-object filters, pickers and the history of changes. Naming
the people once, on the model, reaches all of them and whatever admin is added next;
the username stays where it is an identifier: the user admin's own list, the log-in,
the CSV exports, and for a user who has no name.
"""

from __future__ import annotations

from typing import Any


def person_name(user: Any) -> str:
    """The user's full name, or the username when no name is set."""
    return user.get_full_name() or user.get_username()


def name_people(user_model: Any) -> None:
    """Show every user of `user_model` by name (called once, when the apps are ready)."""
    user_model.__str__ = person_name
