# The schedule clock (NOW, MONDAY, WEDNESDAY) and the `now` and `scheduled_class`
# fixtures live in tests/conftest.py: the project-wide access matrix uses them too.
from tests.conftest import MONDAY, NOW, SAST, WEDNESDAY

__all__ = ["MONDAY", "NOW", "SAST", "WEDNESDAY", "roster_ids"]


def roster_ids(klass):
    return list(klass.enrolments.order_by("learner__surname").values_list("learner_id", flat=True))
