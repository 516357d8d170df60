"""Alerts raised, sent and sent again (issue 15). Keyword-only, each in one transaction.

Exactly once: an alert is inserted with ON CONFLICT DO NOTHING against its UNIQUE
(rule, subject, recipient, period), and only the rows this insert created get a send
job (one per recipient: what one check raises for someone is one e-mail), deferred in
the same transaction (procrastinate's Django connector writes the
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
from dataclasses import replace

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from alerts import emails, rules
from alerts.models import Alert, Crossing, Delivery, Digest, Preference
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


def failure_text(failure: BaseException) -> str:
    """What the admin shows of a refused send."""
    return f"{type(failure).__name__}: {failure}"[:2000]


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
    to_email: dict[int, list[int]] = {}
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
                    to_email.setdefault(recipient.pk, []).append(alert_id)
        for alert_ids in to_email.values():
            defer_send(alert_ids=alert_ids)
    return created


def defer_once(task, *, lock: str, **arguments) -> None:
    """Defer a job unless one with the same queueing lock is waiting already."""
    from procrastinate.exceptions import AlreadyEnqueued

    try:
        # In a savepoint: the refused insert of a second waiting job must not abort
        # the caller's transaction.
        with transaction.atomic():
            task.configure(queueing_lock=lock).defer(**arguments)
    except AlreadyEnqueued:
        pass  # waiting already


def defer_send(*, alert_ids: list[int]) -> None:
    """One job e-mailing these alerts (one recipient's) in one message."""
    from alerts.tasks import send_alerts

    ids: list = sorted(alert_ids)  # JSON for the job's arguments
    defer_once(send_alerts, lock=f"alerts-{ids[0]}-{ids[-1]}-{len(ids)}", alert_ids=ids)


def track_crossings(
    *, rule: str, flagged: Iterable[rules.Flagged], now: datetime.datetime
) -> list[rules.Due]:
    """Open a crossing for each newly flagged subject and close the crossings no
    longer flagged; the alerts due for the new crossings (their period: the crossing),
    for the caller to raise in the same transaction."""
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
                due.append(replace(item.due, period=f"crossing:{row[0]}"))
    return due


def run_checks(*, now: datetime.datetime | None = None) -> list[int]:
    """Every rule at `now`: the alerts created (sent by the worker's jobs)."""
    now = now or timezone.now()
    # One transaction, one raise: what a check finds for someone is one e-mail.
    with transaction.atomic():
        due = list(rules.every_due(now))
        for rule, find in rules.CROSSING_RULES.items():
            due += track_crossings(rule=rule, flagged=find(now=now), now=now)
        return raise_alerts(due=due)


def deliver(*, alert_id: int) -> str:
    """Send one alert (see deliver_many); the status it ends in."""
    return deliver_many(alert_ids=[alert_id])[alert_id]


def deliver_many(*, alert_ids: list[int]) -> dict[int, str]:
    """E-mail one recipient's waiting alerts in one message (a facilitator with three
    sessions to record gets one e-mail, not three), leaving out those sent already or
    no longer due; each alert's status afterwards. A refused send records its error
    on each and raises NotSentYet (the job is tried again), until ALERTS_SEND_ATTEMPTS
    attempts, after which they are failed."""
    error = ""
    with transaction.atomic():
        # Locked in id order: two jobs over overlapping alerts never deadlock.
        alerts = list(
            Alert.objects.select_for_update(of=("self",))
            .select_related("recipient")
            .filter(pk__in=alert_ids)
            .order_by("pk")
        )
        statuses = {alert.pk: alert.status for alert in alerts}
        waiting = []
        for alert in alerts:
            if alert.status != Alert.Status.PENDING:
                continue
            if not rules.still_due(alert.rule, alert.subject):
                alert.status = statuses[alert.pk] = Alert.Status.OBSOLETE
                alert.save(update_fields=["status"])
                continue
            waiting.append(alert)
        recipients = {alert.recipient_id for alert in waiting}
        if len(recipients) > 1:
            raise ValueError("deliver_many sends to one recipient at a time")
        if not waiting:
            return statuses
        for alert in waiting:
            alert.attempts += 1
        recipient = waiting[0].recipient
        if not recipient.email:
            error = NO_ADDRESS
        else:
            try:
                emails.alerts_message(recipient, waiting).send()
            except SEND_ERRORS as failure:
                error = failure_text(failure)
        now = timezone.now()
        for alert in waiting:
            if not error:
                alert.status, alert.sent_at = Alert.Status.SENT, now
            else:
                alert.last_error = error
                if error == NO_ADDRESS or alert.attempts >= settings.ALERTS_SEND_ATTEMPTS:
                    alert.status = Alert.Status.FAILED
            alert.save(update_fields=["status", "sent_at", "last_error", "attempts"])
            statuses[alert.pk] = alert.status
    if error:
        log.warning("alerts %s not sent: %s", [a.pk for a in waiting], error)
        if any(alert.status == Alert.Status.PENDING for alert in waiting):
            raise NotSentYet(error)
    return statuses


def send_again(*, alert: Alert) -> bool:
    """A failed alert waits to be sent again, from a fresh count of attempts; False
    when it was not failed (nothing to do)."""
    with transaction.atomic():
        locked = Alert.objects.select_for_update().get(pk=alert.pk)
        if locked.status != Alert.Status.FAILED:
            return False
        locked.status, locked.attempts = Alert.Status.PENDING, 0
        locked.save(update_fields=["status", "attempts"])
        defer_send(alert_ids=[locked.pk])
    return True


def send_waiting() -> int:
    """Defer a send job for every alert waiting to be e-mailed (a job already waiting
    for one is not doubled: its queueing lock). The periodic safety net, and on SQLite
    (no shared queue) how the worker finds what other processes raised."""
    waiting: dict[int, list[int]] = {}
    pending = Alert.objects.filter(status=Alert.Status.PENDING).order_by("pk")
    for alert_id, recipient_id in pending.values_list("pk", "recipient_id"):
        waiting.setdefault(recipient_id, []).append(alert_id)
    for alert_ids in waiting.values():
        defer_send(alert_ids=alert_ids)
    return sum(map(len, waiting.values()))


def set_preferences(*, user, choices: dict[str, str]) -> None:
    """The user's delivery for each rule (one row per user and rule, UNIQUE)."""
    with transaction.atomic():
        for rule, delivery in choices.items():
            Preference.objects.update_or_create(
                user=user, rule=rule, defaults={"delivery": delivery}
            )


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
        if digest.attempts >= settings.ALERTS_SEND_ATTEMPTS:
            # Given up for today (its error in the admin): tomorrow's digest takes
            # the alerts still waiting.
            return "failed"
        waiting = []
        for alert in (
            Alert.objects.select_for_update()
            .filter(recipient_id=user_id, status=Alert.Status.IN_DIGEST)
            .order_by("created_at", "pk")
        ):
            if rules.still_due(alert.rule, alert.subject):
                waiting.append(alert)
            else:
                alert.status = Alert.Status.OBSOLETE
                alert.save(update_fields=["status"])
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
            error = failure_text(failure)
            digest.last_error = error
            digest.save(update_fields=["attempts", "last_error"])
            if digest.attempts >= settings.ALERTS_SEND_ATTEMPTS:
                log.warning("digest %s failed: %s", digest.pk, error)
                return "failed"
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
