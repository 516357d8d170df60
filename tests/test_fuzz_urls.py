"""No input is a server error: every URL pattern, fuzzed, as every persona.

The URL patterns come from the access matrix's walk of the URLconf (every pattern,
the admin's included, with real ids). Each pattern is opened once as is by every
persona; the personas it is shown to then share its fuzz (the values dealt out
among them, Depth and Share below), the others probe the refusal:

- GET: the parameter names a page reads are taken from the page itself (its form
  fields and the query keys of its links, as any of its personas sees it) plus the
  ones every admin page reads and a name no view knows. Each parameter then gets
  each hostile value, alone, from one of the personas.
- POST: the form the page shows (as a browser would submit it) is sent with every
  field set to each hostile value at once, and by each persona with each field in
  turn set to a hostile value and the others left as shown. Admin actions are also
  posted with a real selected row, so that their intermediate pages (and their
  forms) are reached.

No answer may be 500 or more (a streamed CSV that breaks off counts as one), and a
write that is refused leaves every table of our apps as it was. Each request runs in
a savepoint that is rolled back, so every one starts from the same database.
"""

from __future__ import annotations

import datetime
import html.parser
import itertools
import logging
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.admin import site as admin_site
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from classes.models import (
    AttendanceSession,
    BackupFacilitator,
    Class,
    HolidayOverride,
    ScheduleException,
    SchedulePause,
)
from classes.registers.models import SignedRegister
from classes.roles import OFFICE_ADMINS
from classes.services import (
    LearnerEntry,
    capture_session,
    change_class_status,
    correct_session,
    mark_session_not_held,
)
from classes.services.signed_registers import upload_signed_register
from progression.services import ProgressionService
from reports.services import record_resolution
from tests.classes.scan_files import PDF, upload
from tests.conftest import MONDAY, WEDNESDAY
from tests.factories import ClassFactory, UserFactory
from tests.test_access_matrix import Route, all_routes, url_for

# Digits that str.isdigit() accepts and int() does not (or reads as another number),
# NUL, a very long value, numbers too big for any column or for Decimal arithmetic,
# impossible dates, quotes and line breaks (headers, CSV, HTML).
HOSTILE = (
    "²",
    "٣",
    "\x00",
    "x" * 10_000,
    "9" * 40,
    "1E+999999999",
    "NaN",
    "-0",
    "2026-02-30",
    "0000-01-01",
    "'\"<x>",
    "a\nb",
    "a\r\nb",
)
UNKNOWN_PARAMETER = "fuzz"
# What every admin page may read from the query string, shown in no form or link.
ADMIN_PARAMETERS = ("q", "o", "p", "e", "all", "_popup", "_to_field", "_changelist_filters")
# Parameters a page reads without showing them (its links and forms carry others).
HIDDEN_PARAMETERS = {
    "admin:autocomplete": ("term", "app_label", "model_name", "field_name", "page"),
    "classes:attendance": ("month",),
    "classes:my_classes": ("page", "q", "status", "facilitator"),
    "classes:month_register_pdf": ("month",),
    # The next classes of the search: linked only when more than a list's worth match.
    "reports:class_monthly": ("after",),
    "login": ("next",),
    "admin:login": ("next",),
}
# Pages that read another page's parameters: the export reads the list's filters.
PARAMETERS_OF = {"admin:progression_hourslog_export": "admin:progression_hourslog_changelist"}
# Pages whose form starts from the query string (?learner=ID): Django's add pages
# and the manual hours form. Their form's fields are query parameters too.
FORM_FROM_QUERY = {"admin:progression_hourslog_manual"}
# Answers that are files rather than pages.
BINARY_TYPES = ("application/pdf", "image/")
# A pending session too: the sample date (Monday) is captured, to reach corrections.
PENDING_DATE = datetime.date(2026, 2, 25)


@dataclass(frozen=True)
class Depth:
    """How many hostile values a page gets for one persona. Fractions are shares: 0.5
    is one value on every other page. Where a page gets fewer than all, the values
    are taken in turn from one rotation over HOSTILE for the whole run, so that the
    pages of a kind together get every value."""

    per_parameter: float  # GET: each query parameter alone
    all_fields: float  # POST: every field of a form set to the same value
    per_field: float  # POST: each field alone, the others as the page shows them
    # per_parameter and all_fields are for the page, not for one persona: the first
    # that many values of HOSTILE, dealt out in turn to the personas the page is shown
    # to (Share), so that together they send each of them once to every parameter and
    # every form, whether one persona sees the page or four.
    by_persona: bool = False


@dataclass(frozen=True)
class Share:
    """A persona's part of a page's values: every `of`-th from `index`, where `of` is
    how many personas the page (or the form) is shown to and `index` this one's place
    among them."""

    index: int
    of: int


ALL = len(HOSTILE)
# Our views, our admin views and our admin actions: every value for every parameter
# and every form (dealt out among the personas shown the page), and one per field
# alone for each persona.
OURS = Depth(per_parameter=ALL, all_fields=ALL, per_field=1, by_persona=True)
# Django's own admin pages (lists, add, change, delete, history) are the same code for
# each of the 25 models: values in turn across the models, a share per page. This
# keeps the run near a minute and a half; the parsers they call are ours
# (test_parsing.py).
DJANGO_ADMIN = Depth(per_parameter=0.12, all_fields=1, per_field=0.2)
# The PDF registers: each answer costs a second of rendering, and their one parameter
# (month) is parse_month's, which the class page (classes:attendance) gets in full:
# three values for each parameter, one per persona shown the register.
PDF_PAGES = {"classes:register_pdf", "classes:month_register_pdf"}
PDF_DEPTH = Depth(per_parameter=3, all_fields=3, per_field=0, by_persona=True)
# A page refusing this persona (a login redirect, 403, 404) before reading anything:
# every parameter at once, and a POST, on every third such page (values in turn: the
# refusals are the same few code paths, the admin's login redirect most of all, and
# probing every one of them was a quarter of the run).
REFUSED = Depth(per_parameter=0, all_fields=1 / 3, per_field=0)
# Django's own admin pages as the superuser, once the office admin had the same page
# fuzzed: the same code with more permissions, so each form is sent once with every
# field hostile (the superuser's extra fields and actions included), not field by
# field again.
SUPERUSER_AGAIN = Depth(per_parameter=0, all_fields=1, per_field=0)
# The admin's views that are ours, and Django's autocomplete (it feeds our pickers).
OUR_ADMIN_VIEWS = {
    "admin:autocomplete",
    "admin:progression_hourslog_manual",
    "admin:progression_hourslog_export",
    "admin:progression_progression_portfolio",
    "admin:classes_signedregister_file",
}
PERSONAS = ("anonymous", "facilitator", "office_admin", "superuser")


def signed_register_file():
    return upload("register.pdf", PDF)


class Rollback(Exception):
    pass


# --- the world: one of everything, with real ids --------------------------------------


@pytest.fixture
def world(scheduled_class, own_facilitator, admin_user, media_root):
    """The scheduled class with a captured and corrected Monday, Wednesday not held,
    a progression over its hours with a resolution, manual hours, schedule details, a
    backup facilitator, a status change, and an office admin."""
    klass = scheduled_class
    learners = list(klass.enrolments.order_by("learner__surname").values_list("learner", flat=True))
    capture_session(
        klass=klass,
        session_date=MONDAY,
        recorded_by=own_facilitator,
        entries=[LearnerEntry(pk, "3", "5") for pk in learners],
    )
    correct_session(
        klass=klass,
        session_date=MONDAY,
        corrected_by=own_facilitator,
        entries=[LearnerEntry(pk, "2" if pk == learners[0] else "3", "5") for pk in learners],
        reason="Arrived late",
        expected_version=AttendanceSession.objects.get(klass=klass, session_date=MONDAY).version,
    )
    mark_session_not_held(
        klass=klass,
        session_date=WEDNESDAY,
        recorded_by=own_facilitator,
        status=AttendanceSession.Status.CLIENT_CANCELLED,
        notes="Site closed",
    )
    # Over the LP's 120 capped hours: the excessive-hours report lists them. The
    # access matrix's sample progression (the class's first) stays unresolved, so its
    # resolve page takes a POST; another one has a resolution.
    klass.programme.class_type.hours_capped = True
    klass.programme.class_type.save()
    first, second = klass.progressions.order_by("pk")[:2]
    for progression in (first, second):
        ProgressionService.log_hours(
            progression.learner_id, 130, 130, "manual", notes="Catch-up", created_by=admin_user
        )
    record_resolution(
        progression_id=second.pk,
        kind="qa_visit",
        notes="QA visit on Friday",
        resolved_by=admin_user,
    )
    schedule = klass.schedule
    ScheduleException.objects.create(schedule=schedule, exception_date=MONDAY, reason="Strike")
    SchedulePause.objects.create(
        schedule=schedule, pause_start=MONDAY, resume_date=WEDNESDAY, reason="Leave"
    )
    HolidayOverride.objects.create(schedule=schedule, holiday_date=MONDAY, reason="Worked")
    BackupFacilitator.objects.create(klass=klass, user=UserFactory(username="backup"))
    draft = ClassFactory(status=Class.Status.DRAFT, facilitator=own_facilitator)
    change_class_status(
        klass=draft, status=Class.Status.ACTIVE, changed_by=admin_user, reason="Starts"
    )
    # Monday's signed register: its download and the admin's have a real row.
    upload_signed_register(
        klass=klass, session_date=MONDAY, file=signed_register_file(), uploaded_by=own_facilitator
    )
    office = UserFactory(username="office.fuzz", is_staff=True)
    office.groups.add(Group.objects.get(name=OFFICE_ADMINS))
    # A failed login: the axes tables have rows too.
    Client().post(reverse("login"), {"username": "nobody", "password": "wrong"})
    return {"facilitator": own_facilitator, "office_admin": office, "superuser": admin_user}


def sample_urls(route: Route, klass) -> list[str]:
    """The access matrix's URL (with an existing row's id for admin object pages);
    for capture and not-held also the URL of a pending session."""
    urls = [sample_url(route, klass)]
    if route.key == "classes:signed_register":
        scan = SignedRegister.objects.get()
        urls = [reverse(route.name, args=[klass.pk, MONDAY, scan.pk])]
    if route.key in ("classes:capture", "classes:not_held"):
        urls.append(reverse(route.name, args=[klass.pk, PENDING_DATE]))
    return urls


def sample_url(route: Route, klass) -> str:
    url = url_for(route, klass)
    parts = route.route.split("/")
    if route.is_admin and len(parts) > 3 and "<path:object_id>" in route.route:
        if parts[1] == "r":  # view on site: <content_type_id>/<object_id>
            content_type = ContentType.objects.get_for_model(Class)
            return reverse(route.name, args=[content_type.pk, klass.pk])
        model = apps.get_model(parts[1], parts[2])
        first = model._default_manager.order_by("pk").first()
        if first is not None:  # else the missing row 1: a page that says so
            url = url.replace("/1/", f"/{first.pk}/", 1)
    return url


# --- sending -------------------------------------------------------------------------


@dataclass
class Persona:
    name: str
    client: Client
    cookies: dict[str, str]  # as logged in


@dataclass
class Findings:
    errors: list[str] = field(default_factory=list)
    writes: list[str] = field(default_factory=list)
    requests: int = 0


def our_apps():
    """The project's apps (the ledger, attendance, sessions, histories, submission
    keys and whatever comes next), not Django's or third parties'."""
    return [a for a in apps.get_app_configs() if is_ours(a.module)]


# The access log (issue 16) records reads: a file answered with 200 (the subject-access
# file) is logged, and that row is the duty, not a write that a refusal should undo.
READ_LOGS = {"learner_access_log"}


def row_counts() -> tuple[int, ...]:
    """Rows of every table of our apps (but the read logs), in one query."""
    tables = [
        model._meta.db_table
        for app in our_apps()
        for model in app.get_models()
        if not model._meta.proxy and model._meta.managed and model._meta.db_table not in READ_LOGS
    ]
    sql = " UNION ALL ".join(
        f"SELECT {i}, count(*) FROM {connection.ops.quote_name(t)}" for i, t in enumerate(tables)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT c FROM ({sql}) AS counts(i, c) ORDER BY i")
        return tuple(row[0] for row in cursor.fetchall())


def send(persona: Persona, method: str, url: str, data, findings: Findings, label: str = ""):
    """One request in a savepoint rolled back afterwards; returns (status, text).

    A refused write (any answer but a redirect) must leave every table as it was."""
    findings.requests += 1
    where = f"{method} {url} {label} as {persona.name}".replace("  ", " ")
    status, text = 0, ""
    try:
        with transaction.atomic():
            before = row_counts() if method == "POST" else None
            response = getattr(persona.client, method.lower())(url, data)
            status = response.status_code
            try:
                if response.streaming:
                    body = b"".join(response.streaming_content)
                else:
                    body = response.content
                # A PDF or an image (the paper register, a signed scan) is read to its
                # end, but it is no page: no forms or links to read in it.
                if not response.get("Content-Type", "").startswith(BINARY_TYPES):
                    text = body.decode(errors="replace")
            except Exception as error:  # e.g. a CSV that broke off after its 200
                findings.errors.append(f"{where}: {status}, then broke off ({error!r})")
            if status >= 500:
                findings.errors.append(f"{where}: {status}")
            elif before is not None and status != 302 and row_counts() != before:
                findings.writes.append(f"{where}: {status}, but rows were written")
            raise Rollback
    except Rollback:
        pass
    finally:
        # A logout in the fuzz must not log the persona out of the next requests (the
        # session row is back after the rollback; the cookie is restored here).
        persona.client.cookies = SimpleCookie(persona.cookies)
    return status, text


def shown(value: str) -> str:
    return repr(value if len(value) < 20 else value[:8] + f"…({len(value)})")


# --- reading pages as a browser would ------------------------------------------------


@dataclass
class Form:
    action: str  # the form's action attribute ("" posts to the page itself)
    fields: list[tuple[str, str]]  # as a browser submits them
    choices: dict[str, list[str]]  # each select's option values


class PageReader(html.parser.HTMLParser):
    """A page's POST forms, and the query keys of its links and GET forms."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.query_keys: set[str] = set()
        self._form: Form | None = None
        self._get_form = False
        self._select: str | None = None
        self._selected: str | None = None
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and "?" in a.get("href", ""):
            query = a["href"].split("?", 1)[1].split("#")[0]
            self.query_keys |= {k for k, _ in urllib.parse.parse_qsl(query)}
        elif tag == "form":
            if a.get("method", "get").lower() == "post":
                self._form = Form(a.get("action", ""), [], {})
                self.forms.append(self._form)
            else:
                self._get_form = True
        name = a.get("name")
        if self._get_form and name and tag in ("input", "select", "textarea"):
            self.query_keys.add(name)
        if self._form is None:
            return
        if tag == "option" and self._select:
            self._form.choices[self._select].append(a.get("value", ""))
            if self._selected is None or "selected" in a:
                self._selected = a.get("value", "")
        elif not name:
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._form.fields.append((name, a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select":
            self._select, self._selected = name, None
            self._form.choices[name] = []
        elif tag == "textarea":
            self._textarea, self._text = name, ""

    def handle_data(self, data):
        if self._textarea:
            self._text += data

    def handle_endtag(self, tag):
        if self._form is None:
            self._get_form = self._get_form and tag != "form"
        elif tag == "form":
            self._form = None
        elif tag == "select" and self._select:
            self._form.fields.append((self._select, self._selected or ""))
            self._select = None
        elif tag == "textarea" and self._textarea:
            self._form.fields.append((self._textarea, self._text))
            self._textarea = None


def read(text: str) -> PageReader:
    reader = PageReader()
    reader.feed(text)
    return reader


# --- the fuzz ------------------------------------------------------------------------


@pytest.fixture
def personas(world):
    found = {}
    for name in PERSONAS:
        client = Client(raise_request_exception=False)
        if name != "anonymous":
            client.force_login(world[name])
        cookies = {key: morsel.value for key, morsel in client.cookies.items()}
        found[name] = Persona(name, client, cookies)
    return found


@pytest.fixture
def quiet_refusals(caplog):
    """Every 400 is logged with its traceback (django.security, django.request):
    thousands of them would cost more than the requests. 500s still log."""
    caplog.set_level(logging.CRITICAL, logger="django.security")
    caplog.set_level(logging.ERROR, logger="django.request")
    caplog.set_level(logging.ERROR, logger="axes")


def query_parameters(route: Route, page: PageReader) -> list[str]:
    names = set(page.query_keys) | set(HIDDEN_PARAMETERS.get(route.key, ()))
    if route.is_admin:
        names |= set(ADMIN_PARAMETERS)
    if route.key.endswith("_add") or route.key in FORM_FROM_QUERY:
        names |= {n for form in page.forms for n, _ in form.fields if "-" not in n}
    names -= {"csrfmiddlewaretoken", "submission_key"}
    return sorted(names) + [UNKNOWN_PARAMETER]


class Fuzz:
    """One run: the rotation of hostile values, the requests and what they found."""

    def __init__(self):
        self.findings = Findings()
        self._rotation = itertools.cycle(HOSTILE)
        self._share = 0.0
        self._fuzzed_as_office: set[str] = set()

    def values(self, count: float, share: Share | None = None) -> list[str]:
        if share is not None:  # the persona's part of the page's values
            return [
                HOSTILE[i % len(HOSTILE)] for i in range(int(count)) if i % share.of == share.index
            ]
        self._share += count
        whole = int(self._share)
        self._share -= whole
        return list(itertools.islice(self._rotation, whole))

    def url(self, route, url, personas):
        """GET the page as every persona; fuzz it as those it is shown to, and probe
        it as those it refuses."""
        shown_to = []
        for persona in personas:
            status, text = send(persona, "GET", url, None, self.findings)
            if status == 200:
                shown_to.append((persona, read(text)))
            else:
                self.refused(persona, route, url)
        if not shown_to:
            return
        # Every parameter any of them could read goes to each: the values are dealt
        # out per parameter, so none may be left to one persona's part.
        parameters: dict[str, None] = {}
        for persona, page in shown_to:
            parameters |= dict.fromkeys(query_parameters(route, page))
            if route.key in PARAMETERS_OF:
                other = reverse(PARAMETERS_OF[route.key])
                listed = read(send(persona, "GET", other, None, self.findings)[1]).query_keys
                parameters |= dict.fromkeys(sorted(listed))
        # A form, or an admin action, goes to the personas shown it, each with a part.
        holders: dict[tuple[str, ...], list[str]] = {}
        for persona, page in shown_to:
            for form in page.forms:
                holders.setdefault(form_key(form), []).append(persona.name)
                for action in form.choices.get("action", ()):
                    holders.setdefault(("action", action), []).append(persona.name)
        for index, (persona, page) in enumerate(shown_to):
            share = Share(index, len(shown_to))
            self.page(persona, route, url, page, list(parameters), share, holders)

    def refused(self, persona, route, url):
        """Refused or sent elsewhere: every parameter a page could read, at once."""
        names = query_parameters(route, read(""))
        for value in self.values(REFUSED.all_fields):
            label = f"every parameter={shown(value)}"
            send(persona, "GET", url, dict.fromkeys(names, value), self.findings, label)
        for value in self.values(REFUSED.all_fields):
            data = {UNKNOWN_PARAMETER: value}
            send(persona, "POST", url, data, self.findings, shown(value))

    def page(self, persona, route, url, page, parameters, share, holders):
        """Fuzz the page's query string and its forms as `persona`."""
        depth = OURS if not route.is_admin or route.key in OUR_ADMIN_VIEWS else DJANGO_ADMIN
        if route.key in PDF_PAGES:
            depth = PDF_DEPTH
        if depth is DJANGO_ADMIN:
            if persona.name == "superuser" and url in self._fuzzed_as_office:
                depth = SUPERUSER_AGAIN
            elif persona.name == "office_admin":
                self._fuzzed_as_office.add(url)
        mine = share if depth.by_persona else None
        for name in parameters:
            for value in self.values(depth.per_parameter, mine):
                send(persona, "GET", url, {name: value}, self.findings, f"{name}={shown(value)}")
        path = url.split("?")[0]
        forms = [f for f in page.forms if f.action in ("", path)]
        if not forms:
            for value in self.values(depth.all_fields, mine):
                data = {UNKNOWN_PARAMETER: value}
                send(persona, "POST", url, data, self.findings, shown(value))
        for form in forms:
            self.post(
                persona, url, form.fields, depth, share=part(holders, form_key(form), persona)
            )
            if route.key.endswith("_changelist") and form.choices.get("action"):
                self.actions(persona, route, url, form.choices["action"], holders)

    def post(self, persona, url, fields, depth, fixed=(), share=None):
        """Every field at once set to a value (the persona's `share` of them, where the
        depth deals them out), then each field alone; `fixed` fields (the chosen action)
        are sent as they are."""
        names = list(dict.fromkeys(n for n, _ in fields if n != "csrfmiddlewaretoken"))
        if not names:
            return
        prefix = " ".join(f"{n}={v}" for n, v in fixed)
        for value in self.values(depth.all_fields, share if depth.by_persona else None):
            data = as_data([*fixed, *((n, value) for n, _ in fields)])
            send(persona, "POST", url, data, self.findings, f"{prefix} every field={shown(value)}")
        for name in names:
            for value in self.values(depth.per_field):
                data = as_data([*fixed, *((n, value if n == name else v) for n, v in fields)])
                send(persona, "POST", url, data, self.findings, f"{prefix} {name}={shown(value)}")

    def actions(self, persona, route, url, actions, holders):
        """Each admin action on a real row, then its intermediate page's form."""
        app_label, model_name = route.route.split("/")[1:3]
        model = apps.get_model(app_label, model_name)
        first = model._default_manager.order_by("pk").first()
        if first is None:
            return
        for action in filter(None, actions):
            chosen = {"action": action, ACTION_CHECKBOX_NAME: str(first.pk), "index": "0"}
            status, text = send(persona, "POST", url, chosen, self.findings, f"action={action}")
            if status != 200:
                continue
            ours = action != "delete_selected" and is_ours(type(admin_site._registry[model]))
            for form in read(text).forms:
                if ("action", action) in form.fields:
                    fields = [f for f in form.fields if f[0] != "action"]
                    depth = OURS if ours else DJANGO_ADMIN
                    share = part(holders, ("action", action), persona)
                    self.post(persona, url, fields, depth, fixed=[("action", action)], share=share)


def form_key(form: Form) -> tuple[str, ...]:
    """A form as the same for every persona shown it: its action and field names."""
    return (form.action, *sorted({name for name, _ in form.fields}))


def part(holders: dict[tuple[str, ...], list[str]], key: tuple[str, ...], persona) -> Share:
    """The persona's part of what the personas holding `key` are sent between them."""
    names = holders[key]
    return Share(names.index(persona.name), len(names))


def is_ours(thing) -> bool:
    """A class or module of this project's code (not Django's, not an installed
    package's)."""
    module = thing if hasattr(thing, "__file__") else sys.modules[thing.__module__]
    path = module.__file__ or ""
    return Path(path).is_relative_to(settings.BASE_DIR) and "site-packages" not in path


def as_data(fields):
    data = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return data


def test_no_input_is_a_server_error(personas, scheduled_class, quiet_refusals):
    fuzz = Fuzz()
    findings = fuzz.findings
    started = time.monotonic()
    before = row_counts()
    timings = {}
    for route in all_routes():
        for url in sample_urls(route, scheduled_class):
            start, count = time.monotonic(), findings.requests
            fuzz.url(route, url, personas.values())
            spent = time.monotonic() - start
            timings[url] = (spent, findings.requests - count)
    assert row_counts() == before
    elapsed = time.monotonic() - started
    print(f"{findings.requests} requests in {elapsed:.1f} s")
    # With -s: where the time goes, for whoever tunes the depths above.
    for key, (seconds, count) in sorted(timings.items(), key=lambda kv: -kv[1][0])[:10]:
        print(f"{seconds:6.2f} s {count:5d} requests {key}")
    assert findings.errors == []
    assert findings.writes == []
