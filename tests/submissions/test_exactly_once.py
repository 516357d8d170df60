"""Every write takes effect once (DESIGN rule 12, issue 9): replays of a submitted form,
double clicks racing each other, and two separately opened forms with the same entry."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from classes.models import AttendanceSession, LearnerAttendance, SessionHistory
from progression.models import HoursLog, Progression
from progression.services import SAME_ENTRY_LOGGED
from submissions.keys import FIELD_NAME, KEY_MISSING, issue_key
from submissions.models import FormSubmission
from tests.classes.conftest import MONDAY, capture_monday, roster_ids
from tests.clients import FormClient
from tests.conftest import assert_ledger_consistent
from tests.factories import AdminUserFactory, EnrolmentFactory
from tests.threads import fire_at_once

REPLAYS = 4
MANUAL = reverse("admin:progression_hourslog_manual")


def capture_url(klass, day=MONDAY):
    return reverse("classes:capture", args=[klass.pk, day])


def capture_form(klass, user, hours=("3", "2.5", "0"), pages=("12", "9", "")):
    data = {FIELD_NAME: issue_key(user=user, purpose=capture_url(klass))}
    for pk, h, p in zip(roster_ids(klass), hours, pages, strict=True):
        data[f"hours_{pk}"], data[f"page_{pk}"] = h, p
    return data


def manual_form(user, learner, **overrides):
    return {
        FIELD_NAME: issue_key(user=user, purpose=MANUAL),
        "learner": learner.pk,
        "log_date": "2026-03-04",
        "hours_trained": "2",
        "hours_present": "2",
        "notes": "Catch-up lesson at head office",
    } | overrides


def check_hours_exit_code() -> int:
    try:
        call_command("check_hours", stdout=io.StringIO())
    except SystemExit as exit_:
        return int(exit_.code or 0)
    return 0


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_replays_of_a_capture_after_it_succeeded_change_nothing(
    client, scheduled_class, own_facilitator
):
    client.force_login(own_facilitator)
    url = capture_url(scheduled_class)
    form = capture_form(scheduled_class, own_facilitator)
    first = client.post(url, form)
    detail = reverse("classes:session_detail", args=[scheduled_class.pk, MONDAY])
    assert (first.status_code, first["Location"]) == (302, detail)

    for _ in range(REPLAYS):
        replay = client.post(url, form, follow=True)
        # The first outcome: its page, with a note that this copy changed nothing.
        assert replay.redirect_chain == [(detail, 302)]
        assert any("already submitted by Thandi Mokoena" in m for m in messages_of(replay))

    assert AttendanceSession.objects.get().status == "captured"
    assert LearnerAttendance.objects.count() == 3
    assert HoursLog.objects.count() == 3
    assert SessionHistory.objects.count() == 1
    assert FormSubmission.objects.count() == 1
    assert check_hours_exit_code() == 0


@pytest.mark.django_db(transaction=True)
def test_replays_of_a_capture_racing_each_other_capture_once(scheduled_class, own_facilitator):
    form = capture_form(scheduled_class, own_facilitator)
    clients = [FormClient() for _ in range(REPLAYS)]
    for c in clients:
        c.force_login(own_facilitator)

    url = capture_url(scheduled_class)
    responses = fire_at_once([lambda c=c: c.post(url, form) for c in clients])

    assert [r.status_code for r in responses] == [302] * REPLAYS
    assert HoursLog.objects.count() == 3
    assert FormSubmission.objects.count() == 1
    assert_ledger_consistent()
    assert check_hours_exit_code() == 0


@pytest.mark.django_db(transaction=True)
def test_four_identical_manual_hours_posts_at_once_credit_the_hours_once(office_admin, now):
    learner = EnrolmentFactory().learner
    form = manual_form(office_admin, learner)
    clients = [FormClient() for _ in range(REPLAYS)]
    for c in clients:
        c.force_login(office_admin)

    responses = fire_at_once([lambda c=c: c.post(MANUAL, form) for c in clients])

    assert [r.status_code for r in responses] == [302] * REPLAYS
    row = HoursLog.objects.get()
    assert (row.hours_trained, row.created_by) == (Decimal("2"), office_admin)
    assert Progression.objects.get(learner=learner).hours_trained == Decimal("2")
    assert_ledger_consistent()
    assert check_hours_exit_code() == 0


@pytest.mark.django_db(transaction=True)
def test_the_same_entry_from_separately_opened_forms_asks_to_confirm(office_admin, now):
    """Two office logins and a superuser each open the form and type the same lesson."""
    learner = EnrolmentFactory().learner
    colleague = type(office_admin).objects.create_user(
        "office2", first_name="Sipho", last_name="Nkosi", is_staff=True
    )
    colleague.groups.set(office_admin.groups.all())
    superuser = AdminUserFactory(first_name="Ayesha", last_name="Patel")
    people = [office_admin, office_admin, colleague, superuser]
    clients = []
    for person in people:
        c = FormClient()
        c.force_login(person)
        clients.append(c)
    forms = [manual_form(person, learner) for person in people]  # one key per form opened

    responses = fire_at_once(
        [lambda c=c, f=f: c.post(MANUAL, f) for c, f in zip(clients, forms, strict=True)]
    )

    assert sorted(r.status_code for r in responses) == [200, 200, 200, 302]
    row = HoursLog.objects.get()
    asked = SAME_ENTRY_LOGGED.format(
        present="2",
        trained="2",
        learner=learner,
        date="4 March 2026",
        who=row.created_by.get_full_name(),
        # When it was recorded: the database's clock (the column's default).
        when=date_format(timezone.localtime(row.created_at), "DATETIME_FORMAT"),
    )
    for response in responses:
        if response.status_code == 200:
            assert asked in response.content.decode()
            assert 'name="same_entry_confirmed"' in response.content.decode()

    # Confirmed: another lesson, logged deliberately.
    index = next(i for i, r in enumerate(responses) if r.status_code == 200)
    again = clients[index].post(MANUAL, {**forms[index], "same_entry_confirmed": "on"})
    assert again.status_code == 302
    assert HoursLog.objects.count() == 2
    assert_ledger_consistent()


def test_a_reversed_entry_is_not_the_same_entry(client, office_admin, now):
    from progression.services import ProgressionService

    learner = EnrolmentFactory().learner
    client.force_login(office_admin)
    assert client.post(MANUAL, manual_form(office_admin, learner)).status_code == 302
    ProgressionService.reverse_hours(
        row_ids=[HoursLog.objects.get().pk], reason="Typed for the wrong learner", created_by=None
    )
    assert client.post(MANUAL, manual_form(office_admin, learner)).status_code == 302
    assert HoursLog.objects.count() == 3


def test_a_replayed_correction_corrects_once(client, scheduled_class, own_facilitator):
    capture_monday(scheduled_class, own_facilitator)
    client.force_login(own_facilitator)
    url = reverse("classes:correct", args=[scheduled_class.pk, MONDAY])
    form = {
        FIELD_NAME: issue_key(user=own_facilitator, purpose=url),
        "version": "1",
        "reason": "Nkosi left at the break",
    }
    for pk, hours in zip(roster_ids(scheduled_class), ("3", "1.5", "3"), strict=True):
        form[f"hours_{pk}"], form[f"page_{pk}"] = hours, "5"

    for _ in range(1 + REPLAYS):
        assert client.post(url, form).status_code == 302

    assert SessionHistory.objects.filter(action="corrected").count() == 1
    assert HoursLog.objects.filter(reverses__isnull=False).count() == 1
    assert_ledger_consistent()


@pytest.mark.parametrize("view", ["capture", "not_held"])
def test_a_write_without_its_key_is_refused_and_writes_nothing(
    scheduled_class, own_facilitator, view
):
    keyless = Client()  # a form that never came from our page
    keyless.force_login(own_facilitator)
    data = capture_form(scheduled_class, own_facilitator) | {"status": "agent_absent"}
    del data[FIELD_NAME]

    response = keyless.post(reverse(f"classes:{view}", args=[scheduled_class.pk, MONDAY]), data)

    assert response.status_code == 400
    assert KEY_MISSING in response.content.decode()
    assert not AttendanceSession.objects.exists()
    assert not FormSubmission.objects.exists()


def test_a_key_issued_for_another_session_is_refused(client, scheduled_class, own_facilitator):
    client.force_login(own_facilitator)
    wednesday = capture_url(scheduled_class, MONDAY.replace(day=4))
    form = capture_form(scheduled_class, own_facilitator)  # issued for Monday's form

    response = client.post(wednesday, form)

    assert response.status_code == 400
    assert not AttendanceSession.objects.exists()


def test_manual_hours_without_a_key_are_refused(office_admin, now):
    learner = EnrolmentFactory().learner
    keyless = Client()
    keyless.force_login(office_admin)
    data = manual_form(office_admin, learner)
    del data[FIELD_NAME]

    response = keyless.post(MANUAL, data)

    assert response.status_code == 200
    assert KEY_MISSING in response.content.decode()
    assert not HoursLog.objects.exists()
