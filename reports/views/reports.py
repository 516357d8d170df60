"""The staff report pages and their CSV downloads.

Plumbing only: check the permission, parse the filters, call one selector
(reports/<report>.py), then render the page or stream the same rows as CSV. Every page
and its CSV read through the same selector with the same filters, from the reporting
database (the read replica when one is configured).
"""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from attendance_project.admin_lists import EstimatedCountPaginator
from attendance_project.csv_export import csv_response, csv_text_response
from attendance_project.db import reporting_db
from attendance_project.parsing import parse_choice, parse_date, parse_id, parse_month
from classes.models import Class
from classes.overview import shift_month
from learners.models import SPECIAL_INFORMATION, Client
from progression.models import Progression
from records.access import log_access
from records.models import AccessLog
from reports import backlog as backlog_report
from reports import class_monthly as monthly_report
from reports import excessive_hours as excessive_report
from reports import learner_progress as progress_report
from reports import regulatory as regulatory_report
from reports.class_search import SEARCH_MAX_LENGTH, SEARCH_TOO_LONG, ClassSearch, find_classes
from reports.common import ROWS_PER_PAGE, class_choices
from reports.models import RECORD_RESOLUTION, VIEW_REPORTS

MONTHLY_WHAT = "class monthly report: names, race, gender, hours"
REGULATORY_WHAT = "regulatory export: ID numbers, race, gender, programmes, hours"
CLASS_NOT_FOUND = "There is no class with that id; search for the class."


def staff_report(view):
    """Log in first (anonymous users go to the login page), then the permission
    (facilitators get 403), then the method: the order the access matrix expects."""
    return login_required(
        permission_required(VIEW_REPORTS, raise_exception=True)(require_GET(view))
    )


@staff_report
def index(request):
    return render(request, "reports/index.html")


# ---- Capture backlog


@staff_report
def backlog(request):
    facilitator_id = parse_id(request.GET.get("facilitator"))
    today, db = timezone.localdate(), reporting_db()
    report = backlog_report.backlog_page(
        today=today,
        using=db,
        page=request.GET.get("page"),
        per_page=ROWS_PER_PAGE,
        facilitator_id=facilitator_id,
    )
    context = {
        "report": report,
        "today": today,
        "facilitator_id": facilitator_id,
        "facilitators": backlog_report.facilitator_choices(using=db),
    }
    return render(request, "reports/backlog.html", context)


@staff_report
def backlog_csv(request):
    facilitator_id = parse_id(request.GET.get("facilitator"))
    today = timezone.localdate()
    rows = backlog_report.csv_rows(today=today, using=reporting_db(), facilitator_id=facilitator_id)
    return csv_response(f"capture-backlog-{today}.csv", backlog_report.CSV_HEADER, rows)


# ---- Learner progress


def _progress_filters(request) -> progress_report.ProgressFilters:
    return progress_report.ProgressFilters(
        class_id=parse_id(request.GET.get("class")),
        client_id=parse_id(request.GET.get("client")),
        status=parse_choice(request.GET.get("status"), Progression.Status.values) or "",
    )


@staff_report
def progress(request):
    filters, today, db = _progress_filters(request), timezone.localdate(), reporting_db()
    paginator = EstimatedCountPaginator(
        progress_report.progressions(filters, using=db), ROWS_PER_PAGE
    )
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "rows": progress_report.progress_rows(list(page), today=today, using=db),
        "page": page,
        "filters": filters,
        "classes": class_choices(using=db),
        "clients": Client.objects.using(db).order_by("name").values_list("pk", "name"),
        "statuses": Progression.Status.choices,
        "today": today,
    }
    return render(request, "reports/progress.html", context)


@staff_report
def progress_csv(request):
    filters, today = _progress_filters(request), timezone.localdate()
    return csv_text_response(
        f"learner-progress-{today}.csv",
        progress_report.csv_text(filters, today=today, using=reporting_db()),
    )


# ---- Excessive hours


@staff_report
def excessive_hours(request):
    report = excessive_report.excessive_hours(
        now=timezone.now(), using=reporting_db(), page=request.GET.get("page")
    )
    context = {
        "report": report,
        "can_resolve": request.user.has_perm(RECORD_RESOLUTION),
        "hides_for_days": excessive_report.RESOLUTION_HIDES_FOR.days,
    }
    return render(request, "reports/excessive_hours.html", context)


@staff_report
def excessive_hours_csv(request):
    return csv_response(
        f"excessive-hours-{timezone.localdate()}.csv",
        excessive_report.CSV_HEADER,
        excessive_report.csv_rows(now=timezone.now(), using=reporting_db()),
    )


# ---- Class monthly report


def _class_monthly(request):
    today, db = timezone.localdate(), reporting_db()
    year, month = parse_month(request.GET.get("month")) or (today.year, today.month)
    class_id = parse_id(request.GET.get("class"))
    klass = Class.objects.using(db).filter(pk=class_id).first() if class_id else None
    report = None
    if klass is not None:
        report = monthly_report.class_monthly(klass=klass, year=year, month=month, using=db)
    return report, class_id, datetime.date(year, month, 1)


def _log_race_shown(request, report, action: str = AccessLog.Action.VIEWED) -> None:
    """The class monthly report shows race to those who may see it: a view (or, as
    CSV, an export) of each listed learner's special information (POPIA)."""
    if report is not None and request.user.has_perm(SPECIAL_INFORMATION):
        log_access(
            [row.learner.pk for row in report.rows],
            action=action,
            what=MONTHLY_WHAT,
            page=request.path,
            user=request.user,
        )


@staff_report
def class_monthly(request):
    report, class_id, month = _class_monthly(request)
    _log_race_shown(request, report)
    context = {
        "report": report,
        "class_id": class_id,
        "not_found": CLASS_NOT_FOUND if class_id and report is None else "",
        "month": month,
        "previous_month": shift_month(month.year, month.month, -1),
        "next_month": shift_month(month.year, month.month, 1),
        "search_max_length": SEARCH_MAX_LENGTH,
    }
    if report is None:
        # No class shown: the search, a bounded list whatever the number of classes.
        search = ClassSearch.from_query(request.GET)
        context |= {
            "search": search,
            "too_long": SEARCH_TOO_LONG if search.too_long else "",
            "matches": find_classes(search, using=reporting_db()),
        }
    return render(request, "reports/class_monthly.html", context)


@staff_report
def class_monthly_csv(request):
    report, _, month = _class_monthly(request)
    if report is None:
        raise Http404(CLASS_NOT_FOUND)
    _log_race_shown(request, report, AccessLog.Action.EXPORTED)
    return csv_response(
        f"class-{report.klass.code}-{month:%Y-%m}.csv",
        [monthly_report.CSV_TITLE],
        monthly_report.csv_rows(report, show_race=request.user.has_perm(SPECIAL_INFORMATION)),
    )


# ---- Regulatory export


def _date_range(request) -> regulatory_report.DateRange:
    """The range in the query string; by default this calendar year."""
    today = timezone.localdate()
    start = parse_date(request.GET.get("start")) or datetime.date(today.year, 1, 1)
    end = parse_date(request.GET.get("end")) or datetime.date(today.year, 12, 31)
    return regulatory_report.DateRange(min(start, end), max(start, end))


def special_report(view):
    """A staff report that shows special personal information (ID numbers, race):
    the separate permission too, after the staff report's checks."""
    return staff_report(permission_required(SPECIAL_INFORMATION, raise_exception=True)(view))


@special_report
def regulatory(request):
    dates = _date_range(request)
    paginator = EstimatedCountPaginator(
        regulatory_report.active_progressions(dates, using=reporting_db()), ROWS_PER_PAGE
    )
    page = paginator.get_page(request.GET.get("page"))
    log_access(
        [p.learner_id for p in page],
        action=AccessLog.Action.VIEWED,
        what=REGULATORY_WHAT,
        page=request.get_full_path(),
        user=request.user,
    )
    context = {
        "rows": [regulatory_report.regulatory_row(p) for p in page],
        "page": page,
        "dates": dates,
    }
    return render(request, "reports/regulatory.html", context)


@special_report
def regulatory_csv(request):
    dates = _date_range(request)
    log_access(
        regulatory_report.in_range(dates, using=reporting_db()),
        action=AccessLog.Action.EXPORTED,
        what=REGULATORY_WHAT,
        page=request.get_full_path(),
        user=request.user,
    )
    return csv_text_response(
        f"regulatory-{dates.start}-to-{dates.end}.csv",
        regulatory_report.csv_text(dates, using=reporting_db()),
    )
