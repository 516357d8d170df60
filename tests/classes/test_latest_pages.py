"""The latest page of every progression at once (classes.latest_pages, the report CSVs)
equals the per-row definition (classes.selectors.latest_page_subquery, the pages),
and both equal the latest page read from the sessions themselves (the attendance
rows' copied session date and LP, issue 11, agree with their sessions')."""

import pytest

from classes.latest_pages import rows_with_latest_page
from classes.models import LearnerAttendance
from classes.selectors import latest_page_subquery
from progression.models import Progression
from tests.factories import ClassFactory, EnrolmentFactory, LearnerFactory, ScheduleFactory
from tests.reports.report_data import FEB_16, FEB_18, FEB_23, capture, report_class

pytestmark = pytest.mark.usefixtures("now", "ledger_checked")


def from_sessions(progression):
    """The latest page as the sessions say: by session date (then row id) among the
    rows of sessions of classes on the progression's LP."""
    row = (
        LearnerAttendance.objects.filter(
            learner_id=progression.learner_id,
            session__klass__programme_id=progression.programme_id,
            page_number__isnull=False,
        )
        .order_by("-session__session_date", "-id")
        .first()
    )
    return row.page_number if row is not None else None


def both(queryset):
    grouped = dict(rows_with_latest_page(queryset.order_by("pk"), ["pk"]))
    per_row = dict(
        queryset.annotate(page=latest_page_subquery()).order_by("pk").values_list("pk", "page")
    )
    assert per_row == {p.pk: from_sessions(p) for p in queryset}
    return grouped, per_row


def page_of(grouped, learner):
    (page,) = {grouped[p.pk] for p in Progression.objects.filter(learner=learner)}
    return page


def second_class(first, facilitator, learners):
    """Another class on the first one's programme, the learners enrolled in it too."""
    klass = ClassFactory(facilitator=facilitator, programme=first.programme, code="TWO-1")
    ScheduleFactory(klass=klass, start_date=FEB_16, end_date=first.schedule.end_date)
    for learner in learners:
        EnrolmentFactory(klass=klass, learner=learner, start_date=FEB_16)
    return klass


def test_the_grouped_form_gives_every_progression_the_per_row_answer(own_facilitator):
    first = report_class(own_facilitator, code="ONE-1", surnames=("Dlamini", "Nkosi", "Zulu"))
    capture(first, FEB_16, own_facilitator, [(3, 10), (3, 8), (0, None)])
    capture(first, FEB_18, own_facilitator, [(3, 12), (0, None), (0, None)])
    dlamini = first.enrolments.get(learner__surname="Dlamini").learner
    # Another class on the same programme: its pages count, by session date (this row
    # is written last, but for an earlier session than 18 Feb).
    second = second_class(first, own_facilitator, [dlamini, LearnerFactory(surname="Pillay")])
    capture(second, FEB_16, own_facilitator, [(3, 11), (3, 4)])

    grouped, per_row = both(Progression.objects.all())

    assert grouped == per_row
    learners = {e.learner.surname: e.learner for e in first.enrolments.select_related("learner")}
    assert page_of(grouped, dlamini) == 12  # 18 Feb in ONE-1, not 16 Feb in TWO-1
    capture(second, FEB_23, own_facilitator, [(3, 15), (3, 6)])
    grouped, per_row = both(Progression.objects.all())
    assert grouped == per_row
    assert page_of(grouped, dlamini) == 15  # 23 Feb in TWO-1
    assert page_of(grouped, learners["Nkosi"]) == 8  # absent later: the last page stays
    assert page_of(grouped, learners["Zulu"]) is None  # never a page


def test_the_same_date_in_two_classes_takes_the_later_row(own_facilitator):
    first = report_class(own_facilitator, code="ONE-1", surnames=("Dlamini",))
    dlamini = first.enrolments.get().learner
    second = second_class(first, own_facilitator, [dlamini])
    capture(first, FEB_16, own_facilitator, [(3, 20)])
    capture(second, FEB_16, own_facilitator, [(3, 7)])

    grouped, per_row = both(Progression.objects.all())

    assert grouped == per_row
    assert page_of(grouped, dlamini) == 7


def test_the_rows_keep_the_querysets_order(own_facilitator):
    klass = report_class(own_facilitator, surnames=("Adams", "Mokoena", "Zulu"))
    capture(klass, FEB_16, own_facilitator, [(3, 5), (3, 6), (3, 7)])
    queryset = Progression.objects.order_by("-learner__surname")

    rows = list(rows_with_latest_page(queryset, ["learner__surname"]))

    assert rows == [("Zulu", 7), ("Mokoena", 6), ("Adams", 5)]
