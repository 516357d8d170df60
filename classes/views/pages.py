"""Read-only attendance pages: the class list, a class's month, a session."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from attendance_project.parsing import clean_text, parse_choice, parse_id, parse_month
from classes.models import AttendanceSession, Class, Schedule
from classes.overview import month_grid, session_views, shift_month, summarize
from classes.selectors import (
    can_see_all_classes,
    class_for,
    current_learner_counts,
    recorded_sessions,
    roster,
    session_attendance,
    session_history,
    visible_classes,
)
from classes.services.corrections import VOID_PERMISSION, edit_window_ends, may_correct
from classes.stored_plan import planned_session_on, planned_sessions

CLASSES_PER_PAGE = 25
# Longer than any class code or client name.
SEARCH_MAX_LENGTH = 200


@login_required
@require_GET
def my_classes(request):
    today = timezone.localdate()
    classes = visible_classes(request.user).select_related("client", "programme", "facilitator")
    all_classes = can_see_all_classes(request.user)
    filters = {}
    if all_classes:
        # What does not parse is no filter; the form shows it back as given (the
        # search text) or as "any" (status, facilitator).
        facilitator_id = parse_id(request.GET.get("facilitator"))
        filters = {
            "q": clean_text(request.GET.get("q"), max_length=SEARCH_MAX_LENGTH),
            "status": parse_choice(request.GET.get("status"), Class.Status.values) or "",
            "facilitator": "" if facilitator_id is None else str(facilitator_id),
        }
        if filters["q"]:
            classes = classes.filter(code__icontains=filters["q"]) | classes.filter(
                client__name__icontains=filters["q"]
            )
        if filters["status"]:
            classes = classes.filter(status=filters["status"])
        if facilitator_id is not None:
            classes = classes.filter(facilitator_id=facilitator_id)
    classes = current_learner_counts(classes, today).prefetch_related(
        Prefetch(
            "sessions",
            queryset=AttendanceSession.objects.only("klass_id", "session_date", "status"),
            to_attr="session_rows",
        ),
    )
    page = Paginator(classes.order_by("code"), CLASSES_PER_PAGE).get_page(request.GET.get("page"))
    # The page's classes' stored plans, in one query: no schedule is expanded here.
    plans = planned_sessions(klass.pk for klass in page)
    rows = []
    for klass in page:
        recorded = {s.session_date: s for s in klass.session_rows}
        rows.append((klass, summarize(session_views(klass, plans[klass.pk], recorded, today))))
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
    # The stored plan, as the capture reads it (issue 11): the page offers what the
    # service accepts, and expands no schedule.
    planned = planned_sessions([klass.pk])[klass.pk]
    has_schedule = bool(planned) or Schedule.objects.filter(klass=klass).exists()
    views = session_views(klass, planned, recorded_sessions(klass), today)
    year, month = parse_month(request.GET.get("month")) or (today.year, today.month)
    in_month = [v for v in views if (v.date.year, v.date.month) == (year, month)]
    return render(
        request,
        "classes/class_attendance.html",
        {
            "klass": klass,
            "has_schedule": has_schedule,
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
    _, planned = planned_session_on(klass.pk, session_date)
    if session is None and planned is None:
        raise Http404("No session on that date.")
    views = session_views(
        klass,
        [planned] if planned else [],
        {session_date: session} if session else {},
        timezone.localdate(),
    )
    recorded = session is not None and session.status != AttendanceSession.Status.PENDING
    return render(
        request,
        "classes/session_detail.html",
        {
            "klass": klass,
            "session_date": session_date,
            "session": session,
            "view": views[0] if views else None,
            "lines": session_attendance(session) if session else [],
            "history": session_history(session) if session else [],
            "can_correct": recorded and may_correct(request.user, session),
            "correct_until": edit_window_ends(session) if recorded else None,
            "can_void": recorded and request.user.has_perm(VOID_PERMISSION),
        },
    )
