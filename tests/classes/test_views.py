"""The facilitator's pages: access for every persona, the capture flow, query counts."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from classes.models import AttendanceSession, LearnerAttendance
from classes.services import capture as texts
from classes.views import CAPTURED_MESSAGE
from progression.models import HoursLog
from tests.classes.conftest import MONDAY, roster_ids
from tests.factories import EnrolmentFactory, ScheduleFactory, UserFactory

pytestmark = pytest.mark.usefixtures("ledger_checked")

TUESDAY = datetime.date(2026, 3, 3)
WEDNESDAY_DATE = datetime.date(2026, 3, 4)


def urls(klass, day=MONDAY):
    return {
        "attendance": reverse("classes:attendance", args=[klass.pk]),
        "detail": reverse("classes:session_detail", args=[klass.pk, day]),
        "capture": reverse("classes:capture", args=[klass.pk, day]),
        "not_held": reverse("classes:not_held", args=[klass.pk, day]),
        "correct": reverse("classes:correct", args=[klass.pk, day]),
        "void": reverse("classes:void", args=[klass.pk, day]),
    }


def capture_post(klass, hours=("3", "2.5", "0"), pages=("12", "9", "")):
    data = {}
    for pk, h, p in zip(roster_ids(klass), hours, pages, strict=True):
        data[f"hours_{pk}"], data[f"page_{pk}"] = h, p
    return data


def test_every_page_needs_a_login(client, scheduled_class):
    for name, url in {**urls(scheduled_class), "my": reverse("classes:my_classes")}.items():
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 302, (name, method)
            assert response["Location"].startswith(reverse("login")), name
    assert not AttendanceSession.objects.exists()


@pytest.mark.parametrize("persona", ["own_facilitator", "admin_user", "office_admin", "backup"])
def test_the_class_pages_open_for_its_facilitators_and_admins(
    request, client, scheduled_class, persona
):
    if persona == "backup":
        user = UserFactory()
        scheduled_class.backup_facilitators.add(user)
    else:
        user = request.getfixturevalue(persona)
    client.force_login(user)
    for name, url in urls(scheduled_class).items():
        if name in ("detail", "correct", "void"):
            continue  # these need a recorded session: tests/classes/test_correction_views.py
        assert client.get(url).status_code == 200, name
    assert scheduled_class.code in client.get(reverse("classes:my_classes")).content.decode()


def test_another_facilitator_gets_404_everywhere_and_writes_nothing(
    client, scheduled_class, other_facilitator
):
    client.force_login(other_facilitator)
    for name, url in urls(scheduled_class).items():
        assert client.get(url).status_code == 404, name
        assert client.post(url, capture_post(scheduled_class)).status_code in (404, 405), name
    assert (
        client.post(urls(scheduled_class)["capture"], capture_post(scheduled_class)).status_code
        == 404
    )
    assert (
        client.post(urls(scheduled_class)["not_held"], {"status": "agent_absent"}).status_code
        == 404
    )
    assert scheduled_class.code not in client.get(reverse("classes:my_classes")).content.decode()
    assert not AttendanceSession.objects.exists()


def test_unknown_class_and_impossible_dates_are_404(client, scheduled_class, own_facilitator):
    client.force_login(own_facilitator)
    assert client.get(reverse("classes:attendance", args=[999999])).status_code == 404
    base = f"/classes/{scheduled_class.pk}/sessions/"
    assert client.get(base + "2026-02-30/capture/").status_code == 404
    assert client.get(base + "2026-13-01/").status_code == 404
    assert client.get(base + f"{TUESDAY}/").status_code == 404  # no session that day


def test_read_only_pages_refuse_other_methods(client, scheduled_class, own_facilitator):
    client.force_login(own_facilitator)
    assert client.post(urls(scheduled_class)["attendance"]).status_code == 405
    assert client.post(urls(scheduled_class)["detail"]).status_code == 405
    assert client.put(urls(scheduled_class)["capture"]).status_code == 405
    assert client.post(reverse("classes:my_classes")).status_code == 405


def test_posts_need_the_csrf_token(scheduled_class, own_facilitator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(own_facilitator)
    response = client.post(urls(scheduled_class)["capture"], capture_post(scheduled_class))
    assert response.status_code == 403
    assert not AttendanceSession.objects.exists()


def test_capture_flow_redirects_to_the_detail_with_a_message(
    client, scheduled_class, own_facilitator
):
    client.force_login(own_facilitator)
    page = client.get(urls(scheduled_class)["capture"]).content.decode()
    assert 'inputmode="decimal"' in page
    assert "No page completed yet" in page

    response = client.post(
        urls(scheduled_class)["capture"], capture_post(scheduled_class), follow=True
    )

    assert response.redirect_chain == [(urls(scheduled_class)["detail"], 302)]
    content = response.content.decode()
    assert CAPTURED_MESSAGE.format(date="2 March 2026", count=3) in content
    assert "Thandi Mokoena" in content
    assert LearnerAttendance.objects.count() == 3
    assert HoursLog.objects.filter(session__session_date=MONDAY).count() == 3


def test_a_second_submit_says_who_captured_it(client, scheduled_class, own_facilitator):
    client.force_login(own_facilitator)
    client.post(urls(scheduled_class)["capture"], capture_post(scheduled_class))

    again = client.post(
        urls(scheduled_class)["capture"], capture_post(scheduled_class), follow=True
    )

    assert again.redirect_chain[-1][0] == urls(scheduled_class)["detail"]
    assert "already captured by Thandi Mokoena at" in again.content.decode()
    assert HoursLog.objects.count() == 3
    # And the capture page itself no longer offers the form.
    assert client.get(urls(scheduled_class)["capture"]).status_code == 302


def test_errors_are_shown_next_to_the_learner_and_keep_what_was_typed(
    client, scheduled_class, own_facilitator
):
    client.force_login(own_facilitator)
    data = capture_post(scheduled_class, hours=("3", "7", "abc"), pages=("12", "9", ""))

    response = client.post(urls(scheduled_class)["capture"], data)

    assert response.status_code == 400
    content = response.content.decode()
    learners = [e.learner for e in scheduled_class.enrolments.order_by("learner__surname")]
    for learner in learners[1:]:
        assert texts.HOURS_INVALID.format(learner=learner, max=3) in content
    assert 'value="7"' in content
    assert 'value="abc"' in content
    assert 'aria-invalid="true"' in content
    assert not AttendanceSession.objects.exists()


def test_an_all_zero_submit_asks_for_confirmation(client, scheduled_class, own_facilitator):
    client.force_login(own_facilitator)
    zeros = capture_post(scheduled_class, hours=("0", "0", "0"), pages=("", "", ""))

    first = client.post(urls(scheduled_class)["capture"], zeros)
    assert first.status_code == 400
    assert 'name="everyone_absent"' in first.content.decode()

    second = client.post(urls(scheduled_class)["capture"], {**zeros, "everyone_absent": "yes"})
    assert second.status_code == 302
    assert AttendanceSession.objects.get().status == "captured"


def test_tampered_and_garbage_posts_are_answered_without_a_500(
    client, scheduled_class, own_facilitator
):
    client.force_login(own_facilitator)
    stranger = EnrolmentFactory().learner
    for data in [
        {},
        {"hours_abc": "3"},
        {**capture_post(scheduled_class), f"hours_{stranger.pk}": "3"},
        {**capture_post(scheduled_class), "hours_99999999999999999": "3"},
        dict.fromkeys(capture_post(scheduled_class), "x" * 10000),
    ]:
        response = client.post(urls(scheduled_class)["capture"], data)
        assert response.status_code == 400, data
    assert not AttendanceSession.objects.exists()


def test_not_held_flow(client, scheduled_class, own_facilitator):
    client.force_login(own_facilitator)
    assert client.post(urls(scheduled_class)["not_held"], {"status": "nonsense"}).status_code == 400

    response = client.post(
        urls(scheduled_class)["not_held"],
        {"status": "client_cancelled", "notes": "Plant closed"},
        follow=True,
    )

    assert "recorded as “Client cancelled”" in response.content.decode()
    session = AttendanceSession.objects.get()
    assert (session.status, session.notes) == ("client_cancelled", "Plant closed")


def test_blocked_future_and_unscheduled_dates_are_refused_with_a_message(
    client, scheduled_class, own_facilitator
):
    client.force_login(own_facilitator)
    for day, text in [
        (datetime.date(2026, 3, 9), "is in the future"),
        (TUESDAY, "has no session scheduled"),
    ]:
        for name in ("capture", "not_held"):
            response = client.post(
                urls(scheduled_class, day)[name],
                {"status": "agent_absent", **capture_post(scheduled_class)},
                follow=True,
            )
            assert text in response.content.decode(), (day, name)
    assert not AttendanceSession.objects.exists()


def test_the_class_page_shows_the_month_and_survives_a_bad_month(
    client, scheduled_class, own_facilitator
):
    client.force_login(own_facilitator)
    page = client.get(urls(scheduled_class)["attendance"], {"month": "2026-03"})
    content = page.content.decode()
    assert "March 2026" in content
    assert urls(scheduled_class)["capture"] in content
    assert page.context["summary"].waiting == 18  # Mondays and Wednesdays, 5 Jan to 4 Mar
    for bad in ["", "2026-13", "abc", "99999-01", "2026-02-30"]:
        assert client.get(urls(scheduled_class)["attendance"], {"month": bad}).status_code == 200


def test_the_class_list_for_an_admin_has_filters(client, scheduled_class, admin_user):
    client.force_login(admin_user)
    for query in [{}, {"q": "CLS"}, {"status": "active"}, {"facilitator": "1"}, {"page": "x"}]:
        assert client.get(reverse("classes:my_classes"), query).status_code == 200


def count_queries(client, method, url, data=None):
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data or {})
    assert response.status_code in (200, 302)
    return len(queries)


def class_with_learners(facilitator, size):
    from tests.factories import ClassFactory

    klass = ClassFactory(facilitator=facilitator)
    ScheduleFactory(klass=klass)
    EnrolmentFactory.create_batch(size, klass=klass)
    return klass


def test_query_counts_do_not_grow_with_the_class(
    client, own_facilitator, now, django_assert_num_queries
):
    client.force_login(own_facilitator)
    small, large = class_with_learners(own_facilitator, 5), class_with_learners(own_facilitator, 40)

    def post(klass):
        return {
            k: v for pk in roster_ids(klass) for k, v in [(f"hours_{pk}", "3"), (f"page_{pk}", "4")]
        }

    for name, method, data in [
        ("attendance", "get", None),
        ("capture", "get", None),
        ("capture", "post", post),
        ("detail", "get", None),
    ]:
        expected = count_queries(client, method, urls(small)[name], data and data(small))
        large_data = data(large) if data else {}
        with django_assert_num_queries(expected):
            getattr(client, method)(urls(large)[name], large_data)
    assert LearnerAttendance.objects.filter(session__klass=large).count() == 40


def test_the_capture_form_starts_unset_with_pages_prefilled_and_marks_the_rest_absent(
    client, scheduled_class, own_facilitator
):
    """Issue 12, points 1 and 2, without JavaScript: rows start empty, each page starts
    at the learner's previous page, an incomplete submit keeps what was typed, and the
    second button records the empty rows as absent."""
    client.force_login(own_facilitator)
    client.post(urls(scheduled_class)["capture"], capture_post(scheduled_class))  # pages 12, 9
    wednesday = urls(scheduled_class, WEDNESDAY_DATE)["capture"]
    dlamini, nkosi, pretorius = roster_ids(scheduled_class)

    page = client.get(wednesday).content.decode()
    assert f'name="hours_{dlamini}" id="hours_{dlamini}"\n             value=""' in page
    assert f'name="page_{dlamini}" id="page_{dlamini}"\n             value="12"' in page
    assert f'name="page_{pretorius}" id="page_{pretorius}"\n             value=""' in page

    # As a browser sends it: every field, the untouched ones empty.
    partial = {
        f"hours_{dlamini}": "3",
        f"page_{dlamini}": "14",
        f"hours_{nkosi}": "",
        f"page_{nkosi}": "9",
        f"hours_{pretorius}": "",
        f"page_{pretorius}": "",
    }
    refused = client.post(wednesday, partial)
    assert refused.status_code == 400
    for learner in scheduled_class.enrolments.exclude(learner_id=dlamini):
        name = f"{learner.learner.first_names} {learner.learner.surname}"
        assert f"Hours present for {name} are not filled in" in refused.content.decode()
    assert 'value="14"' in refused.content.decode()  # what was typed is kept
    assert AttendanceSession.objects.filter(status="captured").count() == 1

    response = client.post(wednesday, partial | {"rest_absent": "yes"})
    assert response.status_code == 302
    recorded = dict(
        LearnerAttendance.objects.filter(session__session_date=WEDNESDAY_DATE).values_list(
            "learner_id", "hours_present"
        )
    )
    assert recorded == {dlamini: 3, nkosi: 0, pretorius: 0}
