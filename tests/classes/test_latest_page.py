"""The one latest-page query (classes.selectors.latest_page_subquery): page progress
everywhere, and the roster's previous page (the latest before the session date)."""

from classes.selectors import latest_page_subquery, roster
from classes.services import LearnerEntry, capture_session
from progression.models import Progression
from tests.classes.conftest import MONDAY, WEDNESDAY, roster_ids


def capture_pages(klass, user, pages):
    for day, page in pages:
        capture_session(
            klass=klass,
            session_date=day,
            recorded_by=user,
            entries=[LearnerEntry(pk, "3", page) for pk in roster_ids(klass)],
        )


def test_the_latest_page_is_the_last_recorded_on_the_lp(scheduled_class, own_facilitator):
    capture_pages(scheduled_class, own_facilitator, [(MONDAY, "12"), (WEDNESDAY, "15")])
    progression = Progression.objects.annotate(latest_page=latest_page_subquery()).get(
        learner_id=roster_ids(scheduled_class)[0]
    )
    assert progression.latest_page == 15


def test_before_a_day_it_is_the_last_page_recorded_before_it(scheduled_class, own_facilitator):
    capture_pages(scheduled_class, own_facilitator, [(MONDAY, "12"), (WEDNESDAY, "15")])
    first = roster_ids(scheduled_class)[0]
    programme = scheduled_class.programme_id
    before = {
        day: Progression.objects.annotate(
            page=latest_page_subquery(programme=programme, before=day)
        )
        .get(learner_id=first)
        .page
        for day in (MONDAY, WEDNESDAY)
    }
    assert before == {MONDAY: None, WEDNESDAY: 12}
    # The roster's previous page is the same query.
    assert [r.previous_page for r in roster(scheduled_class, WEDNESDAY)] == [12, 12, 12]
