"""The installable app's manifest and service worker (issue 13), and what a session's
pages tell the drafts script (classes/drafts.py)."""

import json
import re
import uuid

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from attendance_project.offline import PRECACHED
from classes.drafts import CONFIRMED_LISTED, session_drafts
from submissions.models import FormSubmission
from tests.conftest import MONDAY

pytestmark = pytest.mark.django_db


def is_static_file(url: str) -> bool:
    """The URL names a file in static/ (the test client serves none)."""
    return url.startswith(settings.STATIC_URL) and bool(
        finders.find(url.removeprefix(settings.STATIC_URL))
    )


def test_the_manifest_makes_the_app_installable(client):
    response = client.get(reverse("app_manifest"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["start_url"] == "/classes/"
    assert manifest["display"] == "standalone"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"any", "192x192", "512x512"}
    assert all(is_static_file(icon["src"]) for icon in manifest["icons"]), manifest["icons"]


def test_the_service_worker_is_served_at_the_root_and_precaches_static_files_only(client):
    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    # The strict policy holds for the worker too: it imports same-origin scripts only.
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "unsafe" not in response["Content-Security-Policy"]
    script = response.content.decode()
    config = json.loads(re.search(r"self\.OFFLINE_CONFIG = (.*);\n", script).group(1))
    urls = [entry["url"] for entry in config["precache"]]
    assert len(urls) == len(PRECACHED)
    # No page (learners' names) is precached: only static files, each of them served.
    assert all(url.startswith("/static/") for url in urls), urls
    assert all(is_static_file(url) for url in [*urls, *config["modules"].values()])
    assert all(re.fullmatch(r"[0-9a-f]{16}", entry["revision"]) for entry in config["precache"])


def test_every_page_links_the_manifest_and_installs_the_worker(client):
    page = client.get(reverse("login")).content.decode()

    assert f'<link rel="manifest" href="{reverse("app_manifest")}">' in page
    assert 'data-service-worker="/sw.js"' in page


def test_a_session_page_lists_the_users_confirmed_submits_only(
    client, scheduled_class, own_facilitator, other_facilitator
):
    outcome = reverse("classes:session_detail", args=[scheduled_class.pk, MONDAY])
    mine = FormSubmission.objects.create(
        key=uuid.uuid4(), purpose="capture", submitted_by=own_facilitator, outcome_url=outcome
    )
    theirs = FormSubmission.objects.create(
        key=uuid.uuid4(), purpose="capture", submitted_by=other_facilitator, outcome_url=outcome
    )
    elsewhere = FormSubmission.objects.create(
        key=uuid.uuid4(), purpose="capture", submitted_by=own_facilitator, outcome_url="/x/"
    )
    client.force_login(own_facilitator)

    page = client.get(outcome).content.decode()

    listed = re.search(r'data-confirmed-submissions="([^"]*)"', page).group(1).split()
    assert listed == [mine.key.hex]
    assert theirs.key.hex not in page
    assert elsewhere.key.hex not in page
    keys = re.search(r'data-draft-keys="([^"]*)"', page).group(1).split()
    assert keys == [
        f"draft:{own_facilitator.pk}:{scheduled_class.pk}:{MONDAY.isoformat()}:capture",
        f"draft:{own_facilitator.pk}:{scheduled_class.pk}:{MONDAY.isoformat()}:correction",
    ]


def test_the_capture_form_names_its_draft(client, scheduled_class, own_facilitator):
    client.force_login(own_facilitator)

    page = client.get(reverse("classes:capture", args=[scheduled_class.pk, MONDAY])).content
    key = f"draft:{own_facilitator.pk}:{scheduled_class.pk}:{MONDAY.isoformat()}:capture"
    assert f'data-draft-key="{key}"'.encode() in page


def test_the_confirmed_list_is_bounded(scheduled_class, own_facilitator):
    outcome = "/classes/1/2026-03-02/"
    FormSubmission.objects.bulk_create(
        FormSubmission(
            key=uuid.uuid4(), purpose="p", submitted_by=own_facilitator, outcome_url=outcome
        )
        for _ in range(CONFIRMED_LISTED + 3)
    )
    drafts = session_drafts(
        user=own_facilitator, class_id=scheduled_class.pk, session_date=MONDAY, outcome_url=outcome
    )
    assert len(drafts.confirmed) == CONFIRMED_LISTED
