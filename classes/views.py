"""The facilitator's pages. Plumbing only: check access, parse, call one service,
redirect with a message. Rules live in classes.services and classes.schedule."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.views.decorators.http import require_GET, require_http_methods

from classes.models import AttendanceSession, Class
from classes.overview import (
    month_grid,
    parse_month,
    session_views,
    shift_month,
    summarize,
)
from classes.schedule import expand, session_on
from classes.selectors import (
    can_see_all_classes,
    class_for,
    current_learner_counts,
    recorded_sessions,
    roster,
    schedule_spec,
    session_attendance,
    spec_from_schedule,
    visible_classes,
)
from classes.services import (
    CaptureRejected,
    LearnerEntry,
    NotAllowed,
    SessionAlreadyRecorded,
    SessionNotAvailable,
    capture_session,
    mark_session_not_held,
)
from classes.services.capture import recordable_session

CAPTURED_MESSAGE = "Attendance for {date} captured for {count} learners."
NOT_HELD_MESSAGE = "{date} recorded as “{status}”."
FIELD_KEY = re.compile(r"^(hours|page)_(\d{1,18})$")
CLASSES_PER_PAGE = 25


@login_required
@require_GET
def my_classes(request):
    today = timezone.localdate()
    classes = visible_classes(request.user).select_related("client", "programme", "facilitator")
    all_classes = can_see_all_classes(request.user)
    filters = {}
    if all_classes:
        filters = {k: request.GET.get(k, "").strip() for k in ("q", "status", "facilitator")}
        if filters["q"]:
            classes = classes.filter(code__icontains=filters["q"]) | classes.filter(
                client__name__icontains=filters["q"]
            )
        if filters["status"] in Class.Status.values:
            classes = classes.filter(status=filters["status"])
        if filters["facilitator"].isdigit():
            classes = classes.filter(facilitator_id=filters["facilitator"])
    classes = current_learner_counts(classes, today).prefetch_related(
        "schedule__slots",
        "schedule__exceptions",
        "schedule__pauses",
        "schedule__holiday_overrides",
        Prefetch(
            "sessions",
            queryset=AttendanceSession.objects.only("klass_id", "session_date", "status"),
            to_attr="session_rows",
        ),
    )
    page = Paginator(classes.order_by("code"), CLASSES_PER_PAGE).get_page(request.GET.get("page"))
    rows = []
    for klass in page:
        schedule = getattr(klass, "schedule", None)
        planned = expand(spec_from_schedule(schedule, klass)) if schedule else []
        recorded = {s.session_date: s for s in klass.session_rows}
        rows.append((klass, summarize(session_views(klass, planned, recorded, today))))
    return render(
        request,
        "classes/my_classes.html",
        {
            "rows": rows,
            "page": page,
            "all_classes": all_classes,
            "filters": filters,
            "statuses": Class.Status.choices,
            "facilitators": _facilitator_choices() if all_classes else [],
        },
    )


def _facilitator_choices():
    ids = Class.objects.values("facilitator_id")
    return get_user_model().objects.filter(pk__in=ids).order_by("first_name", "last_name")


@login_required
@require_GET
def class_attendance(request, class_id: int):
    klass = class_for(request.user, class_id)
    today = timezone.localdate()
    spec = schedule_spec(klass)
    views = session_views(klass, expand(spec) if spec else [], recorded_sessions(klass), today)
    year, month = parse_month(request.GET.get("month"), default=today)
    in_month = [v for v in views if (v.date.year, v.date.month) == (year, month)]
    return render(
        request,
        "classes/class_attendance.html",
        {
            "klass": klass,
            "has_schedule": spec is not None,
            "summary": summarize(views),
            "month": datetime.date(year, month, 1),
            "previous_month": shift_month(year, month, -1),
            "next_month": shift_month(year, month, 1),
            "weeks": month_grid(views, year, month),
            "sessions": in_month,
            "learner_count": len(roster(klass, today)),
        },
    )


@login_required
@require_GET
def session_detail(request, class_id: int, session_date: datetime.date):
    klass = class_for(request.user, class_id)
    session = (
        AttendanceSession.objects.filter(klass=klass, session_date=session_date)
        .select_related("captured_by")
        .first()
    )
    spec = schedule_spec(klass)
    planned = session_on(spec, session_date) if spec else None
    if session is None and planned is None:
        raise Http404("No session on that date.")
    views = session_views(
        klass,
        [planned] if planned else [],
        {session_date: session} if session else {},
        timezone.localdate(),
    )
    return render(
        request,
        "classes/session_detail.html",
        {
            "klass": klass,
            "session_date": session_date,
            "session": session,
            "view": views[0] if views else None,
            "lines": session_attendance(session) if session else [],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def capture(request, class_id: int, session_date: datetime.date):
    klass = class_for(request.user, class_id)
    learners = roster(klass, session_date)
    context = {"klass": klass, "session_date": session_date, "problems": [], "confirm": set()}
    values = {r.learner.pk: {"hours": "0", "page": ""} for r in learners}
    if request.method == "POST":
        entries, values = _entries_from_post(request.POST, values)
        try:
            capture_session(
                klass=klass,
                session_date=session_date,
                recorded_by=request.user,
                entries=entries,
                everyone_absent=request.POST.get("everyone_absent") == "yes",
                lower_pages_confirmed=request.POST.get("confirm_lower_pages") == "yes",
            )
        except CaptureRejected as rejected:
            context["problems"] = rejected.problems + rejected.confirmations
            context["confirm"] = {p.field for p in rejected.confirmations if p.learner_id is None}
        except (SessionAlreadyRecorded, SessionNotAvailable, NotAllowed) as refused:
            return _refused(request, klass, session_date, refused)
        else:
            messages.success(
                request,
                CAPTURED_MESSAGE.format(date=_day(session_date), count=len(learners)),
            )
            return redirect(_detail_url(klass, session_date))
    else:
        refused = _not_recordable(klass, session_date, request.user)
        if refused is not None:
            return _refused(request, klass, session_date, refused)
    planned = session_on(schedule_spec(klass), session_date)
    context.update(
        {
            "planned": planned,
            "rows": _capture_rows(learners, values, context["problems"], planned.hours),
            "general_problems": [p for p in context["problems"] if p.learner_id is None],
            "total_pages": klass.programme.total_pages,
        }
    )
    status = 400 if request.method == "POST" else 200
    return render(request, "classes/capture.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def not_held(request, class_id: int, session_date: datetime.date):
    klass = class_for(request.user, class_id)
    context = {
        "klass": klass,
        "session_date": session_date,
        "choices": [
            (AttendanceSession.Status.CLIENT_CANCELLED, "The client cancelled"),
            (AttendanceSession.Status.AGENT_ABSENT, "The facilitator was absent"),
        ],
        "problems": [],
        "chosen": request.POST.get("status", ""),
        "notes": request.POST.get("notes", "")[:2000],
    }
    if request.method == "POST":
        try:
            session = mark_session_not_held(
                klass=klass,
                session_date=session_date,
                recorded_by=request.user,
                status=context["chosen"],
                notes=context["notes"],
            )
        except CaptureRejected as rejected:
            context["problems"] = rejected.problems
        except (SessionAlreadyRecorded, SessionNotAvailable, NotAllowed) as refused:
            return _refused(request, klass, session_date, refused)
        else:
            label = session.get_status_display()
            messages.success(
                request, NOT_HELD_MESSAGE.format(date=_day(session_date), status=label)
            )
            return redirect(_detail_url(klass, session_date))
    else:
        refused = _not_recordable(klass, session_date, request.user)
        if refused is not None:
            return _refused(request, klass, session_date, refused)
    status = 400 if context["problems"] else 200
    return render(request, "classes/not_held.html", context, status=status)


def _not_recordable(klass, session_date, user):
    """The reason the session cannot be recorded, for a GET (the POST asks the service)."""
    session = AttendanceSession.objects.filter(klass=klass, session_date=session_date).first()
    if session is not None and session.status != AttendanceSession.Status.PENDING:
        return SessionAlreadyRecorded(session)
    try:
        recordable_session(klass=klass, session_date=session_date, user=user)
    except (SessionNotAvailable, NotAllowed) as refused:
        return refused
    return None


def _refused(request, klass, session_date, refused):
    messages.warning(request, refused.message if hasattr(refused, "message") else str(refused))
    if isinstance(refused, SessionAlreadyRecorded):
        return redirect(_detail_url(klass, session_date))
    url = reverse("classes:attendance", args=[klass.pk])
    return redirect(f"{url}?month={session_date:%Y-%m}")


def _entries_from_post(post, values):
    """The learner rows of the lean capture form: hours_<id> and page_<id> fields."""
    values = {pk: dict(v) for pk, v in values.items()}
    for key in post:
        match = FIELD_KEY.match(key)
        if match:
            kind, pk = match.group(1), int(match.group(2))
            values.setdefault(pk, {"hours": None, "page": None})[kind] = post.get(key)
    entries = [
        LearnerEntry(learner_id=pk, hours_present=v["hours"], page_number=v["page"])
        for pk, v in values.items()
        if f"hours_{pk}" in post or f"page_{pk}" in post
    ]
    return entries, values


def _capture_rows(learners, values, problems, hours):
    by_learner = {}
    for problem in problems:
        if problem.learner_id is not None:
            by_learner.setdefault(problem.learner_id, {}).setdefault(problem.field, []).append(
                problem.message
            )
    rows = []
    for row in learners:
        value = values.get(row.learner.pk, {"hours": "0", "page": ""})
        rows.append(
            {
                "roster": row,
                "hours": value["hours"] if value["hours"] is not None else "",
                "page": value["page"] or "",
                "absent": _absent(hours, value["hours"]),
                "errors": by_learner.get(row.learner.pk, {}),
            }
        )
    return rows


def _absent(trained, present):
    try:
        absent = trained - Decimal(str(present or "0"))
    except (InvalidOperation, ValueError):
        return ""
    return f"{absent.normalize():f}" if absent.is_finite() and 0 <= absent <= trained else ""


def _detail_url(klass, session_date):
    return reverse("classes:session_detail", args=[klass.pk, session_date])


def _day(day):
    return formats.date_format(day, "DATE_FORMAT")
