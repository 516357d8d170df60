"""The installable web app's shell (issue 13): its manifest and its service worker,
both served from the app's origin at the root so the worker's scope is the whole app.

The worker precaches static assets only (stylesheet, scripts, icons): the pages
themselves hold learners' names and are not cached yet (docs/decisions.md, Issue 13).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpResponse, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_GET

# Vendored by `make vendor-js` (the Makefile pins the versions).
WORKBOX = "vendor/workbox-7.4.1"
WORKBOX_MODULES = ("workbox-core", "workbox-routing", "workbox-strategies", "workbox-precaching")
IDB_KEYVAL = "vendor/idb-keyval-6.3.0/umd.js"
WORKBOX_WINDOW = f"{WORKBOX}/workbox-window.prod.umd.js"

# What the worker keeps for the app to start and its pages to look right offline.
PRECACHED = (
    "css/app.css",
    "js/app.js",
    "js/capture.js",
    "js/drafts.js",
    "js/signed-register.js",
    IDB_KEYVAL,
    WORKBOX_WINDOW,
    "icons/icon.svg",
    "icons/icon-192.png",
    "icons/icon-512.png",
)

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
    }
    script = (
        "// The app's service worker (attendance_project/offline.py). Generated: do not cache.\n"
        f"self.OFFLINE_CONFIG = {json.dumps(config, sort_keys=True)};\n"
        f"importScripts({json.dumps(static(f'{WORKBOX}/workbox-sw.js'))}, "
        f"{json.dumps(static('js/service-worker.js'))});\n"
    )
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    # At the root its scope is the whole site by default; the header says so anyway,
    # for a proxy that serves it from elsewhere.
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response
