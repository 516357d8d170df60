"""One definition of progress (issue 5, item 5): for one learner, every place that
shows their progress %, attendance % and page % shows the same numbers, on the page
and in its CSV.

To add a place (the admin's progression list, say), add a Source whose `read`
returns the percentages it shows for a progression, as text like "62.5".
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from progression.models import Progression
from tests.reports.report_data import report_class
from tests.reports.report_pages import csv_table, page_values
from tests.reports.test_progress import run_sessions

pytestmark = pytest.mark.usefixtures("now", "ledger_checked")

# Dlamini: 15 h trained of 12 allocated (shown capped: 100.0; uncapped 125.0),
# 13.5 h present (90.0), page 45 of 200 (22.5).
EXPECTED = {"progress": "100.0", "attendance": "90.0", "page": "22.5"}
UNCAPPED = "125.0"
THE_DEFINITION = "progression/progress.py"


@dataclass(frozen=True)
class Source:
    name: str
    # What this place shows for the progression: {"progress": "100.0", ...}.
    read: Callable[[Client, Progression], dict[str, str]]


def on_page(url_name, **query):
    def read(client, progression):
        values = page_values(client.get(reverse(url_name), query_for(query, progression)))
        return values.metrics[str(progression.pk)]

    return read


def in_csv(url_name, columns, **query):
    """The learner's row of the CSV (found by surname), the named columns' values."""

    def read(client, progression):
        table = csv_table(client.get(reverse(url_name), query_for(query, progression)))
        header = next(row for row in table if set(columns.values()) <= set(row))
        start = table.index(header)
        (row,) = [r for r in table[start + 1 :] if r[:1] == [progression.learner.surname]]
        return {metric: row[header.index(column)] for metric, column in columns.items()}

    return read


def in_admin_list(client, progression):
    """The admin's progression list: the row of the learner, its three percentages."""
    response = client.get(
        reverse("admin:progression_progression_changelist"), {"q": progression.learner.surname}
    )
    rows = re.findall(r"<tr[ >].*?</tr>", response.content.decode(), re.S)
    (row,) = [r for r in rows if f"/{progression.pk}/change/" in r]

    def cell(name):
        return re.search(rf'<td class="field-{name}[^"]*">(.*?)</td>', row, re.S).group(1)

    return {
        "progress": re.search(r"\(([\d.]+) %\)", cell("hours_progress")).group(1),
        "attendance": re.search(r"([\d.]+) %", cell("attendance")).group(1),
        "page": re.search(r"\(([\d.]+) %\)", cell("page_progress")).group(1),
    }


def query_for(query, progression):
    return {k: (v(progression) if callable(v) else v) for k, v in query.items()}


def of_class(progression):
    return progression.klass_id


SOURCES = [
    Source("admin progression list", in_admin_list),
    Source("learner progress", on_page("reports:progress")),
    Source(
        "learner progress CSV",
        in_csv(
            "reports:progress_csv",
            {"progress": "Progress %", "attendance": "Attendance %", "page": "Page %"},
        ),
    ),
    Source("excessive hours", on_page("reports:excessive_hours")),
    Source(
        "excessive hours CSV",
        in_csv(
            "reports:excessive_hours_csv",
            {
                "progress": "Progress %",
                "uncapped": "Uncapped progress %",
                "attendance": "Attendance %",
                "page": "Page %",
            },
        ),
    ),
    # The monthly report has no attendance column.
    Source("class monthly", on_page("reports:class_monthly", **{"class": of_class})),
    Source(
        "class monthly CSV",
        in_csv(
            "reports:class_monthly_csv",
            {"progress": "Hours %", "page": "Page %"},
            **{"class": of_class},
        ),
    ),
    Source("regulatory", on_page("reports:regulatory")),
    Source(
        "regulatory CSV",
        in_csv(
            "reports:regulatory_csv",
            {"progress": "Progress %", "attendance": "Attendance %", "page": "Page %"},
        ),
    ),
]


def test_every_report_and_csv_shows_the_same_percentages_for_a_learner(
    client, admin_user, own_facilitator
):
    klass = report_class(own_facilitator, code="ONE-1", allocated="12", capped=True)
    run_sessions(klass, own_facilitator)
    dlamini = Progression.objects.get(learner__surname="Dlamini")
    client.force_login(admin_user)

    shown = {source.name: source.read(client, dlamini) for source in SOURCES}

    for name, values in shown.items():
        assert values.pop("uncapped", UNCAPPED) == UNCAPPED, name
        assert values, f"{name} shows none of the percentages"
        assert values == {k: v for k, v in EXPECTED.items() if k in values}, name
    # Each percentage is shown somewhere more than once, so "the same" means something.
    for metric in EXPECTED:
        assert sum(metric in values for values in shown.values()) >= 4, metric


PERCENT_ARITHMETIC = re.compile(r"\*\s*(100|HUNDRED)\b|\b(100|HUNDRED)\s*\*|widthratio|/\s*100\b")


def test_no_other_module_or_template_computes_a_percentage():
    """A guard for the rule above: only progression/progress.py multiplies by 100."""
    root = Path(settings.BASE_DIR)
    found = [
        f"{path.relative_to(root)}:{number}: {line.strip()}"
        for folder in ("attendance_project", "classes", "learners", "progression", "templates")
        for path in sorted((root / folder).rglob("*"))
        if path.suffix in (".py", ".html") and "migrations" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if PERCENT_ARITHMETIC.search(line)
    ]
    assert [line for line in found if not line.startswith(THE_DEFINITION)] == []
    assert found, "the guard's pattern no longer finds progression.progress.percent"
