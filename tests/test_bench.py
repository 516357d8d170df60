"""`make bench` at a tiny scale, once (issue 6): it runs from start to end, prints its
table, and its assertions hold — the same number of queries per capture at 5, 30 and
100 learners, an index scan for the admin's filtered hours-log query, no errors under
load and a clean ledger afterwards. Timings are printed, never asserted."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

pytestmark = pytest.mark.integration


def test_the_bench_runs_at_a_small_scale(tmp_path):
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip("the bench needs PostgreSQL")
    output = tmp_path / "results.json"
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--smoke", f"--output={output}"],
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
    assert latest["index_only_scan"], latest["plan"]
    assert latest["rows"] > 0
    assert results["admin"]["explain"]["index_scan"], results["admin"]["explain"]["text"]
    assert results["load"]["errors"] == []
    assert results["load"]["captures"] > 0
    assert results["load"]["after"]["check_hours_clean"]
