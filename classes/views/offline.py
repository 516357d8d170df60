"""The pages a facilitator's phone keeps for offline use (issue 13): the class list,
the class pages and the capture forms of every session from the oldest waiting one up
to a week ahead. static/js/offline.js asks for this list whenever it is online, keeps
those pages (each asked for with `X-Offline-Prefetch`) and drops the ones no longer on
it (a session captured meanwhile)."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from attendance_project.offline import DAYS_AHEAD
from classes.models import Class
from classes.selectors import can_see_all_classes, visible_classes
from classes.stored_plan import waiting_sessions

# More capture forms than a backlog should ever hold; the oldest come first.
MOST_CAPTURE_PAGES = 100


def offline_urls(user, *, today: datetime.date) -> list[str]:
    """The URLs to keep, for a facilitator (an office admin sees every class and
    works at the office: only the class list)."""
    urls = [reverse("classes:my_classes")]
    if can_see_all_classes(user):
        return urls
    classes = visible_classes(user).filter(status__in=[Class.Status.ACTIVE, Class.Status.STOPPED])
    waiting = list(waiting_sessions(classes, today=today + datetime.timedelta(days=DAYS_AHEAD)))
    waiting = waiting[:MOST_CAPTURE_PAGES]
    this_month = (today.year, today.month)
    for class_id in classes.order_by("code").values_list("pk", flat=True):
        page = reverse("classes:attendance", args=[class_id])
        urls.append(page)
        months = sorted(
            {(s.session_date.year, s.session_date.month) for s in waiting if s.klass_id == class_id}
            - {this_month}
        )
        urls += [f"{page}?month={year:04d}-{month:02d}" for year, month in months]
    urls += [reverse("classes:capture", args=[s.klass_id, s.session_date]) for s in waiting]
    return urls


@login_required
@require_GET
def offline_pages(request):
    urls = offline_urls(request.user, today=timezone.localdate())
    response = JsonResponse({"user": request.user.pk, "urls": urls})
    response["Cache-Control"] = "private, no-store"
    return response
