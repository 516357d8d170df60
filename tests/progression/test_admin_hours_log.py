"""The hours log in the admin: filters, search, CSV export of exactly the filtered rows,
and a changelist that stays fast at a million rows (no full COUNT(*), constant queries)."""

import csv
import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from attendance_project.admin_lists import EstimatedCountPaginator
from attendance_project.csv_export import BOM
from classes.selectors import session_facts
from progression.admin.hours_log import EXPORT_COLUMNS
from progression.models import HoursLog, Progression
from progression.services import HoursEntry, ProgressionService
from tests.factories import (
    AttendanceSessionFactory,
    ClassFactory,
    EnrolmentFactory,
    LearnerFactory,
)

pytestmark = pytest.mark.usefixtures("ledger_checked")

URL = reverse("admin:progression_hourslog_changelist")
EXPORT_URL = reverse("admin:progression_hourslog_export")
FEBRUARY = datetime.date(2026, 2, 10)
MONDAY = datetime.date(2026, 3, 2)
WEDNESDAY = datetime.date(2026, 3, 4)


@pytest.fixture
def ledger(own_facilitator, other_facilitator, admin_user):
    """Two classes of two facilitators and clients; attendance rows and a manual row."""
    ours = ClassFactory(code="JHB-01", facilitator=own_facilitator, client__name="Acme Mining")
    theirs = ClassFactory(code="PTA-07", facilitator=other_facilitator, client__name="Blue Crane")
    zanele = EnrolmentFactory(
        klass=ours, learner=LearnerFactory(first_names="Zanele", surname="Dlamini")
    ).learner
    pieter = EnrolmentFactory(
        klass=theirs,
        learner=LearnerFactory(first_names="Pieter", surname="Nel", id_number="8001015009087"),
    ).learner
    for klass, learner, day, present in [(ours, zanele, MONDAY, 2), (theirs, pieter, WEDNESDAY, 3)]:
        session = AttendanceSessionFactory(klass=klass, session_date=day)
        ProgressionService.log_hours(
            learner,
            3,
            present,
            "attendance",
            session=session_facts(session),
            created_by=own_facilitator,
        )
    # A manual row has no session; its class comes from the progression.
    ProgressionService.log_hours_batch(
        entries=[HoursEntry(zanele.pk, 2, 2, '=HYPERLINK("http://x")')],
        created_by=admin_user,
        log_date=FEBRUARY,
    )
    return {"ours": ours, "theirs": theirs, "zanele": zanele, "pieter": pieter}


def listed(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return {
        (row.learner.surname, row.source, row.log_date)
        for row in response.context["cl"].result_list
    }


ZANELE_ATTENDANCE = ("Dlamini", "attendance", MONDAY)
ZANELE_MANUAL = ("Dlamini", "manual", FEBRUARY)
PIETER_ATTENDANCE = ("Nel", "attendance", WEDNESDAY)


def test_the_list_shows_the_columns_with_a_link_to_the_session(client, admin_user, ledger):
    client.force_login(admin_user)

    response = client.get(URL)

    page = response.content.decode()
    session = HoursLog.objects.get(learner=ledger["pieter"]).session
    assert reverse("admin:classes_attendancesession_change", args=[session.pk]) in page
    assert "Captured session" not in page  # the factory's session is still pending
    for text in ["Pieter Nel", "PTA-07", "Thandi Mokoena", "Ayesha Patel", "Export these rows"]:
        assert text in page
    assert [row.log_date for row in response.context["cl"].result_list] == [
        WEDNESDAY,
        MONDAY,
        FEBRUARY,
    ]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"source__exact": "manual"}, {ZANELE_MANUAL}),
        ({"log_date__gte": "2026-03-01"}, {ZANELE_ATTENDANCE, PIETER_ATTENDANCE}),
        ({"log_date__gte": "2026-03-01", "log_date__lte": "2026-03-02"}, {ZANELE_ATTENDANCE}),
        ({"log_date__lte": "2026-03-02"}, {ZANELE_ATTENDANCE, ZANELE_MANUAL}),
        ({"log_date__gte": "", "log_date__lte": ""}, None),  # empty boxes: no bound
        ({"q": "dlamini"}, {ZANELE_ATTENDANCE, ZANELE_MANUAL}),
        ({"q": "8001015009087"}, {PIETER_ATTENDANCE}),
        ({"q": "PTA-07"}, {PIETER_ATTENDANCE}),
    ],
)
def test_filters_and_search(client, admin_user, ledger, params, expected):
    client.force_login(admin_user)

    assert listed(client, **params) == (
        expected or {ZANELE_ATTENDANCE, ZANELE_MANUAL, PIETER_ATTENDANCE}
    )


def test_filters_by_class_facilitator_and_client(client, admin_user, own_facilitator, ledger):
    client.force_login(admin_user)
    ours = ledger["ours"]

    by_class = listed(client, klass__id__exact=ours.pk)
    # The manual row has no session, but its class is ours: it is found too.
    by_facilitator = listed(client, facilitator=own_facilitator.pk)
    by_client = listed(client, klass__client__id__exact=ledger["theirs"].client_id)

    assert by_class == by_facilitator == {ZANELE_ATTENDANCE, ZANELE_MANUAL}
    assert by_client == {PIETER_ATTENDANCE}


def test_the_facilitator_filter_offers_facilitators_only(client, admin_user, ledger):
    client.force_login(admin_user)

    response = client.get(URL)

    (spec,) = [s for s in response.context["cl"].filter_specs if s.title == "facilitator"]
    assert [name for _, name in spec.lookup_choices] == ["Pieter Botha", "Thandi Mokoena"]


def test_a_bad_date_is_answered_with_the_admins_error_page(client, admin_user, ledger):
    client.force_login(admin_user)

    response = client.get(URL, {"log_date__gte": "not-a-date"})

    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


def read_csv(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="hours-log-')
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text.removeprefix(BOM))))


def test_the_export_button_exports_exactly_the_filtered_rows(client, admin_user, ledger):
    client.force_login(admin_user)
    filters = {"log_date__gte": "2026-03-01", "q": "Dlamini"}
    listing = client.get(URL, filters).content.decode()
    assert f"{EXPORT_URL}?log_date__gte=2026-03-01&amp;q=Dlamini" in listing

    header, *rows = read_csv(client.get(EXPORT_URL, filters))

    assert header == [name for name, _ in EXPORT_COLUMNS]
    expected = HoursLog.objects.get(learner=ledger["zanele"], source="attendance")
    assert rows == [
        [
            str(expected.pk),
            "2026-03-02",
            "Dlamini",
            "Zanele",
            ledger["zanele"].id_number,
            "",
            expected.programme.code,
            expected.programme.name,
            "JHB-01",
            "Acme Mining",
            "facilitator.own",
            "3.00",
            "2.00",
            "attendance",
            str(expected.session_id),
            "facilitator.own",
            "",
            "",
            rows[0][-1],
        ]
    ]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", rows[0][-1])


def test_the_export_of_everything_and_formula_cells(client, admin_user, ledger):
    client.force_login(admin_user)

    header, *rows = read_csv(client.get(EXPORT_URL))

    assert sorted(int(row[0]) for row in rows) == sorted(
        HoursLog.objects.values_list("pk", flat=True)
    )
    (manual,) = [row for row in rows if row[13] == "manual"]
    assert manual[17] == '\'=HYPERLINK("http://x")'  # text to Excel, not a formula


def test_the_export_action_exports_the_selected_rows(client, admin_user, ledger):
    client.force_login(admin_user)
    chosen = list(HoursLog.objects.filter(source="attendance").values_list("pk", flat=True))

    response = client.post(URL, {"action": "export_csv", "_selected_action": chosen, "index": 0})

    header, *rows = read_csv(response)
    assert sorted(int(row[0]) for row in rows) == sorted(chosen)


def test_the_export_action_with_select_all_exports_the_filtered_rows(client, admin_user, ledger):
    client.force_login(admin_user)
    one = HoursLog.objects.filter(source="manual").values_list("pk", flat=True).first()

    response = client.post(
        f"{URL}?source__exact=attendance",
        {"action": "export_csv", "_selected_action": [one], "select_across": "1", "index": 0},
    )

    header, *rows = read_csv(response)
    assert {row[13] for row in rows} == {"attendance"}
    assert len(rows) == 2


def test_facilitators_reach_neither_the_list_nor_the_export(client, own_facilitator, ledger):
    client.force_login(own_facilitator)

    for url in (URL, EXPORT_URL):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def add_rows(count: int, *, learner, analyse: bool = False) -> None:
    """Bulk ledger rows in one statement (and their totals, so rule 10 holds)."""
    progression = Progression.objects.get(learner=learner)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO learner_hours_log (learner_id, class_type_subject_id, class_id,
                tracking_id, log_date, hours_trained, hours_present, source, notes)
            SELECT learner_id, class_type_subject_id, class_id, id,
                   DATE '2025-01-01' + (g %% 365), 1, 1, 'manual', ''
            FROM learner_lp_tracking, generate_series(1, %s) AS g WHERE id = %s
            """,
            [count, progression.pk],
        )
        cursor.execute(
            "UPDATE learner_lp_tracking SET hours_trained = hours_trained + %s,"
            " hours_present = hours_present + %s WHERE id = %s",
            [count, count, progression.pk],
        )
        if analyse:
            cursor.execute("ANALYZE learner_hours_log")


def ledger_counts(queries) -> list[str]:
    return [q["sql"] for q in queries if "COUNT(" in q["sql"] and "learner_hours_log" in q["sql"]]


def test_the_list_never_counts_the_whole_ledger(client, admin_user, ledger):
    client.force_login(admin_user)
    add_rows(150, learner=ledger["pieter"])

    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)

    assert response.status_code == 200
    counts = ledger_counts(queries)
    assert counts, "a small ledger is counted exactly, with a LIMIT"
    for sql in counts:
        assert " LIMIT " in sql or " WHERE " in sql, sql
    assert "153 hours log" in response.content.decode()


def test_above_ten_thousand_rows_the_list_shows_postgresqls_estimate(client, admin_user, ledger):
    client.force_login(admin_user)
    limit = EstimatedCountPaginator.exact_count_limit
    add_rows(limit + 100, learner=ledger["pieter"], analyse=True)

    with CaptureQueriesContext(connection) as queries:
        unfiltered = client.get(URL)
        filtered = client.get(URL, {"source__exact": "manual"})

    # Unfiltered: no COUNT at all, pg_class's estimate. Filtered: a count that stops
    # after the limit, then the planner's estimate.
    assert [sql for sql in ledger_counts(queries) if " WHERE " not in sql] == []
    for response in (unfiltered, filtered):
        assert response.context["cl"].paginator.estimated
        assert re.search(r"about \d+ hours log", response.content.decode())
        assert response.context["cl"].result_count > limit
    page_links = unfiltered.context["cl"].paginator.get_elided_page_range(1)
    assert list(page_links)[-1] == "…"  # no links to pages that may not exist


def test_the_query_count_does_not_grow_with_the_rows_on_the_page(
    client, admin_user, ledger, django_assert_num_queries
):
    client.force_login(admin_user)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for index in range(20):
        klass = ClassFactory(code=f"MORE-{index}")
        learner = EnrolmentFactory(klass=klass).learner
        session = AttendanceSessionFactory(klass=klass)
        ProgressionService.log_hours(
            learner, 3, 1, "attendance", session=session_facts(session), created_by=admin_user
        )

    with django_assert_num_queries(len(few)):
        response = client.get(URL)

    assert len(response.context["cl"].result_list) == 23


def test_the_copy_export_writes_what_the_row_by_row_export_writes(admin_user, klass):
    """PostgreSQL's COPY formats the export; the row-by-row path (SQLite) is the
    reference: same columns, same order, same formula guard, same local times."""
    from progression.admin.hours_log import export_response, export_row_by_row

    learner = EnrolmentFactory(
        klass=klass, learner__surname="=HYPERLINK(1)", learner__passport_number=None
    ).learner
    row = ProgressionService.log_hours(learner, 3, 2, notes="+27 82 000 0000")
    ProgressionService.reverse_hours(row_ids=[row.pk], reason="@typo", created_by=admin_user)
    ProgressionService.log_hours(learner, "1.5", "0.5", notes="plain")
    queryset = HoursLog.objects.order_by("-log_date", "-id")

    def table(response):
        body = b"".join(response.streaming_content).decode()
        assert body.startswith(BOM)
        return list(csv.reader(io.StringIO(body.removeprefix(BOM))))

    copied = table(export_response(queryset))
    reference = table(export_row_by_row(queryset, "x.csv", [n for n, _ in EXPORT_COLUMNS]))

    assert copied == reference
    assert len(copied) == 4
    assert {r[2] for r in copied[1:]} == {"'=HYPERLINK(1)"}
    assert "'@typo" in {r[-2] for r in copied[1:]}
