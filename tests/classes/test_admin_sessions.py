"""Sessions and attendance in the admin: filters, voiding with a reason, and the
"not credited" list with its "credit now" action."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.urls import reverse

from classes.admin_sessions import NOT_VOIDED, NOTHING_TO_CREDIT, VOIDED
from classes.models import AttendanceSession, LearnerAttendance
from classes.services import crediting
from classes.services.corrections import NOT_RECORDED
from progression.models import HoursLog, Progression
from progression.services import put_on_hold, resume
from tests.classes.conftest import MONDAY, WEDNESDAY, capture_monday, roster_ids
from tests.factories import ClassFactory, UserFactory

pytestmark = pytest.mark.usefixtures("ledger_checked")

SESSIONS = reverse("admin:classes_attendancesession_changelist")
ATTENDANCE = reverse("admin:classes_learnerattendance_changelist")


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def captured(scheduled_class, own_facilitator):
    return capture_monday(scheduled_class, own_facilitator)


@pytest.fixture
def sessions(captured, scheduled_class, other_facilitator):
    """Monday captured (own facilitator's class) and a pending session of another class."""
    other = AttendanceSession.objects.create(
        klass=ClassFactory(facilitator=other_facilitator), session_date=WEDNESDAY, scheduled_hours=2
    )
    return captured, other


def listed(client, **params):
    response = client.get(SESSIONS, params)
    assert response.status_code == 200
    return set(response.context["cl"].result_list)


def test_sessions_filter_by_status_date_class_and_facilitator(
    client, admin_user, own_facilitator, sessions
):
    client.force_login(admin_user)
    captured, other = sessions

    assert listed(client, status__exact="captured") == {captured}
    assert listed(client, session_date__gte="2026-03-03") == {other}
    assert listed(client, session_date__lte="2026-03-02") == {captured}
    assert listed(client, klass__id__exact=other.klass_id) == {other}
    assert listed(client, facilitator=own_facilitator.pk) == {captured}
    assert listed(client) == {captured, other}


def void(client, ids, reason, versions=None):
    data = {"action": "void_sessions", "_selected_action": ids, "apply": "1", "reason": reason}
    data |= {f"version_{pk}": v for pk, v in (versions or {}).items()}
    return client.post(SESSIONS, data, follow=True)


def test_void_asks_for_a_reason_then_voids_each_session(client, admin_user, sessions):
    client.force_login(admin_user)
    captured, pending = sessions
    ids = [captured.pk, pending.pk]

    confirm = client.post(
        SESSIONS, {"action": "void_sessions", "_selected_action": ids, "index": 0}
    )
    assert confirm.status_code == 200
    assert f'name="version_{captured.pk}" value="{captured.version}"' in confirm.content.decode()
    no_reason = void(client, ids, "  ")
    assert "This field is required." in no_reason.content.decode()
    assert AttendanceSession.objects.get(pk=captured.pk).status == "captured"

    response = void(client, ids, "Captured on the wrong date")

    assert texts(response) == [
        VOIDED.format(klass=captured.klass, date="2 March 2026"),
        NOT_VOIDED.format(klass=pending.klass, date="4 March 2026", reason=NOT_RECORDED),
    ]
    captured.refresh_from_db()
    assert captured.status == "pending"
    assert captured.history.latest("id").reason == "Captured on the wrong date"
    assert sum(HoursLog.objects.values_list("hours_trained", flat=True)) == 0


def test_a_session_changed_after_the_confirmation_page_is_not_voided(
    client, admin_user, own_facilitator, captured, scheduled_class
):
    client.force_login(admin_user)
    shown = captured.version
    captured.version += 1  # as a correction meanwhile does
    captured.save(update_fields=["version"])

    response = void(client, [captured.pk], "Wrong date", versions={captured.pk: shown})

    (message,) = texts(response)
    assert message.startswith(f"{captured.klass} on 2 March 2026 was not voided: ")
    assert "was changed by" in message
    assert AttendanceSession.objects.get(pk=captured.pk).status == "captured"


def test_voiding_needs_the_void_permission(client, captured):
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_attendancesession"))
    client.force_login(staff)

    page = client.get(SESSIONS).content.decode()
    response = void(client, [captured.pk], "Wrong date")

    # No action is offered, and a forged one is ignored.
    assert "void_sessions" not in page
    assert response.status_code == 200
    assert texts(response) == []
    assert AttendanceSession.objects.get(pk=captured.pk).status == "captured"


@pytest.fixture
def uncredited(scheduled_class, own_facilitator, admin_user):
    """Monday captured while the first learner's programme was on hold (from Sunday)."""
    progression = Progression.objects.get(learner_id=roster_ids(scheduled_class)[0])
    put_on_hold(
        progression=progression, effective_date=datetime.date(2026, 3, 1), changed_by=admin_user
    )
    capture_monday(scheduled_class, own_facilitator)
    return LearnerAttendance.objects.get(learner_id=progression.learner_id)


def credit(client, ids, query="?credited=no"):
    data = {"action": "credit_now", "_selected_action": ids, "index": 0}
    return client.post(f"{ATTENDANCE}{query}", data, follow=True)


def test_the_not_credited_list_and_credit_now(client, admin_user, uncredited, now):
    client.force_login(admin_user)
    hours_log = client.get(reverse("admin:progression_hourslog_changelist")).content.decode()
    assert f"{ATTENDANCE}?credited=no" in hours_log

    listed = client.get(ATTENDANCE, {"credited": "no"})
    assert list(listed.context["cl"].result_list) == [uncredited]
    still = credit(client, [uncredited.pk])
    progression = Progression.objects.get(learner=uncredited.learner)
    # Resumed from Monday (the hold was a day early): Monday's hours can go to it.
    resume(progression=progression, effective_date=MONDAY, changed_by=admin_user)
    credited = credit(client, [uncredited.pk])
    twice = credit(client, [uncredited.pk])  # a double click: the row left the list
    again = credit(client, [uncredited.pk], query="")

    facts = {
        "learner": uncredited.learner,
        "klass": uncredited.session.klass,
        "date": "2 March 2026",
        "programme": progression.programme,
    }
    assert texts(still) == [crediting.NO_PROGRAMME_YET.format(**facts)]
    assert texts(credited) == [crediting.CREDITED.format(present="3", trained="3", **facts)]
    assert texts(twice) == [NOTHING_TO_CREDIT]
    assert texts(again) == [crediting.ALREADY_CREDITED.format(**facts)]
    assert HoursLog.objects.filter(learner=uncredited.learner).count() == 1
    assert list(client.get(ATTENDANCE, {"credited": "no"}).context["cl"].result_list) == []


def test_credit_now_needs_the_right_to_add_hours(client, uncredited):
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_learnerattendance"))
    client.force_login(staff)

    page = client.get(ATTENDANCE).content.decode()
    response = credit(client, [uncredited.pk])

    assert "credit_now" not in page
    assert texts(response) == []
    assert not HoursLog.objects.filter(learner=uncredited.learner).exists()


def test_facilitators_reach_neither_list(client, own_facilitator, uncredited):
    client.force_login(own_facilitator)

    for url in (SESSIONS, ATTENDANCE):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
