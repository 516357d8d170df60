"""Read-only attendance pages: the class list, a class's month, a session."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from attendance_project.offline import DAYS_AHEAD, offline_page, prefetching
from attendance_project.parsing import parse_month
from classes.class_learners import class_learners
from classes.forms import ClassFilterForm, parse
from classes.models import AttendanceSession, Class, Schedule
from classes.overview import WAITING, month_grid, session_views, shift_month, summarize
from classes.selectors import (
    ClassFilters,
    can_see_all_classes,
    class_for,
    class_list,
    recorded_sessions,
    roster,
    session_attendance,
    session_history,
    visible_classes,
)
from classes.services.corrections import (
    VOID_PERMISSION,
    edit_window_ends,
    in_closed_month,
    may_correct,
    may_undo_not_held,
)
from classes.stored_plan import planned_session_on, planned_sessions, waiting_sessions
from classes.views.forms import drafts_context
from classes.views.register_parts import signed_register_context

CLASSES_PER_PAGE = 25
# The oldest waiting sessions shown above My classes; the rest are one tap away.
WAITING_SHOWN = 5


@login_required
@require_GET
@offline_page
def my_classes(request):
    today = timezone.localdate()
    # The copy a phone keeps offline lists the sessions of the coming week as waiting
    # too: they will be by the time it is used (issue 13).
    until = today + datetime.timedelta(days=DAYS_AHEAD) if prefetching(request) else today
    all_classes = can_see_all_classes(request.user)
    filters = ClassFilters()
    if all_classes:
        filters = ClassFilters(**parse(ClassFilterForm, request.GET, statuses=Class.Status.values))
    classes = class_list(user=request.user, day=today, filters=filters)
    # The filters as the form and the page links carry them.
    query = {}
    if all_classes:
        picked = "" if filters.facilitator is None else str(filters.facilitator)
        query = {"q": filters.q, "status": filters.status, "facilitator": picked}
    page = Paginator(classes, CLASSES_PER_PAGE).get_page(request.GET.get("page"))
    # The page's classes' stored plans, in one query: no schedule is expanded here.
    plans = planned_sessions(klass.pk for klass in page)
    # The facilitator's backlog first: the oldest sessions waiting, across classes.
    waiting = None if all_classes else waiting_sessions(visible_classes(request.user), today=until)
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
            "waiting": list(waiting[:WAITING_SHOWN]) if waiting is not None else [],
            "waiting_count": waiting.count() if waiting is not None else 0,
            "all_classes": all_classes,
            "filters": query,
            "statuses": Class.Status.choices,
            "facilitators": _facilitator_choices() if all_classes else [],
        },
    )


def _facilitator_choices():
    ids = Class.objects.values("facilitator_id")
    return get_user_model().objects.filter(pk__in=ids).order_by("first_name", "last_name")


@login_required
@require_GET
@offline_page
def class_attendance(request, class_id: int):
    klass = class_for(request.user, class_id)
    today = timezone.localdate()
    # The stored plan, as the capture reads it (issue 11): the page offers what the
    # service accepts, and expands no schedule.
    planned = planned_sessions([klass.pk])[klass.pk]
    has_schedule = bool(planned) or Schedule.objects.filter(klass=klass).exists()
    # Kept offline, the coming week's sessions can be captured too (issue 13).
    until = today + datetime.timedelta(days=DAYS_AHEAD) if prefetching(request) else today
    views = session_views(klass, planned, recorded_sessions(klass), until)
    year, month = parse_month(request.GET.get("month")) or (today.year, today.month)
    in_month = [v for v in views if (v.date.year, v.date.month) == (year, month)]
    # Shown above the month, whichever month is open: the backlog is one tap away.
    waiting = [v for v in views if v.state == WAITING and v.can_record]
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
            "waiting": waiting[:WAITING_SHOWN],
            "waiting_count": len(waiting),
            "today": today,
            "learner_count": len(roster(klass, today)),
        },
    )


@login_required
@require_GET
@offline_page
def session_detail(request, class_id: int, session_date: datetime.date):
    return session_page(request, class_for(request.user, class_id), session_date)


def session_page(request, klass: Class, session_date: datetime.date, *, problems=(), status=200):
    """The session's page; a refused upload of its signed register shows it again
    with the reason (`problems`) and a 400."""
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
            "can_undo_not_held": recorded and may_undo_not_held(request.user, session),
            "month_closed": recorded and in_closed_month(session),
            **signed_register_context(request, klass, session_date, session, problems),
            **drafts_context(request, klass, session_date),
        },
        status=status,
    )


@login_required
@require_GET
def class_learners_page(request, class_id: int):
    klass = class_for(request.user, class_id)
    rows = class_learners(klass=klass, today=timezone.localdate())
    return render(request, "classes/class_learners.html", {"klass": klass, "rows": rows})
