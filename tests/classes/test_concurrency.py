"""Two tabs, two facilitators, double taps: one session is captured once (rule 5)."""

import threading

import pytest
from django.db import connection
from django.test import Client

from classes.models import AttendanceSession, LearnerAttendance
from progression.models import HoursLog, Progression
from tests.classes.conftest import MONDAY
from tests.classes.test_views import capture_post, urls
from tests.conftest import assert_ledger_consistent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

SUBMITS = 10


def fire_at_once(requests):
    """Run the callables in threads released together; return their results."""
    barrier = threading.Barrier(len(requests))
    results = [None] * len(requests)

    def run(index, request):
        try:
            barrier.wait(timeout=20)
            results[index] = request()
        except Exception as error:  # reported by the caller's assertions
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.parametrize("row_exists", [False, True], ids=["new-row", "pending-row"])
def test_ten_simultaneous_captures_of_one_session_make_one_capture(
    scheduled_class, own_facilitator, row_exists
):
    if row_exists:
        # As after a void: the race is then on the row lock, not on the INSERT.
        AttendanceSession.objects.create(
            klass=scheduled_class, session_date=MONDAY, scheduled_hours=3
        )
    backup = UserFactory(first_name="Pieter", last_name="Botha")
    scheduled_class.backup_facilitators.add(backup)
    data = capture_post(scheduled_class)
    url = urls(scheduled_class)["capture"]
    clients = []
    for index in range(SUBMITS):
        client = Client()
        client.force_login(own_facilitator if index % 2 else backup)
        clients.append(client)

    responses = fire_at_once([lambda c=c: c.post(url, data, follow=True) for c in clients])

    assert all(not isinstance(r, Exception) for r in responses), responses
    assert [r.status_code for r in responses] == [200] * SUBMITS
    texts = [r.content.decode() for r in responses]
    assert sum("captured for 3 learners" in t for t in texts) == 1
    assert sum("This session was already captured by" in t for t in texts) == SUBMITS - 1
    session = AttendanceSession.objects.get()
    assert (session.session_date, session.status) == (MONDAY, "captured")
    assert LearnerAttendance.objects.count() == 3
    assert HoursLog.objects.count() == 3
    assert sorted(Progression.objects.values_list("hours_trained", flat=True)) == [3, 3, 3]
    assert_ledger_consistent()


def test_a_capture_racing_a_not_held_mark_leaves_one_of_them(scheduled_class, own_facilitator):
    url = urls(scheduled_class)
    capturer, marker = Client(), Client()
    capturer.force_login(own_facilitator)
    marker.force_login(own_facilitator)

    fire_at_once(
        [
            lambda: capturer.post(url["capture"], capture_post(scheduled_class)),
            lambda: marker.post(url["not_held"], {"status": "agent_absent"}),
        ]
    )

    session = AttendanceSession.objects.get()
    if session.status == "captured":
        assert HoursLog.objects.count() == 3
    else:
        assert session.status == "agent_absent"
        assert not HoursLog.objects.exists()
        assert not LearnerAttendance.objects.exists()
    assert_ledger_consistent()
