"""HTTP hygiene that only a real server shows (issue 9): a kept database connection
that died is replaced, not a 500; an oversized body is refused before it is read.

One gunicorn process with one thread (production settings, CONN_MAX_AGE=60, as the
README's deployment example), so every request reuses the same database connection.
"""

import contextlib
import socket
import time
import urllib.error
import urllib.request

import pytest
from django.conf import global_settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from bench import servers
from tests.database import database_url
from tests.factories import AdminUserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

# Longer than the server needs to answer a refusal, far shorter than 30 MB takes.
ANSWER_WITHIN_SECONDS = 5


@pytest.fixture(scope="module")
def server(django_db_setup, collected_static, tmp_path_factory):
    """The one server of this module's tests: it needs the test database to exist
    (django_db_setup), not a test's rows; each test still has the transactional
    database and commits what the server must read. Its log covers both tests."""
    env = servers.app_env(database_url(), collected_static, CONN_MAX_AGE="60")
    started = servers.start("server", env, tmp_path_factory.mktemp("server"), workers=1, threads=1)
    try:
        yield started
    finally:
        servers.stop(started)


@pytest.fixture
def session_cookie(transactional_db, settings):
    """A logged-in superuser's session, committed where the server can read it."""
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    client = Client()
    client.force_login(AdminUserFactory())
    return f"sessionid={client.cookies['sessionid'].value}"


def get(server, path, cookie) -> tuple[int, bytes]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{server.port}{path}", headers={"Cookie": cookie}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def terminate_other_connections() -> None:
    """What a database restart does to the server's kept connection."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.05)
    raise AssertionError("the server's connection is still there")


def test_a_kept_connection_that_died_is_replaced_not_a_500(server, session_cookie):
    # A page that reads the database (the session, the report) and renders no template.
    path = reverse("reports:progress_csv")
    assert get(server, path, session_cookie)[0] == 200

    terminate_other_connections()

    status, body = get(server, path, session_cookie)
    assert status == 200, body[:500]
    assert servers.problems_in_log(server) == [], server.log_text()


def test_an_oversized_body_is_refused_before_it_is_read(server):
    """An anonymous multipart POST to the login page announcing 30 MB, of which only
    the first bytes are sent: the answer is 413 at once, not after reading (or
    waiting for) the rest."""
    announced = 30 * 1024 * 1024
    head = (
        f"POST {reverse('login')} HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{server.port}\r\n"
        "Content-Type: multipart/form-data; boundary=fuzz\r\n"
        f"Content-Length: {announced}\r\n"
        "\r\n"
        "--fuzz\r\n"
        'Content-Disposition: form-data; name="username"\r\n\r\n'
    )
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.settimeout(ANSWER_WITHIN_SECONDS)
        sock.sendall(head.encode())
        answer = b""
        with contextlib.suppress(TimeoutError):
            while b"\r\n\r\n" not in answer:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                answer += chunk
    status_line = answer.split(b"\r\n", 1)[0]
    assert status_line.startswith(b"HTTP/1.1 413"), answer[:500] or "no answer in time"
