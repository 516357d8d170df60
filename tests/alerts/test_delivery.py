"""Sending through procrastinate's real worker to a real SMTP server (aiosmtpd)."""

import datetime
import threading

import pytest
import time_machine
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from alerts.models import Alert, Delivery, Preference, Rule
from alerts.queue import run_worker_until_idle
from alerts.services import run_checks
from alerts.tasks import send_alerts
from tests.conftest import NOW

pytestmark = pytest.mark.django_db(transaction=True)


@time_machine.travel(NOW, tick=False)
def test_the_worker_emails_a_reminder_once_with_its_link_and_how_to_stop_it(
    meeting_class, smtp_server, job_queue
):
    run_checks(now=NOW)
    run_worker_until_idle()

    assert smtp_server.subjects() == [
        f"[Attendance] Record {meeting_class.code}'s session of 2 Mar"
    ]
    message = smtp_server.messages[0]
    assert message["To"] == "facilitator.own@example.org"
    text, html = (part.get_payload(decode=True).decode() for part in message.get_payload())
    capture = f"/classes/{meeting_class.pk}/sessions/2026-03-02/capture/"
    assert f"http://127.0.0.1:8000{capture}" in text
    assert f'href="http://127.0.0.1:8000{capture}"' in html
    assert "Why you got this" in text
    assert "http://127.0.0.1:8000/notifications/settings/" in text
    alert = Alert.objects.get()
    assert (alert.status, alert.attempts) == (Alert.Status.SENT, 1)

    run_checks(now=NOW)  # the next quarter-hour's checks: nothing new, nothing sent
    run_worker_until_idle()
    assert len(smtp_server.messages) == 1


def test_the_clock_advanced_to_the_evening_sends_one_email_listing_both_sessions(
    meeting_class, smtp_server, job_queue
):
    with time_machine.travel(NOW, tick=False):
        run_checks(now=NOW)
        run_worker_until_idle()
    assert len(smtp_server.messages) == 1
    evening = NOW.replace(hour=19)
    with time_machine.travel(evening, tick=False):
        # Monday's second reminder and Wednesday's first, raised together: one e-mail.
        assert len(run_checks(now=evening)) == 2
        run_worker_until_idle()
        assert run_checks(now=evening) == []  # a second run: nothing
        run_worker_until_idle()
    assert smtp_server.subjects() == [
        "[Attendance] 2 sessions to record",
        f"[Attendance] Record {meeting_class.code}'s session of 2 Mar",
    ]
    text = smtp_server.messages[-1].get_payload()[0].get_payload(decode=True).decode()
    assert "session of 2 Mar" in text
    assert "session of 4 Mar" in text
    assert Alert.objects.filter(status=Alert.Status.SENT).count() == 3


@time_machine.travel(NOW, tick=False)
def test_a_refusing_server_means_retries_then_a_visible_failure_then_send_again(
    meeting_class, smtp_server, job_queue, settings, office_admin, client
):
    settings.ALERTS_SEND_ATTEMPTS = 3
    smtp_server.refuse = True
    run_checks(now=NOW)
    run_worker_until_idle()

    alert = Alert.objects.get()
    assert (alert.status, alert.attempts) == (Alert.Status.FAILED, 3)
    assert "Refused by the test server" in alert.last_error
    assert smtp_server.messages == []

    client.force_login(office_admin)
    listing = client.get(reverse("admin:alerts_alert_changelist") + "?status__exact=failed")
    assert "Failed" in listing.text
    response = client.post(
        reverse("admin:alerts_alert_changelist"),
        {"action": "send_again_action", ACTION_CHECKBOX_NAME: [alert.pk]},
    )
    assert response.status_code == 302
    smtp_server.refuse = False
    run_worker_until_idle()
    alert.refresh_from_db()
    assert alert.status == Alert.Status.SENT
    assert len(smtp_server.messages) == 1


@time_machine.travel(NOW, tick=False)
def test_two_workers_with_two_jobs_for_one_alert_send_it_once(
    meeting_class, smtp_server, job_queue
):
    run_checks(now=NOW)
    alert = Alert.objects.get()
    send_alerts.defer(alert_ids=[alert.pk])  # a second job for it (no queueing lock)
    smtp_server.hold.clear()  # the first send waits in the SMTP conversation
    workers = [threading.Thread(target=run_worker_until_idle) for _ in range(2)]
    for worker in workers:
        worker.start()
    assert smtp_server.held.wait(10)
    smtp_server.hold.set()
    for worker in workers:
        worker.join(30)
    assert len(smtp_server.messages) == 1
    alert.refresh_from_db()
    assert (alert.status, alert.attempts) == (Alert.Status.SENT, 1)


@time_machine.travel(NOW, tick=False)
def test_preferences_move_an_alert_to_the_digest_or_switch_it_off(
    meeting_class, smtp_server, job_queue, own_facilitator, office_admin, settings
):
    Preference.objects.create(
        user=own_facilitator, rule=Rule.CAPTURE_REMINDER, delivery=Delivery.OFF
    )
    settings.ALERTS_CAPTURE_ESCALATE_DAYS = 1  # Monday's session goes to the office too
    run_checks(now=NOW)
    run_worker_until_idle()
    assert smtp_server.messages == []  # the facilitator: off; the office: the digest
    reminder = Alert.objects.get(rule=Rule.CAPTURE_ESCALATION)
    assert reminder.status == Alert.Status.IN_DIGEST

    from alerts.tasks import defer_due_digests

    defer_due_digests(now=NOW)  # 14:00, after ALERTS_DIGEST_TIME (07:00)
    run_worker_until_idle()
    defer_due_digests(now=NOW)  # again the same day: the digest went already
    run_worker_until_idle()
    assert smtp_server.subjects() == ["[Attendance] 1 alert for 4 March 2026"]
    reminder.refresh_from_db()
    assert reminder.status == Alert.Status.SENT


# A minute past the quarter-hour: the periodic deferrer defers the last tick passed.
@time_machine.travel(NOW + datetime.timedelta(minutes=1), tick=False)
def test_two_workers_run_each_periodic_check_once(meeting_class, smtp_server, job_queue):
    from django.db import connection

    workers = [threading.Thread(target=run_worker_until_idle) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT task_name, count(*) FROM procrastinate_jobs"
            " WHERE task_name IN ('alerts.run_checks', 'alerts.retry_stalled_jobs')"
            " GROUP BY task_name ORDER BY task_name"
        )
        assert cursor.fetchall() == [("alerts.retry_stalled_jobs", 1), ("alerts.run_checks", 1)]
    # The periodic check itself raised and sent Monday's reminder, once.
    assert smtp_server.subjects() == [
        f"[Attendance] Record {meeting_class.code}'s session of 2 Mar"
    ]


@time_machine.travel(NOW, tick=False)
def test_a_refused_digest_is_tried_a_few_times_then_shown_failed_and_its_alerts_wait(
    meeting_class, smtp_server, job_queue, own_facilitator, settings
):
    from alerts.models import Digest
    from alerts.tasks import defer_due_digests

    settings.ALERTS_SEND_ATTEMPTS = 2
    Preference.objects.create(
        user=own_facilitator, rule=Rule.CAPTURE_REMINDER, delivery=Delivery.DIGEST
    )
    run_checks(now=NOW)
    smtp_server.refuse = True
    defer_due_digests(now=NOW)
    run_worker_until_idle()
    defer_due_digests(now=NOW)  # the next quarter-hour: given up for today
    run_worker_until_idle()

    digest = Digest.objects.get()
    assert (digest.sent_at, digest.attempts) == (None, 2)
    assert "Refused by the test server" in digest.last_error
    assert Alert.objects.get().status == Alert.Status.IN_DIGEST  # tomorrow's digest
    assert smtp_server.messages == []
