"""attendance_project's CSV and SVG helpers, and the one base of refusals."""

import csv
import io
from decimal import Decimal

import pytest

from attendance_project.csv_export import BOM, csv_response
from attendance_project.errors import ServiceError
from attendance_project.svg import attendance_trend, progress_bar
from classes.services import ClassError, Refused
from progression.services import ProgressionError
from submissions.keys import InvalidSubmission


def test_csv_streams_with_a_bom_and_neutralises_formulas():
    rows = iter([["Ndlovu-Müller", "=HYPERLINK(1)", 3], ["Dlamini", "-2", Decimal("1.5")]])
    response = csv_response("hours.csv", ["name", "note", "hours"], rows)

    body = b"".join(response.streaming_content).decode("utf-8")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="hours.csv"'
    assert body.startswith(BOM)
    assert list(csv.reader(io.StringIO(body.removeprefix(BOM)))) == [
        ["name", "note", "hours"],
        ["Ndlovu-Müller", "'=HYPERLINK(1)", "3"],
        ["Dlamini", "'-2", "1.5"],
    ]


def test_progress_bar_is_clamped_and_labelled():
    assert 'width="40.0"' in progress_bar(Decimal("40"))
    assert 'width="100.0"' in progress_bar(Decimal("130"))
    assert "no data" in progress_bar(None)
    assert "style=" not in progress_bar(Decimal("10"))


def test_attendance_trend_draws_a_bar_per_period_and_reads_out_the_numbers():
    svg = attendance_trend(
        [("week of 16 Feb", Decimal("100.0")), ("week of 23 Feb", None), ("w3", Decimal("50.0"))]
    )

    assert svg.count("<rect") == 3
    assert 'height="100.0"' in svg  # full attendance: the full height
    assert 'height="4.0"' in svg  # no session: a stub, in grey
    assert 'height="50.0"' in svg
    assert "#b86e00" in svg  # low attendance: the warning colour
    assert "<title>week of 23 Feb: no session</title>" in svg
    assert (
        'aria-label="Attendance week of 16 Feb: 100.0%; week of 23 Feb: no session; w3: 50.0%"'
        in svg
    )
    assert "style=" not in svg
    assert "No attendance yet" in attendance_trend([])


def test_csv_guards_only_the_text_columns_it_is_told_about_and_sends_blocks():
    from attendance_project.csv_export import BLOCK_ROWS, csv_lines

    rows = [["=1+1", "=2+2", n] for n in range(BLOCK_ROWS + 5)]
    chunks = list(csv_lines(["a", "b", "n"], rows, text_columns=[1]))

    # The header at once (the download starts before any row is computed), one full
    # block, then the rest.
    assert len(chunks) == 3
    assert chunks[0] == BOM + "a,b,n\r\n"
    table = list(csv.reader(io.StringIO("".join(chunks).removeprefix(BOM))))
    assert table[1] == ["=1+1", "'=2+2", "0"]
    assert len(table) == BLOCK_ROWS + 6


@pytest.mark.parametrize("error", [Refused, ClassError, ProgressionError, InvalidSubmission])
def test_every_apps_refusal_is_a_service_error_carrying_its_message(error):
    refused = error("Nothing was written.")
    assert isinstance(refused, ServiceError)
    assert refused.message == str(refused) == "Nothing was written."
