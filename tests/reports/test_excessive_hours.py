"""Excessive hours: the flag, resolutions that hide it for 30 days, and its return."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from progression.models import HoursLog, Progression
from progression.services import ProgressionService
from reports import services as service
from reports.common import ROWS_PER_PAGE
from reports.excessive_hours import CSV_HEADER
from reports.models import ExcessiveHoursResolution
from reports.views.excessive_hours import RESOLVED_MESSAGE
from tests.conftest import SAST
from tests.factories import EnrolmentFactory, UserFactory
from tests.reports.report_data import FEB_16, D, capture, office_admin, report_class
from tests.reports.report_pages import csv_table, page_values
from tests.reports.test_progress import FIVE_SESSIONS, run_sessions

pytestmark = pytest.mark.usefixtures("now", "ledger_checked")

URL = reverse("reports:excessive_hours")
CSV_URL = reverse("reports:excessive_hours_csv")
RESOLVED_AT = "2026-03-04"
SHOWS_AGAIN = "2026-04-03"  # 30 days after Wednesday 4 March 2026, 14:00


def resolve_url(progression):
    return reverse("reports:resolve_excessive_hours", args=[progression.pk])


@pytest.fixture
def capped_class(own_facilitator):
    """A capped programme type, 12 allocated hours; five 3-hour sessions captured:
    15 h trained each, 3 h over (125 %)."""
    klass = report_class(own_facilitator, code="CAP-1", allocated="12", capped=True)
    run_sessions(klass, own_facilitator)
    return klass


@pytest.fixture
def dlamini(capped_class):
    return Progression.objects.get(learner__surname="Dlamini")


def flagged(client):
    """(surname, hidden until) of each row on the page."""
    return [(row[0], row[-1]) for row in page_values(client.get(URL)).rows]


def test_over_hours_on_a_capped_type_are_flagged_with_overage_and_uncapped_percent(
    client, admin_user, own_facilitator, capped_class
):
    client.force_login(admin_user)
    lp = capped_class.programme.code

    rows = page_values(client.get(URL)).rows

    assert [row[:1] + row[2:] for row in rows] == [
        ["Dlamini", "CAP-1", "Thandi Mokoena", lp,
         "15", "12", "3", "100.0", "125.0", "90.0", "22.5", "", "", "", "", ""],
        ["Nkosi", "CAP-1", "Thandi Mokoena", lp,
         "15", "12", "3", "100.0", "125.0", "50.0", "10.0", "", "", "", "", ""],
    ]  # fmt: skip


def test_a_progression_without_a_class_shows_neither_class_nor_facilitator(
    client, admin_user, capped_class, dlamini
):
    Progression.objects.filter(pk=dlamini.pk).update(klass=None)
    client.force_login(admin_user)

    page = client.get(URL)

    rows = page_values(page).rows
    assert [[row[0], row[2], row[3]] for row in rows] == [
        ["Dlamini", "", ""],
        ["Nkosi", "CAP-1", "Thandi Mokoena"],
    ]
    assert csv_table(client.get(CSV_URL))[1:] == rows
    # Only the row with a class links to it.
    class_url = reverse("classes:attendance", args=[capped_class.pk])
    assert page.content.decode().count(f'href="{class_url}"') == 1


def test_uncapped_types_held_and_within_hours_progressions_are_not_flagged(
    client, admin_user, own_facilitator
):
    uncapped = report_class(own_facilitator, code="FREE-1", allocated="12", surnames=("Free",))
    run_sessions(uncapped, own_facilitator, {d: r[:1] for d, r in FIVE_SESSIONS.items()})
    within = report_class(own_facilitator, code="IN-1", capped=True, surnames=("Within",))
    run_sessions(within, own_facilitator, {d: r[:1] for d, r in FIVE_SESSIONS.items()})
    held = report_class(
        own_facilitator, code="HELD-1", allocated="3", capped=True, surnames=("Held",)
    )
    capture(held, FEB_16, own_facilitator, [(3, 5)])
    capture(held, datetime.date(2026, 2, 18), own_facilitator, [(3, 6)])
    # Starting another programme puts the over-hours one on hold.
    EnrolmentFactory(klass=within, learner=held.enrolments.get().learner)
    client.force_login(admin_user)

    assert flagged(client) == []


def test_a_resolution_hides_the_flag_for_30_days_then_it_returns_if_still_over(
    client, admin_user, dlamini, time_machine
):
    client.force_login(admin_user)
    assert flagged(client) == [("Dlamini", ""), ("Nkosi", "")]

    response = client.post(resolve_url(dlamini), {"kind": "qa_visit", "notes": "Visit 10 March"})

    assert response.status_code == 302
    assert response["Location"] == URL
    page = client.get(URL)
    assert RESOLVED_MESSAGE.format(learner=dlamini.learner, days=30) in page.content.decode()
    # Listed under "resolved", with the resolution and the day it shows again.
    rows = page_values(page).rows
    assert [[row[0], *row[-5:]] for row in rows] == [
        ["Nkosi", "", "", "", "", ""],
        [
            "Dlamini",
            "QA visit arranged",
            "Ayesha Patel",
            RESOLVED_AT,
            "Visit 10 March",
            SHOWS_AGAIN,
        ],
    ]

    # Still hidden a minute before the 30 days are up; flagged again a minute after.
    time_machine.move_to(datetime.datetime(2026, 4, 3, 13, 59, tzinfo=SAST), tick=False)
    client.force_login(admin_user)  # the login session of 4 March has expired
    assert ("Dlamini", SHOWS_AGAIN) in flagged(client)
    time_machine.move_to(datetime.datetime(2026, 4, 3, 14, 1, tzinfo=SAST), tick=False)
    client.force_login(admin_user)
    rows = page_values(client.get(URL)).rows
    assert [(row[0], row[-1]) for row in rows] == [("Dlamini", ""), ("Nkosi", "")]
    assert rows[0][-5:] == ["QA visit arranged", "Ayesha Patel", RESOLVED_AT, "Visit 10 March", ""]


def test_the_flag_does_not_return_when_no_longer_over(
    client, admin_user, own_facilitator, time_machine
):
    klass = report_class(
        own_facilitator, code="MAN-1", allocated="12", capped=True, surnames=("Manual",)
    )
    learner = klass.enrolments.get().learner
    ProgressionService.log_hours(learner, 10, 9)
    extra = ProgressionService.log_hours(learner, 5, 5)
    progression = Progression.objects.get(learner=learner)
    service.record_resolution(
        progression_id=progression.pk,
        kind="contacted_facilitator",
        notes="",
        resolved_by=admin_user,
    )
    ProgressionService.reverse_hours(
        row_ids=[extra.pk], reason="Typed twice", created_by=admin_user
    )

    time_machine.move_to(datetime.datetime(2026, 4, 10, 9, 0, tzinfo=SAST), tick=False)
    client.force_login(admin_user)

    assert flagged(client) == []


def test_a_second_resolution_within_30_days_is_refused_and_history_is_kept(
    client, admin_user, dlamini, time_machine
):
    client.force_login(admin_user)
    client.post(resolve_url(dlamini), {"kind": "contacted_facilitator", "notes": ""})

    response = client.post(
        resolve_url(dlamini), {"kind": "qa_visit", "notes": "again"}, follow=True
    )

    assert "already resolved by Ayesha Patel on 4 March 2026" in response.content.decode()
    assert ExcessiveHoursResolution.objects.count() == 1

    time_machine.move_to(datetime.datetime(2026, 4, 6, 9, 0, tzinfo=SAST), tick=False)
    client.force_login(admin_user)
    client.post(resolve_url(dlamini), {"kind": "other", "notes": "Extra module agreed"})
    history = client.get(resolve_url(dlamini)).content.decode()

    assert [r.kind for r in ExcessiveHoursResolution.objects.order_by("resolved_at")] == [
        "contacted_facilitator",
        "other",
    ]
    assert "Contacted the facilitator" in history
    assert "Extra module agreed" in history
    assert "The flag shows again on 6 May 2026" in history


def test_an_invalid_form_is_answered_with_the_problems_and_writes_nothing(
    client, admin_user, dlamini
):
    client.force_login(admin_user)

    for data, message in [
        ({}, service.KIND_INVALID),
        ({"kind": "shrug"}, service.KIND_INVALID),
        ({"kind": "other", "notes": "   "}, service.NOTES_REQUIRED),
        ({"kind": "qa_visit", "notes": "x" * 2001}, service.NOTES_TOO_LONG),
    ]:
        response = client.post(resolve_url(dlamini), data)
        assert response.status_code == 400, data
        assert message in response.content.decode()
    assert not ExcessiveHoursResolution.objects.exists()


def test_only_flagged_progressions_can_be_resolved(client, admin_user, own_facilitator):
    within = report_class(own_facilitator, code="IN-1", capped=True, surnames=("Within",))
    progression = Progression.objects.get(klass=within)
    client.force_login(admin_user)

    assert client.get(resolve_url(progression)).status_code == 404
    assert client.post(resolve_url(progression), {"kind": "qa_visit"}).status_code == 404
    with pytest.raises(service.NotFlagged):
        service.record_resolution(
            progression_id=progression.pk, kind="qa_visit", notes="", resolved_by=admin_user
        )
    assert not ExcessiveHoursResolution.objects.exists()


def test_recording_needs_its_own_permission_and_a_csrf_token(client, dlamini):
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_reports"))
    client.force_login(viewer)
    assert client.get(URL).status_code == 200
    assert "Record resolution" not in client.get(URL).content.decode()
    assert client.get(resolve_url(dlamini)).status_code == 403
    assert client.post(resolve_url(dlamini), {"kind": "qa_visit"}).status_code == 403
    with pytest.raises(service.NotAllowed):
        service.record_resolution(
            progression_id=dlamini.pk, kind="qa_visit", notes="", resolved_by=viewer
        )

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(office_admin())
    assert "Record resolution" in strict.get(URL).content.decode()
    assert strict.post(resolve_url(dlamini), {"kind": "qa_visit"}).status_code == 403
    assert not ExcessiveHoursResolution.objects.exists()


def test_resolutions_are_append_only_in_the_database(admin_user, dlamini):
    resolution = service.record_resolution(
        progression_id=dlamini.pk, kind="qa_visit", notes="", resolved_by=admin_user
    )
    assert resolution.hours_trained == D("15")
    for statement in (
        lambda: ExcessiveHoursResolution.objects.filter(pk=resolution.pk).update(notes="edited"),
        lambda: ExcessiveHoursResolution.objects.filter(pk=resolution.pk).delete(),
    ):
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
            statement()
    with pytest.raises(IntegrityError), transaction.atomic():
        ExcessiveHoursResolution.objects.create(
            progression=dlamini, kind="other", notes="", hours_trained=15, resolved_by=admin_user
        )


def test_the_csv_is_the_page(client, admin_user, dlamini):
    client.force_login(admin_user)
    client.post(resolve_url(dlamini), {"kind": "contacted_facilitator", "notes": ""})

    table = csv_table(client.get(CSV_URL))

    assert table[0] == CSV_HEADER
    assert table[1:] == page_values(client.get(URL)).rows
    assert [row[0] for row in table[1:]] == ["Nkosi", "Dlamini"]


def over_hours_learners(klass, count, resolver):
    for n in range(count):
        learner = EnrolmentFactory(klass=klass).learner
        ProgressionService.log_hours(learner, 13, 12)
        if n % 2:
            service.record_resolution(
                progression_id=Progression.objects.get(learner=learner).pk,
                kind="qa_visit",
                notes="Booked",
                resolved_by=resolver,
            )


def test_the_query_count_does_not_grow_with_the_rows(
    client, admin_user, own_facilitator, django_assert_num_queries
):
    klass = report_class(own_facilitator, allocated="12", capped=True, surnames=())
    client.force_login(admin_user)
    over_hours_learners(klass, 5, admin_user)
    with CaptureQueriesContext(connection) as five:
        assert len(page_values(client.get(URL)).rows) == 5
    with CaptureQueriesContext(connection) as five_csv:
        assert len(csv_table(client.get(CSV_URL))) == 6

    over_hours_learners(klass, 35, admin_user)
    with django_assert_num_queries(len(five)):
        assert len(page_values(client.get(URL)).rows) == 40
    with django_assert_num_queries(len(five_csv)):
        assert len(csv_table(client.get(CSV_URL))) == 41
    assert HoursLog.objects.count() == 40


def test_the_page_is_paginated_flagged_first_and_the_csv_has_every_page(
    client, admin_user, own_facilitator
):
    klass = report_class(own_facilitator, allocated="12", capped=True, surnames=())
    over_hours_learners(klass, 60, admin_user)  # 30 flagged, 30 under a resolution
    client.force_login(admin_user)

    first, second = client.get(URL), client.get(URL, {"page": 2})
    table = csv_table(client.get(CSV_URL))

    rows = page_values(first).rows + page_values(second).rows
    assert [len(page_values(first).rows), len(page_values(second).rows)] == [ROWS_PER_PAGE, 10]
    assert table[1:] == rows
    # The flagged rows (no "hidden until" date) come first, over both pages.
    assert [bool(row[-1]) for row in rows] == [False] * 30 + [True] * 30
    facts = first.content.decode()
    assert '<dt>Over hours</dt><dd class="attention">30</dd>' in facts
    assert "<dt>Resolved recently</dt><dd>30</dd>" in facts
    assert "Nobody on a capped programme" not in second.content.decode()
