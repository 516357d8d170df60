"""Alerts raised, sent and sent again (issue 15). Keyword-only, each in one transaction.

Exactly once: an alert is inserted with ON CONFLICT DO NOTHING against its UNIQUE
(rule, subject, recipient, period), and only the rows this insert created get a send
job, deferred in the same transaction (procrastinate's Django connector writes the
job through Django's connection: no commit, no job). Sending locks the alert's row
(SELECT ... FOR UPDATE), sends, and marks it sent before the lock is released: a
second job for the same alert (two workers, a retried job, a stalled job retried
after its worker was killed) waits for the lock, then finds it sent. A worker killed
while sending rolls its transaction back with its connection, so the alert is still
waiting and is sent by the retry. (Only a crash in the instant between the SMTP
server's acceptance and the commit can send twice: SMTP has no way to ask whether a
message arrived.)
"""

from __future__ import annotations

import datetime
import logging
import smtplib
from collections.abc import Iterable

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from alerts import emails, rules
from alerts.models import Alert, Crossing, Delivery, Digest
from alerts.preferences import deliveries

log = logging.getLogger(__name__)

STATUS_FOR = {
    Delivery.EMAIL: Alert.Status.PENDING,
    Delivery.DIGEST: Alert.Status.IN_DIGEST,
    Delivery.OFF: Alert.Status.NOT_EMAILED,
}
NO_ADDRESS = "The recipient has no e-mail address: add one to their user."
# A send refused by the SMTP server, or the server not answering: tried again later.
SEND_ERRORS = (smtplib.SMTPException, OSError)


class NotSentYet(Exception):
    """Raised by the send job so that the queue retries it later (with backoff)."""


def _insert(due: rules.Due, recipient, delivery: str) -> int | None:
    """The new alert's id, or None when this alert exists already (UNIQUE)."""
    columns = (
        "rule, subject, period, recipient_id, class_id, title, body, link, delivery, status,"
        " attempts, last_error, created_at"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO alerts ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s,"
            " 0, '', %s) ON CONFLICT (rule, subject, recipient_id, period) DO NOTHING"
            " RETURNING id",
            [
                due.rule,
                due.subject,
                due.period,
                recipient.pk,
                due.klass.pk if due.klass else None,
                due.title[:200],
                due.body,
                due.link[:300],
                delivery,
                STATUS_FOR[Delivery(delivery)],
                timezone.now(),
            ],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def raise_alerts(*, due: Iterable[rules.Due]) -> list[int]:
    """Insert the alerts not raised before and defer a send job for each one to be
    e-mailed now; the ids of the alerts this call created."""
    created = []
    with transaction.atomic():
        for item in due:
            if not item.recipients:
                continue
            chosen = deliveries(item.recipients, item.rule)
            for recipient in item.recipients:
                alert_id = _insert(item, recipient, chosen[recipient.pk])
                if alert_id is None:
                    continue
                created.append(alert_id)
                if chosen[recipient.pk] == Delivery.EMAIL:
                    defer_send(alert_id=alert_id)
    return created


def defer_send(*, alert_id: int) -> None:
    from procrastinate.exceptions import AlreadyEnqueued

    from alerts.tasks import send_alert

    try:
        # In a savepoint: the refused insert of a second waiting job must not abort
        # the caller's transaction.
        with transaction.atomic():
            send_alert.configure(queueing_lock=f"alert-{alert_id}").defer(alert_id=alert_id)
    except AlreadyEnqueued:
        pass  # a job for this alert is waiting already


def track_crossings(*, rule: str, flagged: Iterable[rules.Flagged], now: datetime.datetime):
    """Open a crossing for each newly flagged subject (its alerts are raised once, with
    the crossing as their period) and close the crossings no longer flagged."""
    by_subject = {item.subject: item for item in flagged}
    due = []
    with transaction.atomic():
        open_subjects = set(
            Crossing.objects.select_for_update()
            .filter(rule=rule, closed_at__isnull=True)
            .values_list("subject", flat=True)
        )
        ended = open_subjects - set(by_subject)
        if ended:
            Crossing.objects.filter(rule=rule, subject__in=ended, closed_at__isnull=True).update(
                closed_at=now
            )
        for subject, item in by_subject.items():
            if subject in open_subjects:
                continue
            with connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO alert_crossings (rule, subject, opened_at) VALUES (%s, %s, %s)"
                    " ON CONFLICT (rule, subject) WHERE closed_at IS NULL DO NOTHING RETURNING id",
                    [rule, subject, now],
                )
                row = cursor.fetchone()
            if row:
                due.append(_with_period(item.due, f"crossing:{row[0]}"))
        created = raise_alerts(due=due)
    return created


def _with_period(due: rules.Due, period: str) -> rules.Due:
    from dataclasses import replace

    return replace(due, period=period)


def run_checks(*, now: datetime.datetime | None = None) -> list[int]:
    """Every rule at `now`: the alerts created (sent by the worker's jobs)."""
    now = now or timezone.now()
    created = raise_alerts(due=list(rules.every_due(now)))
    for rule, find in rules.CROSSING_RULES.items():
        created += track_crossings(rule=rule, flagged=find(now=now), now=now)
    return created


def deliver(*, alert_id: int, final_attempt_after: int | None = None) -> str:
    """Send one alert by e-mail unless it was sent (or is no longer due); the status it
    ends in. A refused send records its error and raises NotSentYet (the job is tried
    again), until ALERTS_SEND_ATTEMPTS attempts, after which the alert is failed."""
    limit = final_attempt_after or settings.ALERTS_SEND_ATTEMPTS
    error = ""
    with transaction.atomic():
        alert = (
            Alert.objects.select_for_update(of=("self",))
            .select_related("recipient")
            .get(pk=alert_id)
        )
        if alert.status != Alert.Status.PENDING:
            return alert.status
        if not rules.still_due(alert.rule, alert.subject):
            alert.status = Alert.Status.OBSOLETE
            alert.save(update_fields=["status"])
            return alert.status
        alert.attempts += 1
        if not alert.recipient.email:
            alert.status, alert.last_error = Alert.Status.FAILED, NO_ADDRESS
            alert.save(update_fields=["status", "last_error", "attempts"])
            return alert.status
        try:
            emails.alert_message(alert).send()
        except SEND_ERRORS as failure:
            error = f"{type(failure).__name__}: {failure}"[:2000]
            alert.last_error = error
            if alert.attempts >= limit:
                alert.status = Alert.Status.FAILED
            alert.save(update_fields=["status", "last_error", "attempts"])
        else:
            alert.status, alert.sent_at = Alert.Status.SENT, timezone.now()
            alert.save(update_fields=["status", "sent_at", "attempts"])
    if error:
        log.warning("alert %s not sent (attempt %s): %s", alert_id, alert.attempts, error)
        if alert.status == Alert.Status.PENDING:
            raise NotSentYet(error)
    return alert.status


def send_again(*, alert: Alert) -> bool:
    """A failed alert waits to be sent again, from a fresh count of attempts; False
    when it was not failed (nothing to do)."""
    with transaction.atomic():
        locked = Alert.objects.select_for_update().get(pk=alert.pk)
        if locked.status != Alert.Status.FAILED:
            return False
        locked.status, locked.attempts = Alert.Status.PENDING, 0
        locked.save(update_fields=["status", "attempts"])
        defer_send(alert_id=locked.pk)
    return True


def send_waiting() -> int:
    """Defer a send job for every alert waiting to be e-mailed (a job already waiting
    for one is not doubled: its queueing lock). The periodic safety net, and on SQLite
    (no shared queue) how the worker finds what other processes raised."""
    ids = list(Alert.objects.filter(status=Alert.Status.PENDING).values_list("pk", flat=True))
    for alert_id in ids:
        defer_send(alert_id=alert_id)
    return len(ids)


def mark_read(*, user, alert_ids: Iterable[int] | None = None) -> int:
    alerts = Alert.objects.filter(recipient=user, read_at__isnull=True)
    if alert_ids is not None:
        alerts = alerts.filter(pk__in=list(alert_ids))
    return alerts.update(read_at=timezone.now())


def send_digest(*, user_id: int, day: datetime.date) -> str:
    """One e-mail with the user's alerts waiting for the digest, once per day (UNIQUE
    user and day); raises NotSentYet when refused, as deliver does."""
    error = ""
    with transaction.atomic():
        digest, _ = Digest.objects.get_or_create(recipient_id=user_id, day=day)
        digest = (
            Digest.objects.select_for_update(of=("self",))
            .select_related("recipient")
            .get(pk=digest.pk)
        )
        if digest.sent_at is not None:
            return "sent"
        waiting = list(
            Alert.objects.select_for_update()
            .filter(recipient_id=user_id, status=Alert.Status.IN_DIGEST)
            .order_by("created_at", "pk")
        )
        if not waiting:
            return "empty"
        digest.attempts += 1
        if not digest.recipient.email:
            digest.last_error = NO_ADDRESS
            digest.save(update_fields=["attempts", "last_error"])
            return "failed"
        try:
            emails.digest_message(digest.recipient, waiting, day).send()
        except SEND_ERRORS as failure:
            error = f"{type(failure).__name__}: {failure}"[:2000]
            digest.last_error = error
            digest.save(update_fields=["attempts", "last_error"])
        else:
            now = timezone.now()
            digest.sent_at = now
            digest.save(update_fields=["sent_at", "attempts"])
            digest.alerts.add(*waiting)
            Alert.objects.filter(pk__in=[a.pk for a in waiting]).update(
                status=Alert.Status.SENT, sent_at=now
            )
    if error:
        raise NotSentYet(error)
    return "sent"


def digest_recipients() -> list[int]:
    return list(
        Alert.objects.filter(status=Alert.Status.IN_DIGEST)
        .order_by()
        .values_list("recipient_id", flat=True)
        .distinct()
    )
