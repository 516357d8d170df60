"""The installable web app's shell (issue 13): its manifest and its service worker,
both served from the app's origin at the root so the worker's scope is the whole app;
and what the phone's scripts ask the server while it is online (static/js/offline.js).

The worker precaches the static assets; the pages a facilitator needs offline are
kept by the phone from the list `classes:offline_pages` gives, each marked by
`offline_page` for the user it was made for (docs/decisions.md, Issue 13). A queued
submit is delivered with `X-Offline-Delivery`, and `DeliveryMiddleware` answers it
with its outcome instead of a redirect the script could not read.
"""

from __future__ import annotations

import functools
import hashlib
import json
import time
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import resolve_url
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_GET

from submissions.http import OUTCOME_HEADER

# Vendored by `make vendor-js` (the Makefile pins the versions).
WORKBOX = "vendor/workbox-7.4.1"
WORKBOX_MODULES = ("workbox-core", "workbox-routing", "workbox-strategies", "workbox-precaching")
IDB_KEYVAL = "vendor/idb-keyval-6.3.0/umd.js"
WORKBOX_WINDOW = f"{WORKBOX}/workbox-window.prod.umd.js"

# What the worker keeps for the app to start and its pages to look right offline.
PRECACHED = (
    "css/app.css",
    "js/app.js",
    "js/offline.js",
    "js/outbox.js",
    "js/capture.js",
    "js/drafts.js",
    "js/signed-register.js",
    IDB_KEYVAL,
    WORKBOX_WINDOW,
    "icons/icon.svg",
    "icons/icon-192.png",
    "icons/icon-512.png",
)

# The forms whose submit is kept in the phone's outbox when the network fails: a
# session's capture and correction (classes/urls.py).
QUEUEABLE = r"^/classes/[0-9]+/sessions/[0-9]{4}-[0-9]{2}-[0-9]{2}/(capture|correct)/$"

NAME = "Attendance and hours"
THEME_COLOUR = "#1f5f8b"  # --brand in static/css/app.css
BACKGROUND_COLOUR = "#f4f6f9"  # --bg


@require_GET
def manifest(request):
    return JsonResponse(
        {
            "name": NAME,
            "short_name": "Attendance",
            "description": "Record attendance and hours for your classes.",
            "id": reverse("classes:my_classes"),
            "start_url": reverse("classes:my_classes"),
            "scope": "/",
            "display": "standalone",
            "theme_color": THEME_COLOUR,
            "background_color": BACKGROUND_COLOUR,
            "icons": [
                {"src": static("icons/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
                {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
                {
                    "src": static("icons/icon-512.png"),
                    "sizes": "512x512",
                    "type": "image/png",
                    "purpose": "any maskable",
                },
            ],
        },
        content_type="application/manifest+json",
    )


def _revision(name: str) -> str:
    """A content hash, so the worker refetches a file that changed even where its
    URL does not (DEBUG serves static files under their plain names)."""
    source = finders.find(name)  # the file in static/ (no collectstatic needed)
    if isinstance(source, str):
        content = Path(source).read_bytes()
    else:
        with staticfiles_storage.open(name) as file:
            content = file.read()
    return hashlib.sha256(content).hexdigest()[:16]


@require_GET
def service_worker(request):
    """A small generated script: the list to precache, then the worker's code
    (static/js/service-worker.js) and Workbox's loader, both imported from static.
    Its text changes whenever a precached file does, which is what makes a browser
    install the new worker."""
    config = {
        "modules": {name: static(f"{WORKBOX}/{name}.prod.js") for name in WORKBOX_MODULES},
        "precache": [{"url": static(name), "revision": _revision(name)} for name in PRECACHED],
        "queueable": QUEUEABLE,
        "ping": reverse("offline_ping"),
        "home": reverse("classes:my_classes"),
        "stylesheet": static("css/app.css"),
    }
    imports = [f"{WORKBOX}/workbox-sw.js", IDB_KEYVAL, "js/outbox.js", "js/service-worker.js"]
    script = (
        "// The app's service worker (attendance_project/offline.py). Generated: do not cache.\n"
        f"self.OFFLINE_CONFIG = {json.dumps(config, sort_keys=True)};\n"
        f"importScripts({', '.join(json.dumps(static(name)) for name in imports)});\n"
    )
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    # At the root its scope is the whole site by default; the header says so anyway,
    # for a proxy that serves it from elsewhere.
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


# The pages a phone keeps for offline use (issue 13) --------------------------------

# A phone getting ready to leave the office asks for the capture forms of the coming
# week too; the header says the request is that (static/js/offline.js).
PREFETCH_HEADER = "X-Offline-Prefetch"
DAYS_AHEAD = 7
# The user a kept page was made for: the worker shows it offline to that user only.
PAGE_HEADER = "X-Offline-Page"


def prefetching(request) -> bool:
    return request.headers.get(PREFETCH_HEADER) == "1"


def offline_page(view):
    """A page the phone may keep for offline use, when it asks for it: its answer
    names the user it was made for, and it is made without the messages waiting to
    be shown (they belong on the page the user opens next, not in a kept copy)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if prefetching(request):
            request.offline_prefetch = True  # templates/base.html leaves out messages
        response = view(request, *args, **kwargs)
        if prefetching(request) and response.status_code == 200:
            response[PAGE_HEADER] = str(request.user.pk)
        return response

    return wrapped


# Delivering a queued submit ----------------------------------------------------------

DELIVERY_HEADER = "X-Offline-Delivery"
LOGIN = "login"  # the login expired: the submit waits for its user to log in again


class DeliveryMiddleware:
    """A submit the phone delivers from its queue (static/js/outbox.js) is answered
    with JSON naming its outcome (`submissions.http.OUTCOME_HEADER`) instead of a
    redirect: a script's fetch follows redirects blindly and could not tell a capture
    saved from one refused or a login page. Anything that is not a redirect (a form
    shown again with its problems, 400; a CSRF refusal, 403) goes back as it is."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method != "POST" or request.headers.get(DELIVERY_HEADER) != "1":
            return response
        if response.status_code not in (301, 302, 303, 307, 308):
            return response
        location = response["Location"]
        outcome = response.get(OUTCOME_HEADER, "")
        if not outcome and urlsplit(location).path == resolve_url(settings.LOGIN_URL):
            outcome = LOGIN
        answer = JsonResponse({"outcome": outcome or "moved", "location": location})
        # The session's and the messages' cookies (the outcome's message is shown on
        # the next page the user opens).
        answer.cookies = response.cookies
        answer["Cache-Control"] = "no-store"
        return answer


@require_GET
def ping(request):
    """Who is logged in on this phone, the CSRF token to send a queued form with
    (a login since it was typed rotates it), and the server's time, which the phone
    compares with its own clock (the phone's is never trusted for "today")."""
    user = request.user
    answer = {"now": int(time.time() * 1000), "user": None}
    if user.is_authenticated:
        answer.update(
            user=user.pk,
            name=user.get_full_name() or user.get_username(),
            csrf=get_token(request),
        )
    response = JsonResponse(answer)
    response["Cache-Control"] = "no-store"
    return response
