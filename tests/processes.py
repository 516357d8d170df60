"""Running the project in other processes (app servers, manage.py) against the test
database. They see only committed rows, so tests that use these helpers need the
transactional database."""

import datetime
import os
import subprocess

from django.conf import settings

from tests.database import database_url

BASE_DIR = settings.BASE_DIR
__all__ = ["BASE_DIR", "database_url", "pinned_clock_env", "project_env", "without_faketime"]


def project_env(**overrides: str) -> dict[str, str]:
    """This process's environment, pointed at the test database, plus `overrides`."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "attendance_project.settings",
        "DATABASE_URL": database_url(),
        "PYTHONUNBUFFERED": "1",
    }
    # A replica the developer configured is not part of what the tests set up.
    env.pop("DATABASE_REPLICA_URL", None)
    return env | overrides


FAKETIME_LIBRARIES = ("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
                      "/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1")  # fmt: skip


def without_faketime(env: dict[str, str]) -> dict[str, str]:
    """`env` with any libfaketime (scripts/at-clock) taken out."""
    preload = [lib for lib in env.get("LD_PRELOAD", "").split() if "faketime" not in lib]
    clean = {k: v for k, v in env.items() if not k.startswith("FAKETIME") and k != "LD_PRELOAD"}
    if preload:
        clean["LD_PRELOAD"] = " ".join(preload)
    return clean


def pinned_clock_env(at: datetime.datetime) -> dict[str, str]:
    """The variables that start a child process's wall clock at `at`, ticking on from
    there (libfaketime's offset form, as scripts/at-clock uses): app servers in other
    processes, which time-machine cannot reach, run on the test's pinned clock.

    The offset is from the real clock, read by a child without libfaketime (this
    process may itself run under scripts/at-clock, and time-machine patches its clock)."""
    library = next((lib for lib in FAKETIME_LIBRARIES if os.path.exists(lib)), None)
    if library is None:
        raise RuntimeError("libfaketime is missing: apt-get install faketime (.ci/run does)")
    real = int(
        subprocess.run(
            ["date", "+%s"], env=without_faketime(dict(os.environ)), capture_output=True,
            text=True, check=True,
        ).stdout
    )  # fmt: skip
    preload = without_faketime(dict(os.environ)).get("LD_PRELOAD", "")
    return {
        "LD_PRELOAD": f"{preload} {library}".strip(),
        "FAKETIME": f"{int(at.timestamp()) - real:+d}",
    }
