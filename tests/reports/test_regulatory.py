"""The regulatory export: progressions active in a date range, with identity and hours."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from progression.models import Progression
from reports.common import ROWS_PER_PAGE
from reports.regulatory import CSV_HEADER, portfolio_submitted
from tests.factories import ClientFactory, EnrolmentFactory, LearnerFactory
from tests.reports.report_data import FEB_16, report_class
from tests.reports.report_pages import csv_table, page_values
from tests.reports.test_progress import run_sessions

pytestmark = pytest.mark.usefixtures("now", "ledger_checked")

URL = reverse("reports:regulatory")
CSV_URL = reverse("reports:regulatory_csv")


def complete(progression, on):
    # Marking complete is the admin branch's service; here only the row's state matters.
    Progression.objects.filter(pk=progression.pk).update(status="completed", completion_date=on)


@pytest.fixture
def regulatory_class(own_facilitator):
    klass = report_class(own_facilitator, code="REG-1", surnames=())
    employer = ClientFactory(name="Mzansi Steel")
    EnrolmentFactory(
        klass=klass,
        start_date=FEB_16,
        learner=LearnerFactory(
            surname="Dlamini", first_names="Zanele", id_number="8501015800083", employer=employer
        ),
    )
    EnrolmentFactory(
        klass=klass,
        start_date=FEB_16,
        learner=LearnerFactory(
            surname="Nkosi", first_names="Sipho", id_number=None, passport_number="A1234567",
            gender="male",
        ),
    )  # fmt: skip
    run_sessions(klass, own_facilitator)
    return klass


def test_one_row_per_progression_with_what_regulators_ask_for(client, admin_user, regulatory_class):
    client.force_login(admin_user)
    lp = regulatory_class.programme
    client_name = regulatory_class.client.name

    rows = page_values(client.get(URL)).rows

    assert rows == [
        ["Dlamini", "Zanele", "8501015800083", "", "African", "Female", lp.code, lp.name, "24",
         "REG-1", client_name, "Mzansi Steel", "2026-02-16", "", "15", "13.5", "1.5",
         "62.5", "90.0", "22.5", "In progress", "No"],
        ["Nkosi", "Sipho", "", "A1234567", "African", "Male", lp.code, lp.name, "24",
         "REG-1", client_name, "", "2026-02-16", "", "15", "7.5", "7.5",
         "62.5", "50.0", "10.0", "In progress", "No"],
    ]  # fmt: skip


def test_progressions_active_in_the_range(client, admin_user, own_facilitator):
    klass = report_class(
        own_facilitator, code="RANGE-1", surnames=(), start=datetime.date(2025, 6, 2)
    )
    starts = {
        "Early": datetime.date(2025, 6, 2),  # completed 15 December 2025
        "Edge": datetime.date(2025, 6, 2),  # completed 1 January 2026
        "Running": datetime.date(2025, 9, 1),
        "Later": datetime.date(2026, 5, 4),
    }
    for surname, start in starts.items():
        EnrolmentFactory(klass=klass, start_date=start, learner__surname=surname)
    complete(Progression.objects.get(learner__surname="Early"), datetime.date(2025, 12, 15))
    complete(Progression.objects.get(learner__surname="Edge"), datetime.date(2026, 1, 1))
    client.force_login(admin_user)

    def surnames(**query):
        return [row[0] for row in page_values(client.get(URL, query)).rows]

    assert surnames() == ["Edge", "Later", "Running"]  # this year, by default
    assert surnames(start="2026-01-02", end="2026-04-30") == ["Running"]
    assert surnames(start="2025-12-15", end="2025-12-15") == ["Early", "Edge", "Running"]
    assert surnames(start="2026-04-30", end="2026-01-02") == ["Running"]  # swapped
    assert surnames(start="yesterday", end="2026-13-01") == ["Edge", "Later", "Running"]
    edge = page_values(client.get(URL)).rows[0]
    assert (edge[12], edge[13], edge[20]) == ("2025-06-02", "2026-01-01", "Completed")


def test_portfolio_submitted_follows_the_uploaded_file(client, admin_user, regulatory_class):
    dlamini = Progression.objects.get(learner__surname="Dlamini")
    assert portfolio_submitted(dlamini) is False
    dlamini.portfolio.save("evidence.pdf", ContentFile(b"%PDF-1.7 evidence"), save=True)
    assert portfolio_submitted(dlamini) is True
    client.force_login(admin_user)
    shown = {row[0]: row[-1] for row in page_values(client.get(URL)).rows}
    assert sorted(shown.values()) == ["No", "Yes"]
    table = csv_table(client.get(CSV_URL))
    assert sorted(row[-1] for row in table[1:]) == ["No", "Yes"]


def test_the_csv_is_the_page_for_the_same_range(client, admin_user, regulatory_class):
    client.force_login(admin_user)
    for query in ({}, {"start": "2026-02-01", "end": "2026-02-28"}, {"start": "2027-01-01"}):
        table = csv_table(client.get(CSV_URL, query))
        assert table[0] == CSV_HEADER
        assert table[1:] == page_values(client.get(URL, query)).rows
    assert csv_table(client.get(CSV_URL, {"start": "2025-01-01", "end": "2025-12-31"})) == [
        CSV_HEADER
    ]


def test_the_csv_has_every_page(client, admin_user, own_facilitator):
    report_class(own_facilitator, surnames=[f"Learner{n:03d}" for n in range(ROWS_PER_PAGE + 2)])
    client.force_login(admin_user)

    pages = [page_values(client.get(URL, {"page": n})).rows for n in (1, 2)]
    table = csv_table(client.get(CSV_URL, {"page": 2}))

    assert [len(rows) for rows in pages] == [ROWS_PER_PAGE, 2]
    assert table[1:] == pages[0] + pages[1]


def test_the_query_count_does_not_grow_with_the_rows(
    client, admin_user, own_facilitator, django_assert_num_queries
):
    client.force_login(admin_user)
    report_class(own_facilitator, surnames=[f"A{n}" for n in range(5)])
    with CaptureQueriesContext(connection) as five:
        assert len(page_values(client.get(URL)).rows) == 5
    with CaptureQueriesContext(connection) as five_csv:
        assert len(csv_table(client.get(CSV_URL))) == 6

    report_class(own_facilitator, surnames=[f"B{n}" for n in range(35)])
    with django_assert_num_queries(len(five)):
        assert len(page_values(client.get(URL)).rows) == 40
    with django_assert_num_queries(len(five_csv)):
        assert len(csv_table(client.get(CSV_URL))) == 41
