"""gunicorn app servers on loopback for the HTTP measurements and the load phase.

Production settings (DEBUG off, manifest static files, persistent database
connections as the README's deployment section recommends), plain HTTP on
127.0.0.1. The gthread worker, because gunicorn's sync worker closes every
connection after one response and the bench's clients keep theirs alive.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

STARTUP_SECONDS = 30


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


def app_env(database_url: str, static_root: Path, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "attendance_project.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": "bench-secret-key-not-for-production-" + "x" * 20,
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "HTTPS": "false",
        "STATIC_ROOT": str(static_root),
        "CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DATABASE_REPLICA_URL", None)
    return env | extra


def collect_static(static_root: Path, database_url: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity=0"],
        cwd=settings.BASE_DIR,
        env=app_env(database_url, static_root),
        check=True,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(
    name: str, env: dict[str, str], folder: Path, workers: int = 2, threads: int = 4
) -> Server:
    port = free_port()
    log = folder / f"{name}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "attendance_project.wsgi",
                f"--bind=127.0.0.1:{port}",
                f"--workers={workers}",
                "--worker-class=gthread",
                f"--threads={threads}",
                "--keep-alive=120",
                "--no-control-socket",
                "--graceful-timeout=5",
                "--timeout=120",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(name, port, process, log)
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited:\n{server.log_text()}")
        login = f"http://127.0.0.1:{port}/accounts/login/"
        with contextlib.suppress(OSError), urllib.request.urlopen(login, timeout=5):
            return server
        time.sleep(0.1)
    stop(server)
    raise RuntimeError(f"{name} did not answer in {STARTUP_SECONDS} s:\n{server.log_text()}")


def stop(server: Server) -> None:
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGTERM)
        try:
            server.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait(timeout=10)


def problems_in_log(server: Server) -> list[str]:
    """Lines that mean a request failed inside the server (a 500, a killed worker)."""
    return [
        line
        for line in server.log_text().splitlines()
        if "Traceback" in line or "[CRITICAL]" in line or "[ERROR]" in line
    ]
