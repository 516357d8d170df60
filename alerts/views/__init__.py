"""The Notifications page (a user's alerts, read or not, and their choices) and the
bell's count; the office's list of every open alert."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alerts.forms import PreferencesForm
from alerts.models import Alert
from alerts.preferences import choices_of, rules_for
from alerts.services import mark_read, set_preferences

SAVED = "Your notification choices are saved."
MARKED = "Marked as read."
PAGE_SIZE = 50


@login_required
@never_cache
@require_GET
def notifications(request):
    alerts = Alert.objects.filter(recipient=request.user).select_related("klass")
    page = Paginator(alerts.order_by("-created_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "alerts/notifications.html", {"page": page})


@login_required
@require_POST
def read_all(request):
    mark_read(user=request.user)
    messages.success(request, MARKED)
    return redirect("alerts:notifications")


@login_required
@never_cache
@require_GET
def unread_count(request):
    """The bell's number (static/js/app.js asks for it): one indexed count."""
    count = Alert.objects.filter(recipient=request.user, read_at__isnull=True).count()
    return JsonResponse({"unread": count})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def preferences(request):
    rules = rules_for(request.user)
    form = PreferencesForm(
        request.POST or None, rules=rules, initial_choices=choices_of(request.user)
    )
    if request.method == "POST" and form.is_valid():
        set_preferences(
            user=request.user, choices={rule: form.cleaned_data[rule] for rule in rules}
        )
        messages.success(request, SAVED)
        return redirect("alerts:preferences")
    return render(request, "alerts/preferences.html", {"form": form})


@login_required
@permission_required("alerts.view_alert", raise_exception=True)
@never_cache
@require_GET
def office(request):
    """Every alert not read yet or not sent, with who was told and when."""
    alerts = (
        Alert.objects.exclude(status=Alert.Status.OBSOLETE)
        .filter(read_at__isnull=True)
        .select_related("recipient", "klass")
        .order_by("-created_at", "-id")
    )
    page = Paginator(alerts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "alerts/office.html", {"page": page, "now": timezone.now()})
