"""A real SMTP server in the test process (aiosmtpd) and the real job queue."""

from __future__ import annotations

import email
import socket
import threading

import pytest
from aiosmtpd.controller import Controller
from django.db import connection

from tests.conftest import MONDAY
from tests.factories import EnrolmentFactory, ScheduleFactory


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """What the server accepted; `refuse` makes it answer every message with a 554;
    `hold` makes it wait before answering the first recipient (a send in flight)."""

    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []
        self.refuse = False
        self.hold = threading.Event()
        self.hold.set()
        self.held = threading.Event()
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if not self.hold.is_set():
            self.held.set()
            import asyncio

            while not self.hold.is_set():
                await asyncio.sleep(0.05)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return "554 5.7.1 Refused by the test server"
        with self.lock:
            self.messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted"

    def subjects(self) -> list[str]:
        with self.lock:
            return sorted(str(m["Subject"]) for m in self.messages)


@pytest.fixture
def smtp_server(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    settings.ALERTS_RETRY_SECONDS = 0
    inbox.port = controller.port
    yield inbox
    inbox.hold.set()
    controller.stop()


QUEUE_TABLES = (
    "procrastinate_events",
    "procrastinate_periodic_defers",
    "procrastinate_jobs",
    "procrastinate_workers",
)


@pytest.fixture
def job_queue(transactional_db):
    """procrastinate's tables, empty before and after (Django's flush does not know
    them: their models are not managed)."""

    def empty():
        with connection.cursor() as cursor:
            for table in QUEUE_TABLES:
                cursor.execute(f"DELETE FROM {table}")

    empty()
    yield
    empty()


@pytest.fixture
def meeting_class(klass):
    """Mondays and Wednesdays 09:00–12:00 from Monday 2 March 2026, two learners."""
    ScheduleFactory(klass=klass, start_date=MONDAY)
    for surname in ("Dlamini", "Nkosi"):
        EnrolmentFactory(klass=klass, learner__surname=surname, start_date=MONDAY)
    return klass
