"""A statement's files: the PDF (WeasyPrint, through the registers' renderer and
stylesheet) and the CSV, of a billing.statements.StatementView. A closed month's
files are made once, at the close, and stored with the statement; downloads of a
closed statement send the stored bytes, so they are the same file byte for byte.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model

from attendance_project.csv_export import BOM, csv_line, safe_cell
from billing.payable import RULE_LABELS, STATUS_LABELS
from billing.statements import FACILITATOR, StatementView
from learners.models import Client

PDF_TEMPLATE = "billing/statement_pdf.html"
STYLESHEET = Path(__file__).resolve().parent / "assets" / "statement.css"

FACILITATOR_COLUMNS = [
    "line",
    "for_month",
    "date",
    "class",
    "status",
    "rule",
    "hours",
    "rate",
    "amount",
    "description",
]
CLIENT_COLUMNS = [
    "line",
    "for_month",
    "class",
    "learner",
    "days",
    "hours",
    "rate",
    "amount",
    "description",
]


def _person(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def statement_context(view: StatementView) -> dict[str, Any]:
    """What the statement page and its PDF show besides the lines."""
    client = Client.objects.get(pk=view.client_id)
    facilitator = (
        get_user_model().objects.filter(pk=view.facilitator_id).first()
        if view.facilitator_id
        else None
    )
    return {
        "view": view,
        "client": client,
        "facilitator": facilitator,
        "facilitator_name": _person(facilitator),
        "is_facilitator": view.kind == FACILITATOR,
        "status_labels": STATUS_LABELS,
        "rule_labels": RULE_LABELS,
    }


def statement_pdf(view: StatementView) -> bytes:
    # Imported here: WeasyPrint loads when a statement is printed, not with the URLs.
    from classes.registers.pdf import render_pdf

    return render_pdf(PDF_TEMPLATE, statement_context(view), extra_stylesheets=[STYLESHEET])


def statement_csv(view: StatementView) -> str:
    """The statement as CSV: one row per line and adjustment, then the total; text
    cells that a spreadsheet would run as a formula are quoted (safe_cell)."""
    facilitator = view.kind == FACILITATOR
    columns = FACILITATOR_COLUMNS if facilitator else CLIENT_COLUMNS
    rows = [csv_line(columns)]
    for line in view.all_lines:
        kind = "adjustment" if line.for_month else ("session" if facilitator else "learner")
        for_month = (line.for_month or view.month).strftime("%Y-%m")
        if facilitator:
            cells = [
                kind,
                for_month,
                line.session_date.isoformat() if line.session_date else "",
                line.class_code,
                STATUS_LABELS.get(line.status, line.status),
                line.rule,
                line.hours,
                line.rate,
                line.amount,
                line.description,
            ]
        else:
            cells = [
                kind,
                for_month,
                line.class_code,
                line.learner_name,
                line.days,
                line.hours,
                line.rate,
                line.amount,
                line.description,
            ]
        rows.append(csv_line(safe_cell(cell) for cell in cells))
    total: dict[str, object] = dict.fromkeys(columns, "")
    total.update(
        line="total", for_month=view.month.strftime("%Y-%m"), hours=view.hours, amount=view.amount
    )
    rows.append(csv_line(total[column] for column in columns))
    return BOM + "".join(rows)
