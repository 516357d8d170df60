"""The accounting export's page and files (issue 14): the month's closed client
statements as Xero sales invoices, its closed and approved facilitator statements
as Xero bills (billing.export; docs/billing-export.md)."""

from __future__ import annotations

import datetime

from django.shortcuts import render

from attendance_project.csv_export import csv_text_response
from billing import export as accounting
from billing.views.office import month_from_query, month_nav, office_page


@office_page
def export(request):
    month = month_from_query(request)
    context = {
        **month_nav(month),
        "export": accounting.month_export(month),
        "sales_account": accounting.sales_account(),
        "pay_account": accounting.pay_account(),
        "tax_type": accounting.tax_type(),
        "columns": accounting.XERO_COLUMNS,
    }
    return render(request, "billing/export.html", context)


@office_page
def export_invoices(request, month: datetime.date):
    return csv_text_response(f"xero-invoices-{month:%Y-%m}.csv", [accounting.invoices_csv(month)])


@office_page
def export_bills(request, month: datetime.date):
    return csv_text_response(f"xero-bills-{month:%Y-%m}.csv", [accounting.bills_csv(month)])
