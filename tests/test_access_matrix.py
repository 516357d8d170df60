"""Who may open what: every URL pattern of the project, for four personas.

The test walks the URL configuration and fails for any pattern it finds that is not in
the table below ("add <name> to the access matrix"), so a new view cannot ship without
someone deciding who may use it. The Django admin's patterns are checked as a group:
the admin site itself guards them, and the group rule proves it does for every one,
custom admin views included.
"""

import re
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from classes.models import AttendanceSession
from tests.conftest import MONDAY

PERSONAS = ("anonymous", "own_facilitator", "other_facilitator", "admin_user")


@dataclass(frozen=True)
class Redirect:
    """A 302 to the page named `to`."""

    to: str

    def __str__(self):
        return f"302 → {self.to}"


TO_LOGIN = Redirect("login")
TO_ADMIN_LOGIN = Redirect("admin:login")

# URL name (or "namespace:route" for unnamed patterns) → method → expected answer for
# (anonymous, own facilitator, other facilitator, admin). The own facilitator is the
# primary facilitator of the class in the URL; the other one teaches other classes.
# Writes are POSTs with an empty form: refused as invalid (400), never saved.
MATRIX = {
    "": {
        "GET": (Redirect("classes:my_classes"),) * 4,
        "POST": (Redirect("classes:my_classes"),) * 4,
    },
    "login": {
        "GET": (200, 200, 200, 200),
        "POST": (200, 200, 200, 200),  # the form again, with errors
    },
    "logout": {
        "GET": (405, 405, 405, 405),  # logging out changes state: POST only
        "POST": (TO_LOGIN, TO_LOGIN, TO_LOGIN, TO_LOGIN),
    },
    # The installable app's shell (issue 13): no personal data, open to everyone, as
    # the browser fetches them for the login page too.
    "app_manifest": {
        "GET": (200, 200, 200, 200),
        "POST": (405, 405, 405, 405),
    },
    "service_worker": {
        "GET": (200, 200, 200, 200),
        "POST": (405, 405, 405, 405),
    },
    # Who is logged in on this phone, the CSRF token and the server's time (issue 13):
    # anyone may ask; only a logged-in user gets a token and a name.
    "offline_ping": {
        "GET": (200, 200, 200, 200),
        "POST": (405, 405, 405, 405),
    },
    # The pages a phone keeps for offline use: each user's own list.
    "classes:offline_pages": {
        "GET": (TO_LOGIN, 200, 200, 200),
        "POST": (TO_LOGIN, 405, 405, 405),
    },
    # An office admin imports a phone's exported unsent captures; no file: 400.
    "classes:import_unsent": {
        "GET": (TO_LOGIN, 403, 403, 200),
        "POST": (TO_LOGIN, 403, 403, 400),
    },
    "classes:my_classes": {
        "GET": (TO_LOGIN, 200, 200, 200),  # each sees only their classes
        "POST": (TO_LOGIN, 405, 405, 405),
    },
    "classes:waiting": {
        "GET": (TO_LOGIN, 200, 200, 200),  # each sees only their classes' sessions
        "POST": (TO_LOGIN, 405, 405, 405),
    },
    "classes:attendance": {
        "GET": (TO_LOGIN, 200, 404, 200),
        "POST": (TO_LOGIN, 405, 405, 405),
    },
    "classes:learners": {
        "GET": (TO_LOGIN, 200, 404, 200),
        "POST": (TO_LOGIN, 405, 405, 405),
    },
    "classes:session_detail": {
        "GET": (TO_LOGIN, 200, 404, 200),
        "POST": (TO_LOGIN, 405, 405, 405),
    },
    "classes:capture": {
        "GET": (TO_LOGIN, 200, 404, 200),
        "POST": (TO_LOGIN, 400, 404, 400),
    },
    "classes:not_held": {
        "GET": (TO_LOGIN, 200, 404, 200),
        "POST": (TO_LOGIN, 400, 404, 400),
    },
    # The sample session is pending: there is nothing to correct or void yet (404
    # after the access checks). Captured sessions: tests/classes/test_correction_views.py.
    "classes:correct": {
        "GET": (TO_LOGIN, 404, 404, 404),
        "POST": (TO_LOGIN, 404, 404, 404),
    },
    "classes:undo_not_held": {
        "GET": (TO_LOGIN, 404, 404, 404),  # no session recorded on that date
        "POST": (TO_LOGIN, 404, 404, 404),
    },
    "classes:void": {
        "GET": (TO_LOGIN, 403, 404, 404),  # facilitators may not void at all
        "POST": (TO_LOGIN, 403, 404, 404),
    },
    # The paper register (issue 12): the PDFs of the sample (pending) session and of
    # the class's month; an upload to a pending session is refused (400, nothing
    # stored); the sample scan id is no scan (404 after the access checks). Captured
    # sessions and real scans: tests/classes/test_signed_registers.py.
    "classes:register_pdf": {
        "GET": (TO_LOGIN, 200, 404, 200),
        "POST": (TO_LOGIN, 405, 405, 405),
    },
    "classes:month_register_pdf": {
        "GET": (TO_LOGIN, 200, 404, 200),
        "POST": (TO_LOGIN, 405, 405, 405),
    },
    "classes:upload_signed_register": {
        "GET": (TO_LOGIN, 405, 405, 405),
        "POST": (TO_LOGIN, 400, 404, 400),
    },
    "classes:signed_register": {
        "GET": (TO_LOGIN, 404, 404, 404),
        "POST": (TO_LOGIN, 405, 405, 405),
    },
    # Staff reports (reports.view_reports): facilitators get 403, not 404 (the reports
    # are no secret); reading them is GET only. The CSV of the class monthly report
    # needs a class (404 without one); the sample progression is not over its hours,
    # so there is nothing to resolve (404): tests/reports/test_*.py.
    **{
        f"reports:{name}": {
            "GET": (TO_LOGIN, 403, 403, 200),
            "POST": (TO_LOGIN, 403, 403, 405),
        }
        for name in (
            "index",
            "backlog",
            "backlog_csv",
            "progress",
            "progress_csv",
            "excessive_hours",
            "excessive_hours_csv",
            "class_monthly",
            "regulatory",
            "regulatory_csv",
            "missing_signed_registers",
            "missing_signed_registers_csv",
        )
    },
    "reports:class_monthly_csv": {
        "GET": (TO_LOGIN, 403, 403, 404),
        "POST": (TO_LOGIN, 403, 403, 405),
    },
    "reports:resolve_excessive_hours": {
        "GET": (TO_LOGIN, 403, 403, 404),
        "POST": (TO_LOGIN, 403, 403, 404),
    },
    # Pay and billing, the office's pages (issue 14): office admins
    # (billing.view_statement; closing needs classes.close_month); facilitators get
    # 403, as on the staff reports. The sample client's month (March 2026) is open: its
    # statement and files are made now. An empty close form closes nothing (400).
    **{
        f"billing:{name}": {
            "GET": (TO_LOGIN, 403, 403, 200),
            "POST": (TO_LOGIN, 403, 403, 405),
        }
        for name in (
            "office",
            "client_statement",
            "client_statement_pdf",
            "client_statement_csv",
            "reconciliation",
            "reconciliation_csv",
            "export",
            "export_invoices",
            "export_bills",
        )
    },
    "billing:close_month": {
        "GET": (TO_LOGIN, 403, 403, 200),
        "POST": (TO_LOGIN, 403, 403, 400),
    },
    # The admin site's own pages where the group rule below does not fit.
    "admin:login": {
        "GET": (200, 200, 200, Redirect("admin:index")),  # facilitators: "not authorised"
        "POST": (200, 200, 200, 200),
    },
    "admin:logout": {
        "GET": (Redirect("admin:index"),) * 3 + (405,),
        "POST": (Redirect("admin:index"),) * 3 + (TO_LOGIN,),
    },
    # Statements (issue 14): a facilitator's own (the URL's facilitator is the own
    # facilitator); the other facilitator gets 404; office admins see every one.
    # Each user's own alerts and choices (issue 15); the office's list of every open
    # alert needs alerts.view_alert.
    # The funders' files (issue 16): special personal information, behind its own
    # permission (learners.view_special_information); facilitators get 403.
    "records:funder_files": {
        "GET": (TO_LOGIN, 403, 403, 200),
        "POST": (TO_LOGIN, 403, 403, 405),
    },
    "alerts:notifications": {
        "GET": (TO_LOGIN, 200, 200, 200),
        "POST": (TO_LOGIN, 405, 405, 405),
    },
    "alerts:read_all": {
        "GET": (TO_LOGIN, 405, 405, 405),
        "POST": (TO_LOGIN, *(Redirect("alerts:notifications"),) * 3),
    },
    "alerts:unread_count": {
        "GET": (TO_LOGIN, 200, 200, 200),
        "POST": (TO_LOGIN, 405, 405, 405),
    },
    "alerts:preferences": {
        "GET": (TO_LOGIN, 200, 200, 200),
        "POST": (TO_LOGIN, 200, 200, 200),  # the form again: a choice for each alert
    },
    "alerts:office": {
        "GET": (TO_LOGIN, 403, 403, 200),
        "POST": (TO_LOGIN, 403, 403, 405),
    },
    "billing:my_statements": {
        "GET": (TO_LOGIN, 200, 200, 200),
        "POST": (TO_LOGIN, 405, 405, 405),
    },
    **{
        f"billing:{name}": {
            "GET": (TO_LOGIN, 200, 404, 200),
            "POST": (TO_LOGIN, 405, 405, 405),
        }
        for name in (
            "facilitator_statement",
            "facilitator_statement_pdf",
            "facilitator_statement_csv",
        )
    },
    # Claims: only the statement's facilitator submits (an empty form: 400), only the
    # office reviews (nothing submitted to review: 400).
    "billing:submit_claim": {
        "GET": (TO_LOGIN, 405, 405, 405),
        "POST": (TO_LOGIN, 400, 404, 403),
    },
    "billing:review_claim": {
        "GET": (TO_LOGIN, 405, 405, 405),
        "POST": (TO_LOGIN, 403, 404, 400),
    },
}
# Every other admin pattern: anonymous and facilitators (not staff) are sent to the
# admin login for GET and POST alike; the admin gets each changelist and these pages,
# and no other admin page answers the admin with a login redirect or an error.
ADMIN_PAGES_FOR_THE_ADMIN = {
    "admin:index",
    "admin:app_list",
    "admin:password_change",
    "admin:password_change_done",
    "admin:jsi18n",
}
# Sample values for the URL parameters.
SAMPLE_KWARGS = {
    "object_id": "1",
    "content_type_id": "1",
    "id": "1",
    "app_label": "classes",
    "register_id": "1",
}
PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")
UNNAMED_ROUTE_SAMPLES = {"(?P<url>.*)$": "no-such-page/", "<path:object_id>/": "1/"}


@dataclass(frozen=True)
class Route:
    key: str  # the URL name, or "namespace:route" when the pattern has no name
    name: str | None
    route: str
    namespace: str | None

    @property
    def is_admin(self):
        return self.namespace == "admin"


def all_routes(patterns=None, prefix="", namespace=None):
    """Every URL pattern of the project, with the includes walked."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(n for n in (namespace, pattern.namespace) if n) or None
            yield from all_routes(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        else:
            assert isinstance(pattern, URLPattern)
            route = prefix + str(pattern.pattern)
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            key = name or (f"{namespace}:{route}" if namespace else route)
            yield Route(key=key, name=name, route=route, namespace=namespace)


def url_for(route: Route, klass) -> str:
    if route.name is None:
        for suffix, sample in UNNAMED_ROUTE_SAMPLES.items():
            if route.route.endswith(suffix):
                return "/" + route.route.removesuffix(suffix) + sample
        if route.route == "":
            return "/"
        raise AssertionError(f"no sample URL for the unnamed pattern {route.route!r}")
    samples = SAMPLE_KWARGS | {
        "class_id": klass.pk,
        "session_date": MONDAY,
        "progression_id": klass.progressions.order_by("pk").first().pk,
        "facilitator_id": klass.facilitator_id,
        "client_id": klass.client_id,
        "month": MONDAY.replace(day=1),
    }
    # <name>, <converter:name> and regex (?P<name>...) parameters alike.
    params = PARAMETER.findall(route.route)
    missing = set(params) - set(samples)
    assert not missing, f"no sample value for {missing} in {route.route!r}"
    return reverse(route.name, kwargs={param: samples[param] for param in params})


def check(response, expected, where) -> str | None:
    """A line describing the mismatch, or None."""
    if isinstance(expected, Redirect):
        target = reverse(expected.to)
        location = response.get("Location", "")
        if response.status_code == 302 and location.split("?")[0] == target:
            return None
        return f"{where}: expected {expected}, got {response.status_code} {location}"
    if response.status_code != expected:
        return f"{where}: expected {expected}, got {response.status_code}"
    return None


@pytest.fixture
def clients(request, scheduled_class):
    """A fresh client per persona, logged in (except anonymous); fresh because a
    logout in the matrix must not log the persona out of the next rows."""
    users = {persona: request.getfixturevalue(persona) for persona in PERSONAS[1:]}

    def make():
        logged_in = {"anonymous": Client()}
        for persona, user in users.items():
            logged_in[persona] = Client()
            logged_in[persona].force_login(user)
        return logged_in

    return make


def test_every_url_pattern_is_in_the_access_matrix():
    routes = list(all_routes())
    assert len(routes) > 100  # the admin's patterns were walked too

    missing = [r.key for r in routes if not r.is_admin and r.key not in MATRIX]
    stale = set(MATRIX) - {r.key for r in routes}
    assert [f"add {key} to the access matrix" for key in missing] == []
    assert stale == set(), "patterns no longer in the URL configuration"


def test_the_site_answers_each_persona_as_the_matrix_says(clients, scheduled_class):
    problems = []
    for route in all_routes():
        if route.key not in MATRIX:
            continue
        url = url_for(route, scheduled_class)
        for method, expected in MATRIX[route.key].items():
            personas = clients()
            for persona, answer in zip(PERSONAS, expected, strict=True):
                response = getattr(personas[persona], method.lower())(url)
                problems.append(check(response, answer, f"{method} {url} as {persona}"))
    assert [p for p in problems if p] == []
    assert not AttendanceSession.objects.exists()


def test_the_admin_site_is_for_staff_only(clients, scheduled_class):
    problems = []
    admin_routes = [r for r in all_routes() if r.is_admin and r.key not in MATRIX]
    assert len(admin_routes) > 100
    clients = clients()  # no logout among these routes: one set will do
    for route in admin_routes:
        url = url_for(route, scheduled_class)
        for persona in PERSONAS[:3]:
            for method in ("get", "post"):
                response = getattr(clients[persona], method)(url)
                problems.append(check(response, TO_ADMIN_LOGIN, f"{method} {url} as {persona}"))
        response = clients["admin_user"].get(url)
        where = f"GET {url} as admin_user"
        if route.key.endswith("_changelist") or route.key in ADMIN_PAGES_FOR_THE_ADMIN:
            problems.append(check(response, 200, where))
        elif response.status_code >= 500 or (
            response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
        ):
            problems.append(f"{where}: got {response.status_code}")
    assert [p for p in problems if p] == []
