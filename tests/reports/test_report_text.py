"""The report CSVs' fast paths give the same characters as the definitions they stand in
for (issue 10): the text PostgreSQL writes (reports.common, progression's
Percent) against the Python functions, each report CSV written by the database against
the same CSV formatted in Python, RemainingPlan against project(), and csv_line against
the csv module's writer."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Value
from django.db.models.sql import Query
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attendance_project.csv_export import csv_line, safe_cell
from classes.models import Enrolment
from classes.stored_plan import RemainingSession
from learners.models import Learner
from progression.progress import percent, progress_shown
from reports import learner_progress, regulatory
from reports.common import (
    CsvCell,
    DateText,
    HoursText,
    date_text,
    hours_text,
    label_text,
    percent_text,
    percent_text_sql,
)
from reports.projection import RemainingPlan, project
from tests.factories import ClassFactory, EnrolmentFactory, LearnerFactory
from tests.reports.report_data import FEB_16, MAR_9, capture, report_class
from tests.reports.test_progress import FIVE_SESSIONS, run_sessions

pytestmark = pytest.mark.usefixtures("now", "ledger_checked")

# A test database and a few hundred values per example: one query each.
db_settings = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def in_sql(expressions):
    """The values of expressions over constants, computed by PostgreSQL in one query."""
    query = Query(None)
    compiler = query.get_compiler(using="default")
    parts, params = [], []
    for expression in expressions:
        sql, expression_params = compiler.compile(expression.resolve_expression(query))
        parts.append(sql)
        params.extend(expression_params)
    if not parts:
        return []
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)}", params)
        return ["" if value is None else value for value in cursor.fetchone()]


def decimals(places, top=10**7):
    """Numbers as the columns hold them: numeric with `places` decimal places."""
    return st.decimals(min_value=0, max_value=top, places=places, allow_nan=False)


D = Decimal
hours = st.one_of(decimals(2), decimals(1), st.integers(0, 10**6).map(Decimal))


@pytest.mark.django_db
@db_settings
@given(st.lists(hours, max_size=60))
def test_hours_text_in_sql_is_hours_text(values):
    assert in_sql([HoursText(Value(v)) for v in values]) == [hours_text(v) for v in values]


@pytest.mark.django_db
@db_settings
@given(
    st.lists(
        st.tuples(
            st.one_of(decimals(2), st.integers(1, 500).map(Decimal)),
            st.one_of(decimals(2), st.integers(0, 500).map(Decimal), st.just(Decimal("0.00"))),
        ),
        max_size=60,
    ),
    st.booleans(),
)
def test_percentages_in_sql_are_progressions(pairs, capped):
    python = progress_shown if capped else percent
    expected = [percent_text(python(part, whole)) for part, whole in pairs]
    sql = [percent_text_sql(Value(part), Value(whole), capped=capped) for part, whole in pairs]
    assert in_sql(sql) == expected


@pytest.mark.django_db
def test_percentages_in_sql_on_the_edges():
    # Half-tenths exactly (rounded up), just below and above, no whole, a zero whole.
    pairs = [
        (D(1), D(8)), (D(1), D(16)), (D(3), D(16)), (D("0.01"), D(200)), (D("0.03"), D(200)),
        (D(2), D(3)), (D(1), D(3)), (D(5), D(0)), (D("150.5"), D(120)), (D(0), D(7)),
        (D("83.33"), D("83.34")), (D(1), D(80000)),
    ]  # fmt: skip
    for capped in (False, True):
        python = progress_shown if capped else percent
        sql = [percent_text_sql(Value(p), Value(w), capped=capped) for p, w in pairs]
        assert in_sql(sql) == [percent_text(python(p, w)) for p, w in pairs]
    assert in_sql([percent_text_sql(Value(D(1)), Value(None, output_field=None))]) == [""]


@pytest.mark.django_db
@db_settings
@given(st.lists(st.dates(min_value=datetime.date(1900, 1, 1)), max_size=40))
def test_date_text_in_sql_is_date_text(days):
    assert in_sql([DateText(Value(day)) for day in days]) == [date_text(day) for day in days]


@pytest.mark.django_db
def test_labels_in_sql_are_the_choices_labels():
    races = dict(Learner.Race.choices)
    stored = [*races, "not-a-choice"]
    assert in_sql([label_text(Value(v), races) for v in stored]) == [
        races.get(v, v) for v in stored
    ]


@pytest.mark.django_db
@db_settings
@given(
    st.lists(st.text(alphabet=st.sampled_from("ab ,\"\r\n\t'=+-@é;"), max_size=8), max_size=30),
    st.booleans(),
)
def test_a_csv_cell_in_sql_is_the_guarded_quoted_cell(texts, guard):
    def python(text):
        # A second cell, so that a lone empty cell is not written as "".
        return csv_line([safe_cell(text) if guard else text, "z"]).removesuffix(",z\r\n")

    assert in_sql([CsvCell(Value(t), guard=guard) for t in texts]) == [python(t) for t in texts]
    assert in_sql([CsvCell(Value(None, output_field=None), guard=guard)]) == [""]


# ---- Each report CSV: written by the database, and formatted in Python.


@pytest.fixture
def every_case(own_facilitator):
    """Progressions of every kind the reports distinguish: reached, a date, at risk, a
    leaver, no schedule, on hold, completed; names a spreadsheet would misread."""
    progress = report_class(own_facilitator, code="PROG-1")
    run_sessions(progress, own_facilitator)
    short = report_class(own_facilitator, code="SHORT-1", end=MAR_9, surnames=('=HYPERLINK("x")',))
    run_sessions(short, own_facilitator, {d: rows[:1] for d, rows in FIVE_SESSIONS.items()})
    done = report_class(
        own_facilitator,
        code="-DONE,1",
        allocated="12",
        surnames=("Zulu, Jr",),
        client__name='Acme "Best", Ltd',
    )
    run_sessions(done, own_facilitator, {d: rows[:1] for d, rows in FIVE_SESSIONS.items()})
    Enrolment.objects.filter(klass=progress, learner__surname="Nkosi").update(
        end_date=MAR_9, status=Enrolment.Status.WITHDRAWN
    )
    EnrolmentFactory(klass=ClassFactory(facilitator=own_facilitator), learner__surname="Bare")
    hold = report_class(own_facilitator, code="HOLD-1", surnames=("Mokoena",))
    capture(hold, FEB_16, own_facilitator, [(3, 4)])
    EnrolmentFactory(
        klass=report_class(own_facilitator, code="NEXT-1", surnames=()),
        learner=Enrolment.objects.get(klass=hold).learner,
    )
    EnrolmentFactory(
        klass=progress,
        learner=LearnerFactory(
            surname='O"Brien', first_names="Line\nbreak", id_number=None, passport_number="P1"
        ),
    )


def test_the_progress_csv_is_the_same_written_by_the_database_or_in_python(every_case):
    today = datetime.date(2026, 3, 4)
    for filters in (
        learner_progress.ProgressFilters(),
        learner_progress.ProgressFilters(status="in_progress"),
    ):
        texts = [
            "".join(
                learner_progress.csv_text(
                    filters, today=today, using="default", in_database=in_database
                )
            )
            for in_database in (True, False)
        ]
        assert texts[0] == texts[1]
        assert texts[0].count("\r\n") > 4


def test_the_regulatory_csv_is_the_same_written_by_the_database_or_in_python(every_case):
    dates = regulatory.DateRange(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    texts = [
        "".join(regulatory.csv_text(dates, using="default", in_database=in_database))
        for in_database in (True, False)
    ]
    assert texts[0] == texts[1]
    assert texts[0].count("\r\n") > 8


# ---- RemainingPlan is project() over the sessions up to a day.

sessions = st.lists(
    st.tuples(st.integers(1, 12).map(lambda half_hours: Decimal(half_hours) / 2)),
    max_size=30,
).map(
    lambda hours: [
        RemainingSession(datetime.date(2026, 3, 2) + datetime.timedelta(days=2 * n), h)
        for n, (h,) in enumerate(hours)
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    sessions,
    st.integers(0, 400).map(lambda n: Decimal(n) / 2),
    st.integers(0, 400).map(lambda n: Decimal(n) / 2),
    st.one_of(st.none(), st.integers(-3, 70)),
)
def test_the_remaining_plan_projects_as_project_does(remaining, trained, allocated, until):
    day = None if until is None else datetime.date(2026, 3, 2) + datetime.timedelta(days=until)
    plan = RemainingPlan([s.date for s in remaining], [s.hours for s in remaining])
    up_to = [s for s in remaining if day is None or s.date <= day]

    assert plan.projection(hours_trained=trained, allocated=allocated, until=day) == project(
        hours_trained=trained, allocated=allocated, remaining=up_to
    )


# ---- csv_line writes what the csv module writes.

cells = st.one_of(
    st.none(),
    st.text(alphabet=st.sampled_from("ab ,\"\r\n'=-é;")),
    st.integers(),
    st.decimals(allow_nan=False, allow_infinity=False, places=2),
)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.lists(cells, min_size=1, max_size=6), max_size=5))
def test_csv_line_is_the_csv_writers_line(rows):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)

    assert "".join(csv_line(row) for row in rows) == buffer.getvalue()
