"""`make bench` at a tiny scale, once (issue 6): it runs from start to end, prints its
table, and its assertions hold — the same number of queries per capture at 5, 30 and
100 learners, an index scan for the admin's filtered hours-log query, no errors under
load and a clean ledger afterwards. Timings are printed, never asserted."""

import datetime
import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.integration


def test_the_bench_runs_at_a_small_scale(tmp_path, collected_static):
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip("the bench needs PostgreSQL")
    output = tmp_path / "results.json"
    # The run's collectstatic output (tests/conftest.py), not a second one: the same
    # files, and `make bench`'s own collectstatic is the fixture's function.
    command = [
        "-m",
        "bench",
        "--smoke",
        f"--output={output}",
        f"--collected-static={collected_static}",
    ]
    result = subprocess.run(
        [sys.executable, *command],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = result.stdout + result.stderr
    assert result.returncode == 0, report[-6000:]
    headings = (
        "Capture",
        "Class page",
        "Admin hours log",
        "Latest page of every progression",
        "Export",
        "Report pages",
        "Load",
    )
    for heading in (*headings, "Targets"):
        assert heading in result.stdout, report[-6000:]

    results = json.loads(output.read_text())
    assert results["failures"] == []
    # Statements per capture: the same at 5, 30 and 100 learners, and no more than
    # issue 11 allows (BEGIN and COMMIT counted).
    for path, most in (("service", 6), ("view", 8)):
        by_size = results["capture"]["queries"][path]
        assert len(set(by_size.values())) == 1, by_size
        assert max(by_size.values()) <= most, by_size
    latest = results["latest_pages"]
    assert latest["reads_stored_pages"], latest["plan"]
    assert latest["rows"] > 0
    assert results["admin"]["explain"]["index_scan"], results["admin"]["explain"]["text"]
    assert results["load"]["errors"] == []
    assert results["load"]["captures"] > 0
    assert results["load"]["after"]["check_hours_clean"]


def test_the_load_fills_in_every_learner_of_the_capture_page(client, klass, now, own_facilitator):
    """The load phase posts what it reads off the real capture page: a learner with no
    page on record yet ("No page completed yet") is filled in too, or the form would be
    refused as partly filled (issue 12) and counted as a load error."""
    from bench.load import capture_form
    from classes.services import LearnerEntry, capture_session
    from tests.classes.conftest import MONDAY, roster_ids
    from tests.factories import EnrolmentFactory, ScheduleFactory

    ScheduleFactory(klass=klass)
    EnrolmentFactory.create_batch(3, klass=klass)
    first, *others = roster_ids(klass)
    earlier = MONDAY - datetime.timedelta(days=7)
    capture_session(
        klass=klass,
        session_date=earlier,
        recorded_by=own_facilitator,
        entries=[LearnerEntry(first, "2", "4")] + [LearnerEntry(pk, "2", "") for pk in others],
    )
    client.force_login(own_facilitator)
    url = reverse("classes:capture", args=[klass.pk, MONDAY])

    form, roster = capture_form(client.get(url).content.decode())
    response = client.post(url, form)

    assert roster == 3
    assert form[f"page_{first}"] == "7"
    assert response.status_code == 302
