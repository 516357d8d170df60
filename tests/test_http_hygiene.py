"""Issue 9's HTTP hygiene in the test client: nothing shown to a logged-in user is
cacheable, bodies are bounded (except the portfolio upload), malformed parameters
are a 400, download names cannot break their header, kept connections are checked.
(Against a real server: tests/test_http_server.py.)"""

import json

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from attendance_project.middleware import (
    NUL_IN_PARAMETERS,
    REQUEST_TOO_LARGE,
    SELECTION_NOT_IDS,
    UPLOAD_OVERHEAD_BYTES,
)
from classes.roles import OFFICE_ADMINS
from progression.services import MAX_PORTFOLIO_BYTES
from tests.conftest import MONDAY
from tests.factories import ClassFactory, UserFactory
from tests.test_security import manage, production_env

pytestmark = pytest.mark.django_db


def directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def consumed(response):
    if response.streaming:
        b"".join(response.streaming_content)
    return response


# --- Cache-Control --------------------------------------------------------------------


def test_every_answer_to_a_logged_in_user_is_private_and_never_stored(
    client, scheduled_class, own_facilitator, admin_user
):
    facilitator_pages = [
        reverse("classes:my_classes"),
        reverse("classes:attendance", args=[scheduled_class.pk]),
        reverse("classes:session_detail", args=[scheduled_class.pk, MONDAY]),
        reverse("classes:capture", args=[scheduled_class.pk, MONDAY]),
    ]
    staff_pages = [
        reverse("reports:progress"),
        reverse("reports:progress_csv"),
        reverse("reports:regulatory_csv"),
        reverse("reports:class_monthly_csv") + f"?class={scheduled_class.pk}&month=2026-03",
        reverse("admin:index"),
        reverse("admin:learners_learner_changelist"),
        reverse("admin:progression_hourslog_export"),
    ]
    for user, pages in [(own_facilitator, facilitator_pages), (admin_user, staff_pages)]:
        client.force_login(user)
        for url in pages:
            response = consumed(client.get(url))
            assert response.status_code == 200, url
            assert {"private", "no-store"} <= directives(response), url


# --- Bounded bodies -------------------------------------------------------------------


def test_a_body_announced_larger_than_allowed_is_refused_unread(client, settings):
    settings.MAX_REQUEST_BODY_BYTES = 1000
    # Announced, not sent: the test client would fail if anything read past the body.
    response = client.post(
        reverse("login"), {"username": "x"}, CONTENT_LENGTH=str(30 * 1024 * 1024)
    )
    assert response.status_code == 413
    assert response.content.decode() == REQUEST_TOO_LARGE.format(limit=1000)
    # Below the limit the login page answers as ever.
    assert client.post(reverse("login"), {"username": "x"}).status_code == 200


def test_the_portfolio_upload_has_its_own_limit(client, admin_user, settings):
    settings.MAX_REQUEST_BODY_BYTES = 1000
    client.force_login(admin_user)
    url = reverse("admin:progression_progression_changelist")
    # A 2 MB upload reaches the view (here: no action chosen, back to the list).
    upload = SimpleUploadedFile("portfolio.pdf", b"%PDF-1.4\n" + b"x" * 2 * 1024 * 1024)
    assert client.post(url, {"portfolio": upload}).status_code in (200, 302)
    limit = MAX_PORTFOLIO_BYTES + UPLOAD_OVERHEAD_BYTES
    response = client.post(url, {"action": "x"}, CONTENT_LENGTH=str(limit + 1))
    assert response.status_code == 413
    assert response.content.decode() == REQUEST_TOO_LARGE.format(limit=limit)
    # Every other admin URL keeps the small limit.
    other = reverse("admin:learners_learner_changelist")
    assert client.post(other, {"action": "x"}, CONTENT_LENGTH="1001").status_code == 413


def test_an_unreadable_content_length_is_a_400(client):
    response = client.post(reverse("login"), {"username": "x"}, CONTENT_LENGTH="²")
    assert response.status_code == 400


# --- Malformed parameters -------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("get", "/classes/", {"q": "\x00"}),
        ("get", "/admin/progression/hourslog/", {"q": "\x00"}),
        ("get", "/admin/progression/hourslog/export/", {"learner": "1\x00"}),
        ("get", "/admin/autocomplete/", {"term": "\x00", "app_label": "classes"}),
        ("post", "/accounts/login/", {"username": "a\x00", "password": "x"}),
        ("post", "/admin/learners/learner/", {"action": "delete_selected", "q\x00": "1"}),
    ],
)
def test_nul_in_any_parameter_is_a_400(client, admin_user, method, url, data, caplog):
    client.force_login(admin_user)
    response = getattr(client, method)(url, data)
    assert response.status_code == 400
    assert NUL_IN_PARAMETERS in caplog.text


@pytest.mark.parametrize("selected", ["²", "1E+999999999", "-1", "", "1 or 1=1"])
def test_admin_selections_that_are_not_ids_are_a_400(client, admin_user, selected, caplog):
    client.force_login(admin_user)
    for url in ("/admin/auth/group/", "/admin/learners/learner/"):
        response = client.post(
            url, {"action": "delete_selected", "_selected_action": ["1", selected]}
        )
        assert response.status_code == 400, url
    assert SELECTION_NOT_IDS in caplog.text


# --- Download names -------------------------------------------------------------------


@pytest.mark.parametrize("code", ['CLS"7', "CLS\n7", "CLS\r\nSet-Cookie: x=1", "../CLS;7"])
def test_a_class_code_cannot_break_the_csv_download_header(client, admin_user, now, code):
    klass = ClassFactory(code=code)
    client.force_login(admin_user)
    response = consumed(
        client.get(reverse("reports:class_monthly_csv"), {"class": klass.pk, "month": "2026-03"})
    )
    assert response.status_code == 200
    header = response["Content-Disposition"]
    name = header.removeprefix('attachment; filename="').removesuffix('"')
    assert header.startswith('attachment; filename="class-')
    assert not set(name) & set('"\r\n/\\;'), header
    assert "Set-Cookie" not in response.headers


# --- Office admins and the facilitator pickers ----------------------------------------


def office_admin():
    user = UserFactory(username="office.picker", is_staff=True)
    user.groups.add(Group.objects.get(name=OFFICE_ADMINS))
    return user


@pytest.mark.parametrize(
    ("model_name", "field_name"),
    [("class", "facilitator"), ("backupfacilitator", "user")],
)
def test_office_admins_use_the_facilitator_pickers(
    client, scheduled_class, own_facilitator, model_name, field_name
):
    client.force_login(office_admin())
    query = {"app_label": "classes", "model_name": model_name, "field_name": field_name}
    response = client.get(reverse("admin:autocomplete"), {**query, "term": "Mokoena"})
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [str(own_facilitator.pk)]


def test_facilitators_still_cannot_use_the_pickers(client, scheduled_class, own_facilitator):
    client.force_login(own_facilitator)
    query = {"app_label": "classes", "model_name": "class", "field_name": "facilitator"}
    response = client.get(reverse("admin:autocomplete"), {**query, "term": "Mokoena"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


# --- Connection health checks -------------------------------------------------------


def connection_settings(env) -> dict:
    code = (
        "import json; from django.db import connections; "
        "print(json.dumps({a: [connections[a].settings_dict[k] for k in "
        "('CONN_MAX_AGE', 'CONN_HEALTH_CHECKS')] for a in connections}))"
    )
    result = manage("shell", "--no-imports", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_kept_connections_are_health_checked_on_the_primary_and_the_replica():
    replica = "postgres://reports@db-replica.internal:5432/attendance"
    kept = connection_settings(production_env(CONN_MAX_AGE="60", DATABASE_REPLICA_URL=replica))
    assert kept == {"default": [60, True], "replica": [60, True]}
    closed = connection_settings(production_env(CONN_MAX_AGE="0"))
    assert closed == {"default": [0, False]}
