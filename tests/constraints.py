"""Helpers for proving that the database itself enforces a rule."""

import pytest
from django.db import IntegrityError, connection, transaction


def assert_violates(constraint: str, write) -> None:
    """`write()` must be refused by PostgreSQL, naming `constraint`."""
    with pytest.raises(IntegrityError, match=f'"{constraint}"'):
        _write_checking_constraints_at_once(write)


def _write_checking_constraints_at_once(write) -> None:
    with transaction.atomic():
        # Foreign keys are DEFERRABLE INITIALLY DEFERRED; check them at once here.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        write()
