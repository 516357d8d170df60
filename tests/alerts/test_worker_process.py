"""A worker killed in the middle of a send, then another one: the e-mail goes once.

The workers are real processes (`manage.py run_worker`) on the test database; the
SMTP server (aiosmtpd, in this process) holds the first conversation open so that
the kill lands mid-send.
"""

import asyncio
import concurrent.futures
import os
import signal
import subprocess
import sys
import time

import pytest
import time_machine

from alerts.models import Alert
from alerts.queue import worker_app
from alerts.services import run_checks
from alerts.tasks import retry_stalled
from tests.conftest import NOW
from tests.processes import BASE_DIR, project_env

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def start_worker(smtp_port: int) -> subprocess.Popen:
    env = project_env(
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}", ALERTS_RETRY_SECONDS="0", DEBUG="false"
    )
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--concurrency", "1"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def retry_stalled_now() -> int:
    from procrastinate.contrib.django import app

    async def retry():
        worker = worker_app(app)
        async with worker.open_async():
            return await retry_stalled(worker.job_manager, seconds=0)

    # In a thread of its own: on the worker that runs the browser tests, Playwright's
    # event loop is running in this one.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, retry()).result()


def wait_until(condition, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_a_worker_killed_mid_send_and_a_new_one_send_the_email_once(
    meeting_class, smtp_server, job_queue
):
    with time_machine.travel(NOW, tick=False):
        run_checks(now=NOW)
    alert = Alert.objects.get()
    smtp_server.hold.clear()

    first = start_worker(smtp_server.port)
    try:
        assert smtp_server.held.wait(30), "the worker never reached the SMTP server"
    finally:
        os.kill(first.pid, signal.SIGKILL)
        first.wait(10)
    smtp_server.hold.set()  # the dead client's conversation ends without a message

    alert.refresh_from_db()
    assert (alert.status, alert.sent_at, smtp_server.messages) == (Alert.Status.PENDING, None, [])
    # The job its worker held is stalled; the periodic check tries it again.
    assert wait_until(lambda: retry_stalled_now() == 1, timeout=10)

    second = start_worker(smtp_server.port)
    try:
        assert wait_until(lambda: Alert.objects.get(pk=alert.pk).status == Alert.Status.SENT)
        time.sleep(1)  # nothing more arrives
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(20)
    # The new worker's periodic checks ran on the machine's clock and may have raised
    # alerts of their own (this day's sessions); this alert's e-mail arrived once.
    assert smtp_server.subjects().count(f"[Attendance] {alert.title}") == 1
