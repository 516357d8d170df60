"""The admin reads clearly to the office (issue 12, point 10): reversal rows marked,
with their reason; "class", never "klass"; people by name; no login-throttling or
schedule-detail tables for office staff; learners by surname whatever the case."""

import io
import re

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from classes.models import AttendanceSession
from classes.roles import OFFICE_ADMINS
from classes.selectors import roster, session_facts
from learners.models import Learner
from progression.admin.hours_log import REVERSAL_MARKER
from progression.models import HoursLog
from progression.services import ProgressionService
from tests.conftest import MONDAY
from tests.factories import (
    AttendanceSessionFactory,
    ClassFactory,
    EnrolmentFactory,
    LearnerFactory,
    ScheduleFactory,
)
from tests.test_admin import admin_urls

pytestmark = pytest.mark.usefixtures("ledger_checked")

OUR_APPS = ["learners", "progression", "classes", "submissions"]
# What the index lists for superusers only: login throttling (django-axes) and the
# schedules' details, which office staff edit inline on a schedule.
NOT_FOR_OFFICE_STAFF = [
    "Access attempts",
    "Access failures",
    "Access logs",
    "Holiday overrides",
    "Schedule exceptions",
    "Schedule pauses",
    "Schedule slots",
]


def visible_text(response) -> str:
    """The page's text as a person reads it: no tags, attributes or URLs."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def index_entries(client) -> list[str]:
    html = client.get(reverse("admin:index")).content.decode()
    return re.findall(r'<th scope="row"[^>]*>\s*<a [^>]*>([^<]+)</a>', html)


@pytest.fixture
def captured(klass, own_facilitator, now):
    """A class with a scheduled, enrolled learner and a session captured by its
    facilitator (Thandi Mokoena, username facilitator.own), with its ledger row."""
    ScheduleFactory(klass=klass)
    enrolment = EnrolmentFactory(klass=klass, learner__surname="Dlamini")
    session = AttendanceSessionFactory(
        klass=klass,
        session_date=MONDAY,
        status=AttendanceSession.Status.CAPTURED,
        captured_by=own_facilitator,
        captured_at=now,
    )
    row = ProgressionService.log_hours(
        enrolment.learner,
        3,
        2,
        "attendance",
        session=session_facts(session),
        created_by=own_facilitator,
    )
    return session, row


def test_a_reversal_row_is_marked_and_shows_its_reason(client, office_admin, captured):
    _, row = captured
    [reversal] = ProgressionService.reverse_hours(
        row_ids=[row.pk], reason="Captured on the wrong date", created_by=office_admin
    )
    client.force_login(office_admin)

    response = client.get(reverse("admin:progression_hourslog_changelist"))

    html = response.content.decode()
    text = visible_text(response)
    assert "Reason" in text
    assert "Captured on the wrong date" in text
    assert REVERSAL_MARKER.format(entry=row.pk) in text
    original = reverse("admin:progression_hourslog_change", args=[row.pk])
    assert f'<span class="reversal">↩ <a href="{original}">' in html
    # Only the reversal is marked: the row it cancels is not a reversal of anything.
    assert REVERSAL_MARKER.format(entry=reversal.pk) not in text
    assert text.count("Reversal of entry") == 1


def test_no_field_of_ours_is_labelled_klass():
    labelled = [
        f"{model._meta.label}.{field.name}"
        for app in OUR_APPS
        for model in apps.get_app_config(app).get_models()
        for field in model._meta.get_fields()
        if getattr(field, "verbose_name", "") == "klass"
    ]
    assert labelled == []


def test_no_admin_page_says_klass(client, admin_user, captured):
    # Two classes, so that the "By class" filters have something to offer.
    ClassFactory()
    client.force_login(admin_user)

    shown = {}
    for model, _, name in admin_urls():
        pages = [reverse(f"{name}_changelist")]
        obj = model._default_manager.first()
        if obj is not None:
            pages.append(reverse(f"{name}_change", args=[obj.pk]))
        for url in pages:
            text = visible_text(client.get(url))
            if re.search(r"klass", text, flags=re.I):
                shown[url] = re.findall(r".{0,30}klass.{0,30}", text, flags=re.I)
    assert shown == {}
    sessions = visible_text(client.get(reverse("admin:classes_attendancesession_changelist")))
    assert "By class" in sessions


def test_people_are_shown_by_name_not_username(client, office_admin, captured):
    session, row = captured
    client.force_login(office_admin)

    pages = {
        "classes": reverse("admin:classes_class_changelist"),
        "sessions": reverse("admin:classes_attendancesession_changelist"),
        "session": reverse("admin:classes_attendancesession_change", args=[session.pk]),
        "ledger row": reverse("admin:progression_hourslog_change", args=[row.pk]),
    }
    for page, url in pages.items():
        text = visible_text(client.get(url))
        assert "Thandi Mokoena" in text, page
        assert "facilitator.own" not in text, page


def test_a_class_is_found_by_its_facilitators_name(client, office_admin, klass):
    client.force_login(office_admin)

    text = visible_text(client.get(reverse("admin:classes_class_changelist"), {"q": "Mokoena"}))

    assert klass.code in text


def test_office_staff_do_not_see_login_throttling_or_schedule_details(
    client, office_admin, admin_user, scheduled_class
):
    client.force_login(office_admin)
    office = index_entries(client)
    # The slots are still theirs to edit, inline on the class's schedule.
    schedule = reverse("admin:classes_schedule_change", args=[scheduled_class.schedule.pk])
    schedule_page = client.get(schedule).content.decode()
    client.force_login(admin_user)
    superuser = index_entries(client)

    assert [entry for entry in NOT_FOR_OFFICE_STAFF if entry in office] == []
    assert "Schedules" in office
    assert 'name="slots-TOTAL_FORMS"' in schedule_page
    assert [entry for entry in NOT_FOR_OFFICE_STAFF if entry not in superuser] == []


def test_the_demo_office_admin_is_office_staff_not_a_superuser(client):
    call_command("load_demo", stdout=io.StringIO())
    office = get_user_model().objects.get(username="admin")

    assert office.is_staff
    assert not office.is_superuser
    assert office.groups.filter(pk=Group.objects.get(name=OFFICE_ADMINS).pk).exists()
    client.force_login(office)
    assert [entry for entry in NOT_FOR_OFFICE_STAFF if entry in index_entries(client)] == []


SURNAMES = ["Zulu", "van der Merwe", "Adams", "de Klerk", "Nkosi"]
BY_SURNAME = ["Adams", "de Klerk", "Nkosi", "van der Merwe", "Zulu"]


def test_learners_sort_by_surname_whatever_the_case(client, office_admin, klass):
    ScheduleFactory(klass=klass)
    for surname in SURNAMES:
        EnrolmentFactory(klass=klass, learner__surname=surname)
    client.force_login(office_admin)

    listing = visible_text(client.get(reverse("admin:learners_learner_changelist")))

    assert list(Learner.objects.values_list("surname", flat=True)) == BY_SURNAME
    positions = [listing.index(surname) for surname in BY_SURNAME]
    assert positions == sorted(positions)
    # The facilitator's roster (capture and session pages) reads the same way.
    assert [r.learner.surname for r in roster(klass, MONDAY)] == BY_SURNAME


def test_hours_log_rows_keep_their_notes_as_the_reason(client, office_admin, db):
    learner = LearnerFactory()
    EnrolmentFactory(learner=learner)
    ProgressionService.log_hours(learner, 2, 2, "manual", notes="Make-up session on Saturday")
    client.force_login(office_admin)

    text = visible_text(client.get(reverse("admin:progression_hourslog_changelist")))

    assert "Make-up session on Saturday" in text
    assert HoursLog.objects.get().reverses_id is None
