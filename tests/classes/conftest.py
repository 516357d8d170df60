# The schedule clock (NOW, MONDAY, WEDNESDAY) and the `now` and `scheduled_class`
# fixtures live in tests/conftest.py: the project-wide access matrix uses them too.
from tests.conftest import MONDAY, NOW, SAST, WEDNESDAY

__all__ = ["MONDAY", "NOW", "SAST", "WEDNESDAY", "roster_ids"]


def roster_ids(klass):
    return list(klass.enrolments.order_by("learner__surname").values_list("learner_id", flat=True))


def capture_monday(klass, user, hours=("3", "3", "3"), pages=("5", "5", "5"), absences=None):
    """Capture Monday 2 March for the class's roster (surname order) with these values;
    `absences`: a (reason, remark) per learner."""
    from classes.services import LearnerEntry, capture_session

    ids = roster_ids(klass)
    absences = absences or [("", "")] * len(ids)
    return capture_session(
        klass=klass,
        session_date=MONDAY,
        recorded_by=user,
        entries=[
            LearnerEntry(pk, h, p, absence_reason=reason, absence_remark=remark)
            for pk, h, p, (reason, remark) in zip(ids, hours, pages, absences, strict=True)
        ],
    )
