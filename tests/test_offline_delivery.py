"""What the server does for a phone that works offline (issue 13): the outcome of a
queued submit as JSON (attendance_project.offline.DeliveryMiddleware), who is logged
in and the server's time (ping), the capture forms kept for the coming week, and the
kept copies made without the messages meant for the next page."""

import datetime
import json
import re

import pytest
from django.urls import reverse

from attendance_project.offline import DELIVERY_HEADER, PAGE_HEADER, PREFETCH_HEADER, QUEUEABLE
from classes.models import AttendanceSession, LearnerAttendance
from classes.views import CAPTURED_MESSAGE
from classes.views.offline import offline_urls
from submissions.keys import issue_key
from tests.conftest import MONDAY, NOW, WEDNESDAY
from tests.factories import ClassFactory, ScheduleFactory

pytestmark = pytest.mark.django_db

DELIVERY = {f"HTTP_{DELIVERY_HEADER.upper().replace('-', '_')}": "1"}
PREFETCH = {f"HTTP_{PREFETCH_HEADER.upper().replace('-', '_')}": "1"}


def capture_url(klass, day):
    return reverse("classes:capture", args=[klass.pk, day])


def register(klass, *, hours="3", key=None, user=None):
    """The capture form as the phone queued it: every learner with `hours`."""
    form = {
        f"{kind}_{e.learner_id}": value
        for e in klass.enrolments.all()
        for kind, value in (("hours", hours), ("page", ""))
    }
    if key is not None:
        form["submission_key"] = key
    return form


def test_a_delivered_capture_is_answered_with_its_outcome_not_a_redirect(
    client, own_facilitator, scheduled_class
):
    client.force_login(own_facilitator)
    url = capture_url(scheduled_class, MONDAY)
    key = issue_key(user=own_facilitator, purpose=url)

    first = client.post(url, register(scheduled_class, key=key), **DELIVERY)
    again = client.post(url, register(scheduled_class, key=key), **DELIVERY)

    detail = reverse("classes:session_detail", args=[scheduled_class.pk, MONDAY])
    assert first.status_code == 200
    assert json.loads(first.content) == {"outcome": "saved", "location": detail}
    # The same key again (an answer lost on the way back): the first outcome, once.
    assert json.loads(again.content) == {"outcome": "saved", "location": detail}
    assert AttendanceSession.objects.filter(status="captured").count() == 1
    assert LearnerAttendance.objects.count() == 3
    assert first["Cache-Control"] == "no-store"
    # The capture's message waits for the next page the user opens.
    page = client.get(reverse("classes:my_classes"))
    assert CAPTURED_MESSAGE.format(date="2 March 2026", count=3) in page.content.decode()


def test_a_session_recorded_meanwhile_is_a_conflict_and_writes_nothing(
    client, own_facilitator, scheduled_class
):
    client.force_login(own_facilitator)
    url = capture_url(scheduled_class, MONDAY)
    client.post(url, register(scheduled_class, hours="3"))

    other_phone = client.post(url, register(scheduled_class, hours="1"), **DELIVERY)

    assert json.loads(other_phone.content)["outcome"] == "conflict"
    assert {str(a.hours_present.normalize()) for a in LearnerAttendance.objects.all()} == {"3"}


def test_a_refused_or_unreadable_delivery_comes_back_as_it_is(
    client, own_facilitator, scheduled_class
):
    client.force_login(own_facilitator)
    url = capture_url(scheduled_class, MONDAY)

    invalid = client.post(url, register(scheduled_class, hours="9"), **DELIVERY)
    future = client.post(
        capture_url(scheduled_class, MONDAY + datetime.timedelta(days=7)),
        register(scheduled_class),
        **DELIVERY,
    )

    # The form again with its problems, which the phone shows beside the typed values.
    assert invalid.status_code == 400
    assert 'id="problems"' in invalid.content.decode()
    assert json.loads(future.content)["outcome"] == "refused"
    assert not AttendanceSession.objects.filter(status="captured").exists()


def test_a_delivery_after_the_login_expired_says_so(client, own_facilitator, scheduled_class):
    url = capture_url(scheduled_class, MONDAY)
    answer = client.post(url, register(scheduled_class, key="x"), **DELIVERY)

    assert json.loads(answer.content)["outcome"] == "login"
    assert not AttendanceSession.objects.exists()


def test_without_the_header_a_submit_is_answered_as_always(
    client, own_facilitator, scheduled_class
):
    client.force_login(own_facilitator)
    response = client.post(capture_url(scheduled_class, MONDAY), register(scheduled_class))

    assert response.status_code == 302
    assert response["Location"].endswith(f"/sessions/{MONDAY.isoformat()}/")


def test_ping_says_who_is_logged_in_and_the_servers_time(client, own_facilitator, now):
    anonymous = json.loads(client.get(reverse("offline_ping")).content)
    client.force_login(own_facilitator)
    response = client.get(reverse("offline_ping"))
    logged_in = json.loads(response.content)

    assert anonymous == {"now": int(NOW.timestamp() * 1000), "user": None}
    assert logged_in["user"] == own_facilitator.pk
    assert logged_in["name"] == own_facilitator.get_full_name()
    assert len(logged_in["csrf"]) == 64
    assert logged_in["now"] == int(NOW.timestamp() * 1000)
    assert "no-store" in response["Cache-Control"]


def test_the_coming_weeks_capture_forms_can_be_kept_but_not_sent_early(
    client, own_facilitator, scheduled_class
):
    client.force_login(own_facilitator)
    next_wednesday = WEDNESDAY + datetime.timedelta(days=7)  # the 7th day ahead
    too_far = WEDNESDAY + datetime.timedelta(days=12)  # a Monday, 12 days ahead

    kept = client.get(capture_url(scheduled_class, next_wednesday), **PREFETCH)
    opened = client.get(capture_url(scheduled_class, next_wednesday))
    beyond = client.get(capture_url(scheduled_class, too_far), **PREFETCH)
    sent = client.post(capture_url(scheduled_class, next_wednesday), register(scheduled_class))

    assert kept.status_code == 200
    assert kept[PAGE_HEADER] == str(own_facilitator.pk)
    assert 'name="submission_key"' in kept.content.decode()
    assert opened.status_code == 302  # not yet, for a user on the page
    assert beyond.status_code == 302
    assert sent.status_code == 302
    assert not AttendanceSession.objects.filter(status="captured").exists()
    assert PAGE_HEADER not in opened


def test_a_kept_copy_leaves_the_waiting_messages_for_the_next_page(
    client, own_facilitator, scheduled_class
):
    client.force_login(own_facilitator)
    client.post(capture_url(scheduled_class, MONDAY), register(scheduled_class))

    kept = client.get(reverse("classes:my_classes"), **PREFETCH).content.decode()
    shown = client.get(reverse("classes:my_classes")).content.decode()

    message = CAPTURED_MESSAGE.format(date="2 March 2026", count=3)
    assert message not in kept
    assert 'data-kept="' in kept
    assert message in shown
    assert "data-kept" not in shown


def test_the_pages_to_keep_are_the_users_own_from_the_oldest_waiting_to_a_week_ahead(
    client, own_facilitator, other_facilitator, office_admin, scheduled_class
):
    someone_elses = ScheduleFactory(klass=ClassFactory(facilitator=other_facilitator)).klass
    client.force_login(own_facilitator)

    urls = json.loads(client.get(reverse("classes:offline_pages")).content)["urls"]

    captures = [url for url in urls if url.endswith("/capture/")]
    # Mondays and Wednesdays from 5 January to 11 March (a week after Wednesday 4
    # March), oldest first; none recorded yet.
    assert captures[0] == capture_url(scheduled_class, datetime.date(2026, 1, 5))
    assert captures[-1] == capture_url(scheduled_class, datetime.date(2026, 3, 11))
    assert len(captures) == 20
    assert urls[:2] == [reverse("classes:my_classes"), f"/classes/{scheduled_class.pk}/"]
    assert not any(f"/classes/{someone_elses.pk}/" in url for url in urls)
    # An office admin works at the office: the class list only.
    assert offline_urls(office_admin, today=WEDNESDAY) == [reverse("classes:my_classes")]


def test_the_class_page_of_next_month_is_kept_when_a_session_waits_there(
    own_facilitator, scheduled_class
):
    urls = offline_urls(own_facilitator, today=datetime.date(2026, 3, 28))

    assert f"/classes/{scheduled_class.pk}/?month=2026-04" in urls
    assert capture_url(scheduled_class, datetime.date(2026, 4, 1)) in urls


def test_the_worker_queues_only_capture_and_correction_forms():
    pattern = re.compile(QUEUEABLE)
    day = datetime.date(2026, 3, 2)
    assert pattern.match(reverse("classes:capture", args=[7, day]))
    assert pattern.match(reverse("classes:correct", args=[7, day]))
    assert not pattern.match(reverse("classes:not_held", args=[7, day]))
    assert not pattern.match(reverse("classes:void", args=[7, day]))
    assert not pattern.match(reverse("logout"))
