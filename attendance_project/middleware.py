"""Project-wide HTTP hygiene: bounded request bodies, no malformed parameters, and no
caching of what an authenticated user is shown (docs/decisions.md, issue 9)."""

from __future__ import annotations

import re
from functools import cache

from django.conf import settings
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import BadRequest
from django.http import HttpResponse
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import patch_cache_control

from attendance_project.parsing import EARLIEST, LATEST, has_nul, parse_id, parse_int
from classes.registers.models import MAX_SIGNED_REGISTER_BYTES
from progression.services import MAX_PORTFOLIO_BYTES

REQUEST_TOO_LARGE = "The request is too large: at most {limit} bytes may be sent here."
LENGTH_UNREADABLE = "The request's Content-Length is not a number."
NUL_IN_PARAMETERS = "The request's parameters contain a NUL character."
SELECTION_NOT_IDS = "The selected rows are not row ids."
DATE_PART_OUT_OF_RANGE = "The date to list is not a year, month or day."
# Room for the rest of the upload form (its fields, the multipart boundaries).
UPLOAD_OVERHEAD_BYTES = 1024 * 1024
# URL names that take an upload, with their own limit. The portfolio is uploaded on
# the intermediate page of the progressions list's "Mark complete" action, which
# posts to the list itself; a session's signed register on its own URL.
UPLOAD_LIMITS = {
    "admin:progression_progression_changelist": MAX_PORTFOLIO_BYTES + UPLOAD_OVERHEAD_BYTES,
    "classes:upload_signed_register": MAX_SIGNED_REGISTER_BYTES + UPLOAD_OVERHEAD_BYTES,
}


def body_limit(path_info: str) -> int:
    """The most a request to `path_info` may send: its URL's own limit when it takes
    an upload, else MAX_REQUEST_BODY_BYTES. The path is resolved as Django's handler
    resolves it (without any SCRIPT_NAME prefix), so URLs with parameters (a class,
    a date) are matched by name."""
    try:
        name = resolve(path_info).view_name
    except Resolver404:
        return settings.MAX_REQUEST_BODY_BYTES
    return UPLOAD_LIMITS.get(name, settings.MAX_REQUEST_BODY_BYTES)


class RequestBodyLimitMiddleware:
    """413 for a body announced larger than allowed, before anything reads it.

    First in MIDDLEWARE: the CSRF check and django-axes read request.POST, which reads
    the whole body (Django's DATA_UPLOAD_MAX_MEMORY_SIZE leaves files out, so an
    anonymous 30 MB multipart POST to the login page was read in full). The length is
    the announced Content-Length: Django reads no more than that, and a chunked body
    without one is not read at all.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        announced = request.META.get("CONTENT_LENGTH") or "0"
        length = parse_id(announced)
        if length is None:
            raise BadRequest(LENGTH_UNREADABLE)
        # Only a body larger than the default needs its URL resolved (uploads).
        limit = settings.MAX_REQUEST_BODY_BYTES
        if length > limit:
            limit = body_limit(request.path_info)
        if length > limit:
            return HttpResponse(
                REQUEST_TOO_LARGE.format(limit=limit),
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


class RefuseMalformedParametersMiddleware:
    """400 for parameters no form of ours sends, before any view sees them.

    A net under the parsers (attendance_project.parsing), for the parameters that
    Django's own code reads unchecked:

    - NUL (%00) in any query-string or form field: PostgreSQL cannot store or compare
      text holding it, so the admin's search and filters, the autocomplete and the
      hours-log export were a 500 (the export after its 200 had begun). No person
      types NUL; uploaded files' content is not looked at.

    In the admin only, two of its own parameters that Django reads unchecked, in
    every changelist (Django's, django-axes' and ours):

    - the selected rows (`_selected_action`) must be ids: Django filters the list by
      them as they come. Every model here has integer keys.
    - a date drill-down (`<field>__year`, `__month`, `__day`) must be a year,
      month or day: Django catches only ValueError there, not the OverflowError of
      `__year=99999999999999999999`, nor the year 10000 that `__year=9999` steps to.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # request.POST: the fields of a form body (urlencoded or multipart); empty
        # for other methods and content types.
        if _holds_nul(request.GET) or _holds_nul(request.POST):
            raise BadRequest(NUL_IN_PARAMETERS)
        if request.path.startswith(_admin_root()):
            selected = request.POST.getlist(ACTION_CHECKBOX_NAME)
            if any(parse_id(value) is None for value in selected):
                raise BadRequest(SELECTION_NOT_IDS)
            for key, values in request.GET.lists():
                part = DATE_PART.search(key)
                if part and any(_bad_date_part(part[1], value) for value in values):
                    raise BadRequest(DATE_PART_OUT_OF_RANGE)
        return self.get_response(request)


@cache
def _admin_root() -> str:
    return reverse("admin:index")


# The admin's date drill-down parameters, and what each may be.
DATE_PART = re.compile(r"__(year|month|day)\Z")
DATE_PART_RANGES = {"year": (EARLIEST.year, LATEST.year), "month": (1, 12), "day": (1, 31)}


def _bad_date_part(part: str, value: str) -> bool:
    low, high = DATE_PART_RANGES[part]
    return parse_int(value, min_value=low, max_value=high) is None


def _holds_nul(parameters) -> bool:
    return any(
        has_nul(key) or any(has_nul(value) for value in values)
        for key, values in parameters.lists()
    )


class PrivateCacheMiddleware:
    """`Cache-Control: private, no-store` on every answer to a logged-in user.

    Pages and CSVs show ID numbers, names and hours: no shared cache (a proxy, a
    CDN) may keep them, and no browser may store them on disk for the next person at
    a shared computer. Placed after AuthenticationMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
