"""The queue's jobs (procrastinate, discovered as each app's `tasks` module).

Sync jobs run in the worker's threads; procrastinate's Django app wraps each in its
connection cleanup (close_old_connections before and after, as around a request).

Periodic jobs are deferred by every running worker, but procrastinate keeps one row
per periodic task and timestamp (procrastinate_periodic_defers, UNIQUE), so however
many workers run on however many machines, each run happens once.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone
from procrastinate.contrib.django import app
from procrastinate.retry import BaseRetryStrategy, RetryDecision

from alerts import services


class Backoff(BaseRetryStrategy):
    """A refused send is retried after ALERTS_RETRY_SECONDS, then twice as long each
    time; services.deliver decides when to give up (ALERTS_SEND_ATTEMPTS) and marks
    the alert failed, visible in the admin with its error."""

    def get_retry_decision(self, *, exception, job):
        if not isinstance(exception, services.NotSentYet):
            return None
        seconds = settings.ALERTS_RETRY_SECONDS * 2 ** min(job.attempts, 10)
        return RetryDecision(retry_in={"seconds": seconds})


@app.task(name="alerts.send_alerts", retry=Backoff(), queue="alerts")
def send_alerts(alert_ids: list[int]) -> None:
    """One recipient's alerts in one e-mail."""
    services.deliver_many(alert_ids=alert_ids)


@app.task(name="alerts.send_digest", retry=Backoff(), queue="alerts")
def send_digest(user_id: int, day: str) -> None:
    services.send_digest(user_id=user_id, day=datetime.date.fromisoformat(day))


@app.periodic(cron=f"*/{settings.ALERTS_CHECK_MINUTES} * * * *", periodic_id="checks")
@app.task(name="alerts.run_checks", queue="alerts", queueing_lock="alerts.run_checks")
def run_checks(timestamp: int) -> None:
    """Every rule, every ALERTS_CHECK_MINUTES; then what waits to be sent is sent."""
    now = datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC)
    services.run_checks(now=max(now, timezone.now()))
    services.send_waiting()
    defer_due_digests(now=timezone.now())


def defer_due_digests(*, now: datetime.datetime) -> int:
    """From ALERTS_DIGEST_TIME (local), today's digest of each user with alerts
    waiting for it (one a day: alert_digests is UNIQUE per user and day)."""
    local = timezone.localtime(now)
    if local.time() < datetime.time.fromisoformat(settings.ALERTS_DIGEST_TIME):
        return 0
    users = services.digest_recipients()
    for user_id in users:
        services.defer_once(
            send_digest,
            lock=f"digest-{user_id}-{local.date()}",
            user_id=user_id,
            day=local.date().isoformat(),
        )
    return len(users)


@app.periodic(cron="* * * * *", periodic_id="stalled")
@app.task(name="alerts.retry_stalled_jobs", queue="alerts", pass_context=True)
async def retry_stalled_jobs(context, timestamp: int) -> None:
    """A job whose worker died (killed mid-send, its machine gone) stays "doing";
    once the worker has missed its heartbeats, the job is tried again. Its alert's
    row lock went with the worker's connection, so nothing was marked sent."""
    await retry_stalled(context.app.job_manager, seconds=settings.ALERTS_STALLED_SECONDS)


async def retry_stalled(job_manager, *, seconds: float) -> int:
    """Try again every job whose worker sent no heartbeat for `seconds`."""
    stalled = list(await job_manager.get_stalled_jobs(seconds_since_heartbeat=seconds))
    for job in stalled:
        await job_manager.retry_job(job)
    return len(stalled)
