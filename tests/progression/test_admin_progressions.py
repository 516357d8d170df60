"""Progressions in the admin: progress at a glance and status changes through the
services, every refusal a message (never a 500)."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from classes.services import LearnerEntry, capture_session
from progression.admin.status_actions import COMPLETED, HELD, RESUMED, STARTED, WITH_PORTFOLIO
from progression.models import Progression
from progression.services import (
    ALREADY_COMPLETED,
    MAX_PORTFOLIO_BYTES,
    OTHER_IN_PROGRESS,
    PORTFOLIO_NOT_WHAT_IT_SAYS,
    PORTFOLIO_TOO_LARGE,
    ProgressionService,
)
from tests.conftest import MONDAY
from tests.factories import ClassFactory, EnrolmentFactory, LearningProgrammeFactory
from tests.progression.files import EXE, PDF, docx, upload

pytestmark = pytest.mark.usefixtures("ledger_checked", "now")

URL = reverse("admin:progression_progression_changelist")
MARCH_1 = datetime.date(2026, 3, 1)


@pytest.fixture
def progression(scheduled_class, own_facilitator):
    """The first learner (Dlamini) of the scheduled class, with Monday captured:
    3 of 3 hours present, page 50 of 200."""
    learners = list(scheduled_class.enrolments.order_by("learner__surname"))
    capture_session(
        klass=scheduled_class,
        session_date=MONDAY,
        recorded_by=own_facilitator,
        entries=[LearnerEntry(e.learner_id, "3", "50") for e in learners],
    )
    return Progression.objects.get(learner_id=learners[0].learner_id)


def action(client, name, progressions, **data):
    """Choose the action in the list, then submit its intermediate page."""
    ids = [p.pk for p in progressions]
    page = client.post(URL, {"action": name, "_selected_action": ids, "index": 0})
    assert page.status_code == 200, page
    files = {k: v for k, v in data.items() if hasattr(v, "read")}
    fields = {k: v for k, v in data.items() if k not in files}
    return client.post(
        URL, {"action": name, "_selected_action": ids, "apply": "1", **fields, **files}, follow=True
    )


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_list_shows_progress_as_numbers_and_bars(client, admin_user, progression):
    client.force_login(admin_user)

    response = client.get(URL, {"q": "Dlamini"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "3 / 120 h (2.5 %)" in page  # hours trained / allocated, progress.py's rounding
    assert "p. 50 / 200 (25.0 %)" in page
    assert "100.0 %" in page  # attendance: present ÷ trained
    assert page.count('<svg class="bar"') == 2
    assert not re.search(r"<svg[^>]*style=", page)  # the CSP forbids inline styles


def test_the_query_count_does_not_grow_with_the_rows(
    client, admin_user, progression, django_assert_num_queries
):
    client.force_login(admin_user)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for _ in range(15):
        EnrolmentFactory(klass=ClassFactory())

    with django_assert_num_queries(len(few)):
        response = client.get(URL)

    assert len(response.context["cl"].result_list) == 18


def test_hold_and_resume_from_the_list(client, admin_user, progression):
    client.force_login(admin_user)
    facts = {"learner": progression.learner, "programme": progression.programme}

    held = action(client, "hold_progressions", [progression], effective_date="2026-03-01")
    resumed = action(client, "resume_progressions", [progression], effective_date="2026-03-04")

    assert texts(held) == [HELD.format(date="1 March 2026", **facts)]
    assert texts(resumed) == [RESUMED.format(date="4 March 2026", **facts)]
    progression.refresh_from_db()
    assert progression.status == "in_progress"
    assert "Put on hold on 1 March 2026 by Ayesha Patel." in progression.notes


def test_resuming_beside_another_programme_in_progress_is_a_message(
    client, admin_user, progression
):
    client.force_login(admin_user)
    other = ClassFactory()
    EnrolmentFactory(learner=progression.learner, klass=other, start_date=MARCH_1)

    response = action(client, "resume_progressions", [progression], effective_date="2026-03-04")

    assert response.status_code == 200
    assert texts(response) == [
        OTHER_IN_PROGRESS.format(
            learner=progression.learner, other=other.programme, programme=progression.programme
        )
    ]
    progression.refresh_from_db()
    assert progression.status == "on_hold"


def test_mark_complete_with_a_portfolio_and_download_it(
    client, admin_user, own_facilitator, progression, media_root
):
    client.force_login(admin_user)

    response = action(
        client,
        "complete_progressions",
        [progression],
        completion_date="2026-03-04",
        portfolio=upload("portfolio.docx", docx()),
    )

    assert texts(response) == [
        COMPLETED.format(
            learner=progression.learner,
            programme=progression.programme,
            date="4 March 2026",
            portfolio=WITH_PORTFOLIO,
        )
    ]
    progression.refresh_from_db()
    assert (progression.status, progression.marked_complete_by) == ("completed", admin_user)
    change = client.get(reverse("admin:progression_progression_change", args=[progression.pk]))
    download_url = reverse("admin:progression_progression_portfolio", args=[progression.pk])
    assert download_url in change.content.decode()
    download = client.get(download_url)
    assert b"".join(download.streaming_content) == docx()
    assert download["Content-Disposition"] == (
        f'attachment; filename="portfolio-Dlamini-{progression.programme.code}.docx"'
    )
    # Media are never public: staff only, through the admin.
    client.force_login(own_facilitator)
    assert client.get(download_url).status_code == 302


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "portfolio.docx",
            PDF,
            PORTFOLIO_NOT_WHAT_IT_SAYS.format(name="portfolio.docx", kind="DOCX"),
        ),
        ("portfolio.pdf", EXE, PORTFOLIO_NOT_WHAT_IT_SAYS.format(name="portfolio.pdf", kind="PDF")),
        (
            "huge.pdf",
            PDF + b"0" * MAX_PORTFOLIO_BYTES,
            PORTFOLIO_TOO_LARGE.format(name="huge.pdf", size="10.0"),
        ),
    ],
)
def test_a_bad_portfolio_is_refused_with_a_message(
    client, admin_user, progression, media_root, name, content, message
):
    client.force_login(admin_user)

    response = action(
        client,
        "complete_progressions",
        [progression],
        completion_date="2026-03-04",
        portfolio=upload(name, content),
    )

    assert response.status_code == 200
    assert texts(response) == [message]
    progression.refresh_from_db()
    assert progression.status == "in_progress"
    assert not progression.portfolio


def test_completing_a_completed_programme_is_a_message(client, admin_user, progression):
    client.force_login(admin_user)
    action(client, "complete_progressions", [progression], completion_date="2026-03-02")

    response = action(client, "complete_progressions", [progression], completion_date="2026-03-04")

    assert texts(response) == [
        ALREADY_COMPLETED.format(
            learner=progression.learner, programme=progression.programme, date="2 March 2026"
        )
    ]


def test_an_invalid_date_shows_the_form_again(client, admin_user, progression):
    client.force_login(admin_user)

    response = action(client, "complete_progressions", [progression], completion_date="soon")

    assert response.status_code == 200
    assert "Enter a valid date." in response.content.decode()
    progression.refresh_from_db()
    assert progression.status == "in_progress"


def test_several_at_once_each_get_a_message(client, admin_user, progression, scheduled_class):
    client.force_login(admin_user)
    everyone = list(Progression.objects.filter(klass=scheduled_class).order_by("pk"))
    action(client, "complete_progressions", everyone[:1], completion_date="2026-03-02")

    response = action(client, "complete_progressions", everyone, completion_date="2026-03-04")

    messages = texts(response)
    assert len(messages) == 3
    assert messages[0].startswith(f"{everyone[0].learner}'s ")
    assert "already completed" in messages[0]
    assert [m.endswith("is completed on 4 March 2026.") for m in messages[1:]] == [True, True]


def test_start_a_new_programme(client, admin_user, progression):
    client.force_login(admin_user)
    programme = LearningProgrammeFactory()

    response = action(
        client,
        "start_programmes",
        [progression],
        programme=programme.pk,
        start_date="2026-03-04",
        klass="",
    )

    assert texts(response) == [
        STARTED.format(
            learner=progression.learner,
            programme=programme,
            date="4 March 2026",
            held=f"; {progression.programme} was put on hold",
        )
    ]
    progression.refresh_from_db()
    assert progression.status == "on_hold"
    new = Progression.objects.get(learner=progression.learner, programme=programme)
    assert new.status == "in_progress"


def test_the_change_page_offers_the_actions_of_the_status(client, admin_user, progression):
    client.force_login(admin_user)
    change_url = reverse("admin:progression_progression_change", args=[progression.pk])

    page = client.get(change_url).content.decode()
    assert "Put on hold</button>" in page
    assert "Resume</button>" not in page

    # A button posts the action for this progression; after it, back to this page.
    response = client.post(
        URL,
        {
            "action": "hold_progressions",
            "_selected_action": progression.pk,
            "_from_change_page": "1",
            "apply": "1",
            "effective_date": "2026-03-04",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == change_url
    assert "Resume</button>" in client.get(change_url).content.decode()


def test_editing_the_notes_leaves_totals_and_status_alone(client, admin_user, progression):
    client.force_login(admin_user)
    change_url = reverse("admin:progression_progression_change", args=[progression.pk])
    page = client.get(change_url)
    # Hours logged after the page was read must survive saving it.
    ProgressionService.log_hours(progression.learner, 2, 1)

    response = client.post(
        change_url,
        {
            "notes": "Called the employer",
            "hours_log-TOTAL_FORMS": "0",
            "hours_log-INITIAL_FORMS": "0",
            "status_history-TOTAL_FORMS": "0",
            "status_history-INITIAL_FORMS": "0",
        },
    )

    assert page.status_code == 200
    assert response.status_code == 302
    progression.refresh_from_db()
    assert progression.notes == "Called the employer"
    assert (progression.hours_trained, progression.hours_present) == (5, 4)


def test_facilitators_cannot_reach_the_progressions(client, own_facilitator, progression):
    client.force_login(own_facilitator)

    response = client.post(
        URL, {"action": "hold_progressions", "_selected_action": progression.pk, "index": 0}
    )

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    progression.refresh_from_db()
    assert progression.status == "in_progress"


def test_the_list_with_facet_counts_renders(client, admin_user, progression):
    client.force_login(admin_user)

    response = client.get(URL, {"_facets": "True", "start_date__gte": "2026-01-01"})

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 3
