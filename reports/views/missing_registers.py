"""The office's report of captured sessions still missing their signed register, and
its CSV (reports.missing_registers). Plumbing only, like the other report pages."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from attendance_project.csv_export import csv_response
from attendance_project.db import reporting_db
from attendance_project.parsing import parse_id
from reports import missing_registers as missing
from reports.common import ROWS_PER_PAGE
from reports.views.reports import staff_report


@staff_report
def missing_signed_registers(request):
    facilitator_id = parse_id(request.GET.get("facilitator"))
    today, db = timezone.localdate(), reporting_db()
    sessions = missing.missing_signed_registers(using=db, facilitator_id=facilitator_id)
    page = Paginator(sessions, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": [(session, missing.days_since(session, today)) for session in page],
        "today": today,
        "facilitator_id": facilitator_id,
        "facilitators": missing.facilitator_choices(using=db),
    }
    return render(request, "reports/missing_signed_registers.html", context)


@staff_report
def missing_signed_registers_csv(request):
    facilitator_id = parse_id(request.GET.get("facilitator"))
    today = timezone.localdate()
    rows = missing.csv_rows(today=today, using=reporting_db(), facilitator_id=facilitator_id)
    return csv_response(f"missing-signed-registers-{today}.csv", missing.CSV_HEADER, rows)
