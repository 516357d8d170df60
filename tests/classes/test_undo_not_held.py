"""Undo "not held" (issue 12, point 7): the facilitator within the edit window, the
office any time, with a reason, through the correction service; history kept."""

import datetime

import pytest
from django.urls import reverse

from classes.models import AttendanceSession, SessionHistory
from classes.services.capture import mark_session_not_held
from classes.services.corrections import NOT_NOT_HELD, REASON_REQUIRED
from classes.views import UNDONE_MESSAGE
from submissions.keys import FIELD_NAME, issue_key
from tests.classes.conftest import MONDAY, NOW, capture_monday

pytestmark = pytest.mark.usefixtures("ledger_checked")
Status = AttendanceSession.Status
REASON = "Wrong day ticked: the session was held; the register is signed."


@pytest.fixture
def not_held(scheduled_class, own_facilitator):
    return mark_session_not_held(
        klass=scheduled_class,
        session_date=MONDAY,
        recorded_by=own_facilitator,
        status=Status.CLIENT_CANCELLED,
    )


def url(klass, name="undo_not_held"):
    return reverse(f"classes:{name}", args=[klass.pk, MONDAY])


def undo(client, klass, reason=REASON, **extra):
    data = {"reason": reason, "version": AttendanceSession.objects.get().version} | extra
    return client.post(url(klass), data, follow=True)


def test_the_facilitator_undoes_not_held_and_can_then_capture(
    client, scheduled_class, own_facilitator, not_held
):
    client.force_login(own_facilitator)
    detail = client.get(url(scheduled_class, "session_detail")).content.decode()
    assert url(scheduled_class) in detail

    response = undo(client, scheduled_class)

    assert UNDONE_MESSAGE.format(date="2 March 2026") in response.content.decode()
    session = AttendanceSession.objects.get()
    assert session.status == Status.PENDING
    entry = session.history.order_by("-id").first()
    assert (entry.action, entry.status_before, entry.reason, entry.changed_by) == (
        SessionHistory.Action.VOIDED,
        Status.CLIENT_CANCELLED,
        REASON,
        own_facilitator,
    )
    # Recordable again: the capture page opens and the capture is saved.
    assert client.get(url(scheduled_class, "capture")).status_code == 200
    capture_monday(scheduled_class, own_facilitator, "321", "987")
    assert AttendanceSession.objects.get().status == Status.CAPTURED


def test_a_reason_is_required_and_nothing_changes_without_one(
    client, scheduled_class, own_facilitator, not_held
):
    client.force_login(own_facilitator)

    response = undo(client, scheduled_class, reason="   ")

    assert response.status_code == 400
    assert REASON_REQUIRED in response.content.decode()
    assert AttendanceSession.objects.get().status == Status.CLIENT_CANCELLED


def test_after_the_edit_window_only_the_office_can_undo(
    client, scheduled_class, own_facilitator, office_admin, not_held, time_machine, settings
):
    time_machine.move_to(NOW + datetime.timedelta(days=settings.ATTENDANCE_EDIT_WINDOW_DAYS + 1))
    client.force_login(own_facilitator)
    assert (
        url(scheduled_class)
        not in client.get(url(scheduled_class, "session_detail")).content.decode()
    )

    response = undo(client, scheduled_class)
    assert "Ask the office to undo it" in response.content.decode()
    assert AttendanceSession.objects.get().status == Status.CLIENT_CANCELLED

    client.force_login(office_admin)
    undo(client, scheduled_class)
    assert AttendanceSession.objects.get().status == Status.PENDING


def test_a_captured_session_is_not_undone_here(client, scheduled_class, own_facilitator):
    capture_monday(scheduled_class, own_facilitator, "321", "987")
    client.force_login(own_facilitator)

    response = undo(client, scheduled_class)

    assert NOT_NOT_HELD in response.content.decode()
    assert AttendanceSession.objects.get().status == Status.CAPTURED


def test_a_replayed_undo_has_one_effect(client, scheduled_class, own_facilitator, not_held):
    client.force_login(own_facilitator)
    key = issue_key(user=own_facilitator, purpose=url(scheduled_class))
    version = AttendanceSession.objects.get().version  # the form's, sent each time

    for _ in range(3):
        undo(client, scheduled_class, **{FIELD_NAME: key}, version=version)

    assert AttendanceSession.objects.get().status == Status.PENDING
    assert SessionHistory.objects.filter(action=SessionHistory.Action.VOIDED).count() == 1


def test_another_facilitator_gets_404_and_changes_nothing(
    client, scheduled_class, other_facilitator, not_held
):
    client.force_login(other_facilitator)
    assert client.get(url(scheduled_class)).status_code == 404
    assert undo(client, scheduled_class).status_code == 404
    assert AttendanceSession.objects.get().status == Status.CLIENT_CANCELLED
