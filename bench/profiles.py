"""Where the time goes: pyinstrument profiles of a 30-learner capture (the service
call, and the whole request in-process) and of the admin's hours-log first page,
written to bench/profiles/ for the notes in bench/HISTORY.md."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.test import Client as DjangoClient
from django.urls import reverse

from bench import capture
from bench.seed import ADMIN_USERNAME
from submissions.keys import issue_key


def write_all(*, user, group, folder: Path) -> dict:
    try:
        from pyinstrument import Profiler
    except ImportError:  # a dev extra; the bench runs without it
        return {"skipped": "pyinstrument is not installed"}
    folder.mkdir(parents=True, exist_ok=True)
    client = DjangoClient()
    client.force_login(user)
    admin = DjangoClient()
    admin.force_login(get_user_model().objects.get(username=ADMIN_USERNAME))
    cc, day, values = group.take()
    post_cc, post_day, post_values = group.take()
    post_url = reverse("classes:capture", args=[post_cc.klass.pk, post_day])
    post_form = capture.capture_form("", post_values, issue_key(user=user, purpose=post_url))
    jobs = {
        "capture-service-30": lambda: capture.run_service(cc, user, day, values),
        "capture-request-30": lambda: client.post(post_url, post_form),
        "admin-hourslog-first-page": lambda: admin.get(
            reverse("admin:progression_hourslog_changelist")
        ),
    }
    written = {}
    for name, job in jobs.items():
        profiler = Profiler(interval=0.0005)
        with profiler:
            job()
        path = folder / f"{name}.txt"
        path.write_text(profiler.output_text(unicode=True, show_all=False))
        written[name] = str(path)
    return written
