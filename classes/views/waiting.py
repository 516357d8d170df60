"""The backlog first (issue 12, point 3): every session waiting to be captured, across
the user's classes and months, oldest first, one tap from each to its capture page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from attendance_project.parsing import parse_id
from classes.selectors import class_for, visible_classes
from classes.stored_plan import waiting_sessions

WAITING_PER_PAGE = 50
NO_SUCH_CLASS = "No such class."


@login_required
@require_GET
def waiting(request):
    """`?class=<id>` narrows the list to one class (the "To capture N" links)."""
    classes = visible_classes(request.user)
    klass = None
    if "class" in request.GET:
        class_id = parse_id(request.GET["class"])
        if class_id is None:
            raise Http404(NO_SUCH_CLASS)
        klass = class_for(request.user, class_id)  # 404 for another's class
        classes = classes.filter(pk=klass.pk)
    rows = waiting_sessions(classes, today=timezone.localdate())
    page = Paginator(rows, WAITING_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "classes/waiting.html", {"page": page, "klass": klass})
