"""The office's billing pages (issue 14): the month at a glance, a client's
statement and its files, the reconciliation, and the month close.

Plumbing only: check the permission, read the month, call one selector or service,
answer. Office admins (billing.view_statement) read; closing needs
classes.close_month. Facilitators get 403, as on the staff reports: these pages are
no secret, they are just not theirs (their own statements are billing's facilitator
pages).
"""

from __future__ import annotations

import datetime
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_GET, require_http_methods

from attendance_project.csv_export import csv_response
from attendance_project.parsing import attachment_header, parse_id, parse_month
from billing import reconciliation as reconciliation_report
from billing.documents import statement_context, statement_csv, statement_pdf
from billing.models import VIEW_STATEMENTS
from billing.month_overview import month_overview
from billing.services import (
    ALL_ALREADY_CLOSED,
    ALREADY_CLOSED,
    MONTH_NOT_OVER,
    BillingRefused,
    close_month,
)
from billing.statements import CLIENT, previous_month, statement_view
from classes.closed_months import CLOSE_MONTH
from classes.models import Class, MonthClose
from classes.services.capture import Problem
from classes.views.registers import pdf_response
from learners.models import Client
from submissions.http import form_key, replay_response, submitted_key
from submissions.keys import AlreadySubmitted, InvalidSubmission

MONTH_INVALID = "“{value}” is not a month (YYYY-MM); showing {month} instead."
MONTH_REQUIRED = "Month: choose a month (YYYY-MM)."
CLIENT_INVALID = "Client: choose a client from the list, or all clients."
CLOSED_MESSAGE = (
    "{month} is closed for {clients}: {count} statement{plural} frozen with their "
    "PDF and CSV. Later corrections will appear as adjustments in the next open month."
)
ALL_CLIENTS = "all"

# Which form field a refusal of the close is about, for the message that names it.
REFUSAL_FIELDS = [
    (MONTH_NOT_OVER, "month", "Month"),
    (ALL_ALREADY_CLOSED, "month", "Month"),
    (ALREADY_CLOSED, "client", "Client"),
]


def office_page(view):
    """Log in first, then the permission (403 for facilitators), then GET only: the
    order the access matrix expects of staff pages."""
    return login_required(
        permission_required(VIEW_STATEMENTS, raise_exception=True)(require_GET(view))
    )


def default_month() -> datetime.date:
    """Last month: the one the office reconciles, closes and exports."""
    return previous_month(timezone.localdate())


def month_from_query(request) -> datetime.date:
    """The ?month=YYYY-MM; last month when absent, or (with a message) when it is
    not a month."""
    value = request.GET.get("month")
    month = default_month()
    if value in (None, ""):
        return month
    parsed = parse_month(value)
    if parsed is None:
        messages.warning(
            request,
            MONTH_INVALID.format(value=str(value)[:20], month=date_format(month, "F Y")),
        )
        return month
    return datetime.date(parsed[0], parsed[1], 1)


def month_nav(month: datetime.date) -> dict:
    following = (month + datetime.timedelta(days=32)).replace(day=1)
    return {"month": month, "previous_month": previous_month(month), "next_month": following}


# ---- The month at a glance


@office_page
def office(request):
    month = month_from_query(request)
    context = {
        **month_nav(month),
        "overview": month_overview(month=month),
        "can_close": request.user.has_perm(CLOSE_MONTH),
    }
    return render(request, "billing/office.html", context)


# ---- A client's statement


def _client_statement(client_id: int, month: datetime.date):
    client = get_object_or_404(Client, pk=client_id)
    return client, statement_view(CLIENT, client_id=client.pk, month=month)


@office_page
def client_statement(request, client_id: int, month: datetime.date):
    client, view = _client_statement(client_id, month)
    context = {
        **statement_context(view),
        **month_nav(month),
        "close": MonthClose.objects.filter(client=client, month=month)
        .select_related("closed_by")
        .first(),
    }
    return render(request, "billing/client_statement.html", context)


def _filename(client: Client, month: datetime.date, extension: str) -> str:
    return f"statement-{client.name}-{month:%Y-%m}.{extension}"


@office_page
def client_statement_pdf(request, client_id: int, month: datetime.date):
    """A closed month's stored PDF, byte for byte; an open month's, made now."""
    client, view = _client_statement(client_id, month)
    content = bytes(view.stored.pdf) if view.stored is not None else statement_pdf(view)
    return pdf_response(content, _filename(client, month, "pdf"))


@office_page
def client_statement_csv(request, client_id: int, month: datetime.date):
    """A closed month's stored CSV, byte for byte; an open month's, made now."""
    client, view = _client_statement(client_id, month)
    if view.stored is not None:
        content = bytes(view.stored.csv)
    else:
        content = statement_csv(view).encode()
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = attachment_header(_filename(client, month, "csv"))
    return response


# ---- Reconciliation


@office_page
def reconciliation(request):
    month = month_from_query(request)
    context = {
        **month_nav(month),
        "report": reconciliation_report.reconciliation(month=month),
    }
    return render(request, "billing/reconciliation.html", context)


@office_page
def reconciliation_csv(request):
    month = month_from_query(request)
    report = reconciliation_report.reconciliation(month=month)
    return csv_response(
        f"reconciliation-{month:%Y-%m}.csv",
        reconciliation_report.CSV_HEADER,
        reconciliation_report.csv_rows(report),
    )


# ---- Month close


def _template_pattern(template: str) -> re.Pattern:
    parts = re.split(r"\{\w+\}", template)
    return re.compile(".*".join(re.escape(part) for part in parts), re.S)


def refusal_problem(refused: BillingRefused) -> Problem:
    """The refusal as a problem naming the form field it is about."""
    for template, name, label in REFUSAL_FIELDS:
        if _template_pattern(template).fullmatch(refused.message):
            named = refused.message.startswith(f"{label}: ")
            text = refused.message if named else f"{label}: {refused.message}"
            return Problem(text, field=name)
    return Problem(refused.message)


def _close_choices():
    return (
        Client.objects.filter(pk__in=Class.objects.values("client_id"))
        .order_by("name")
        .values_list("pk", "name")
    )


@login_required
@permission_required(CLOSE_MONTH, raise_exception=True)
@require_http_methods(["GET", "POST"])
def close_month_page(request):
    if request.method == "POST":
        # Nothing assumed: a post closes what it names, or nothing.
        month_value = request.POST.get("month", "")
        client_value = request.POST.get("client", "")
    else:
        month_value = request.GET.get("month") or f"{default_month():%Y-%m}"
        client_value = request.GET.get("client") or ALL_CLIENTS
    context = {
        "month_value": str(month_value)[:7],
        "client_value": str(client_value),
        "clients": _close_choices(),
        "all_clients": ALL_CLIENTS,
        "problems": [],
        "problem_fields": set(),
        "submission_key": form_key(request),
        "default_month": default_month(),
    }
    if request.method == "POST":
        parsed = parse_month(month_value)
        client_id = None if client_value == ALL_CLIENTS else parse_id(client_value)
        if parsed is None:
            context["problems"].append(Problem(MONTH_REQUIRED, field="month"))
        if client_value != ALL_CLIENTS and (
            client_id is None or not Client.objects.filter(pk=client_id).exists()
        ):
            context["problems"].append(Problem(CLIENT_INVALID, field="client"))
        if not context["problems"]:
            assert parsed is not None
            month = datetime.date(parsed[0], parsed[1], 1)
            outcome_url = reverse("billing:office") + f"?month={month:%Y-%m}"
            try:
                closes = close_month(
                    month=month,
                    closed_by=request.user,
                    client_ids=None if client_id is None else [client_id],
                    submission=submitted_key(request, outcome_url=outcome_url),
                )
            except AlreadySubmitted as replay:
                return replay_response(request, replay)
            except InvalidSubmission as invalid:
                context["problems"].append(Problem(invalid.message))
            except BillingRefused as refused:
                context["problems"].append(refusal_problem(refused))
            else:
                count = sum(close.statements.count() for close in closes)
                names = ", ".join(sorted(str(close.client) for close in closes))
                messages.success(
                    request,
                    CLOSED_MESSAGE.format(
                        month=date_format(month, "F Y"),
                        clients=names,
                        count=count,
                        plural="" if count == 1 else "s",
                    ),
                )
                return redirect(outcome_url)
        context["problem_fields"] = {p.field for p in context["problems"] if p.field}
    status = 400 if context["problems"] else 200
    return render(request, "billing/close_month.html", context, status=status)
