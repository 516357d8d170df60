"""The backlog first (issue 12, point 3): sessions waiting to be captured, across the
facilitator's classes and months, oldest first, one tap from My classes."""

import datetime
import re

import pytest
from django.urls import reverse

from classes.models import AttendanceSession, Class
from classes.schedule import expand
from classes.selectors import schedule_spec, visible_classes
from classes.services.capture import mark_session_not_held, recording_refusal
from classes.services.enrolment import change_class_status
from classes.stored_plan import waiting_sessions
from tests.conftest import SAST
from tests.factories import ClassFactory, EnrolmentFactory, ScheduleFactory

# The 1st of a month: December's only session so far is today's, while October and
# November wait.
FIRST = datetime.datetime(2026, 12, 1, 9, 30, tzinfo=SAST)
TODAY = FIRST.date()
NOT_HELD = AttendanceSession.Status.CLIENT_CANCELLED


@pytest.fixture
def first_of_month(time_machine):
    time_machine.move_to(FIRST, tick=False)


def scheduled(facilitator, code, start, **schedule):
    """A class meeting Mondays and Wednesdays (unless slots are given) from `start`,
    with one learner."""
    klass = ClassFactory(code=code, facilitator=facilitator)
    ScheduleFactory(klass=klass, start_date=start, **schedule)
    EnrolmentFactory(klass=klass, start_date=start)
    return klass


def record_all_before(klass, day, user):
    """Mark every session of the class before `day` as not held (fast, and recorded)."""
    for planned in expand(schedule_spec(klass)):
        if planned.date < day and not planned.blocked:
            mark_session_not_held(
                klass=klass, session_date=planned.date, recorded_by=user, status=NOT_HELD
            )


@pytest.fixture
def backlog(first_of_month, own_facilitator, other_facilitator):
    """Two classes of the own facilitator waiting since October and November; another
    facilitator's class waiting since September."""
    october = scheduled(own_facilitator, "OCT-1", datetime.date(2026, 10, 5))
    november = scheduled(own_facilitator, "NOV-1", datetime.date(2026, 11, 2))
    record_all_before(october, datetime.date(2026, 10, 14), own_facilitator)
    others = scheduled(other_facilitator, "SEP-9", datetime.date(2026, 9, 7))
    return october, november, others


def capture_links(html):
    return re.findall(r'href="(/classes/\d+/sessions/[\d-]+/capture/)"', html)


def test_on_the_1st_the_oldest_waiting_session_is_one_tap_from_my_classes(
    client, backlog, own_facilitator
):
    october, november, _ = backlog
    client.force_login(own_facilitator)

    html = client.get(reverse("classes:my_classes")).content.decode()

    # The first capture link on the page is the oldest session waiting in any of the
    # facilitator's classes: Wednesday 14 October (the 5th and 7th and 12th are done).
    oldest = reverse("classes:capture", args=[october.pk, datetime.date(2026, 10, 14)])
    assert capture_links(html)[0] == oldest
    assert client.get(oldest).status_code == 200
    waiting = waiting_sessions(visible_classes(own_facilitator), today=TODAY)
    assert f"Waiting to be captured: {waiting.count()}" in html
    assert "SEP-9" not in html


def test_the_waiting_list_is_every_session_oldest_first_and_to_capture_links_to_it(
    client, backlog, own_facilitator
):
    october, november, _ = backlog
    client.force_login(own_facilitator)

    listed = capture_links(client.get(reverse("classes:waiting")).content.decode())
    dates = [link.split("/")[4] for link in listed]
    assert dates == sorted(dates)
    assert len(listed) == waiting_sessions(visible_classes(own_facilitator), today=TODAY).count()

    my_classes = client.get(reverse("classes:my_classes")).content.decode()
    per_class = f"{reverse('classes:waiting')}?class={november.pk}"
    assert per_class in my_classes
    only_november = capture_links(client.get(per_class).content.decode())
    assert only_november
    assert all(f"/classes/{november.pk}/" in link for link in only_november)


def test_another_facilitators_class_is_404_and_a_junk_class_id_too(
    client, backlog, own_facilitator
):
    _, _, others = backlog
    client.force_login(own_facilitator)

    assert client.get(reverse("classes:waiting"), {"class": others.pk}).status_code == 404
    for junk in ("abc", "²", "", "1" * 40):
        assert client.get(reverse("classes:waiting"), {"class": junk}).status_code == 404


def test_the_class_page_shows_the_waiting_sessions_above_the_month_and_marks_today(
    client, backlog, own_facilitator
):
    october, _, _ = backlog
    client.force_login(own_facilitator)

    html = client.get(reverse("classes:attendance", args=[october.pk])).content.decode()

    assert html.index("Waiting to be captured") < html.index('class="month-nav"')
    first = reverse("classes:capture", args=[october.pk, datetime.date(2026, 10, 14)])
    assert capture_links(html)[0] == first
    assert 'aria-current="date"' in html
    assert "today-mark" in html


def test_the_set_of_waiting_sessions_is_the_recordability_rule(
    first_of_month, own_facilitator, admin_user
):
    """waiting_sessions is recording_refusal for many sessions at once: every planned
    session of every kind of class is listed exactly when the rule lets it be
    recorded now (active, stopped before and after the stop date, draft, recorded,
    blocked by a public holiday, future)."""
    # Mondays, Tuesdays and Wednesdays: today, Tuesday 1 December, has a session.
    nine_to_noon = (datetime.time(9), datetime.time(12))
    active = scheduled(
        own_facilitator,
        "ACTIVE",
        datetime.date(2026, 9, 7),
        slots=[(day, *nine_to_noon) for day in (0, 1, 2)],
    )
    record_all_before(active, datetime.date(2026, 10, 1), own_facilitator)
    stopped = scheduled(own_facilitator, "STOPPED", datetime.date(2026, 9, 7))
    change_class_status(
        klass=stopped,
        status=Class.Status.STOPPED,
        stop_date=datetime.date(2026, 10, 21),
        changed_by=admin_user,
    )
    draft = scheduled(own_facilitator, "DRAFT", datetime.date(2026, 9, 7))
    change_class_status(klass=draft, status=Class.Status.DRAFT, changed_by=admin_user)
    classes = Class.objects.filter(pk__in=[active.pk, stopped.pk, draft.pk])

    listed = {(row.klass_id, row.session_date) for row in waiting_sessions(classes, today=TODAY)}

    expected = set()
    for klass in classes:
        rows = {s.session_date: s for s in klass.sessions.all()}
        for planned in expand(schedule_spec(klass)):
            refusal = recording_refusal(
                klass=klass,
                session_date=planned.date,
                planned=planned,
                has_schedule=True,
                today=TODAY,
                row=rows.get(planned.date),
            )
            if refusal is None:
                expected.add((klass.pk, planned.date))
    assert listed == expected
    kinds = {klass.code: 0 for klass in classes}
    for class_id, _ in listed:
        kinds[Class.objects.get(pk=class_id).code] += 1
    # Each kind of class is exercised: some sessions listed and some not.
    assert kinds["DRAFT"] == 0
    assert kinds["STOPPED"] > 0
    assert kinds["ACTIVE"] > 0
    # Today's session waits too: it may be captured once it is held.
    assert (active.pk, TODAY) in listed


def test_the_waiting_page_reads_a_fixed_number_of_queries(
    client, first_of_month, own_facilitator, django_assert_max_num_queries
):
    for n in range(4):
        scheduled(own_facilitator, f"Q-{n}", datetime.date(2026, 10, 5))
    client.force_login(own_facilitator)
    # Session, user, the count and the page's rows with their classes and clients.
    with django_assert_max_num_queries(6):
        response = client.get(reverse("classes:waiting"))
    assert len(capture_links(response.content.decode())) == 50
