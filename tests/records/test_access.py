"""POPIA's duties in the learner's admin: special information behind its permission,
every view of a learner's page logged (append-only), the subject-access file."""

import json
from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from records.models import AccessLog
from tests.conftest import MONDAY
from tests.factories import ReadyLearnerFactory

# Every test on Wednesday 4 March 2026 at 14:00 (tests/conftest.py), whatever the
# machine's calendar says: readiness, POPI dates and the access log read "now".
pytestmark = pytest.mark.usefixtures("now")


def change_url(learner):
    return reverse("admin:learners_learner_change", args=[learner.pk])


@pytest.fixture
def learner(client_class):
    return client_class[1]["ready"]


@pytest.fixture
def plain_office_admin(office_admin):
    """An office admin whose group lacks learners.view_special_information."""
    office_admin.groups.first().permissions.remove(
        Permission.objects.get(codename="view_special_information")
    )
    return office_admin


def test_an_office_admin_viewing_a_learners_page_writes_one_access_log_row(
    client, office_admin, learner
):
    client.force_login(office_admin)

    response = client.get(change_url(learner))

    assert response.status_code == 200
    text = response.content.decode()
    assert learner.id_number in text
    (row,) = AccessLog.objects.all()
    assert (row.learner, row.user, row.by, row.action) == (
        learner,
        office_admin,
        "office",
        AccessLog.Action.VIEWED,
    )
    assert row.page == change_url(learner)
    assert "ID numbers" in row.what
    # The collection notice is on the form; the record's readiness too.
    assert "We collect the learner's identity number" in text
    assert "Ready: nothing missing." in text


def test_the_subject_access_file_lists_that_view(client, office_admin, learner):
    client.force_login(office_admin)
    client.get(change_url(learner))

    response = client.post(
        reverse("admin:learners_learner_changelist"),
        {"action": "produce_subject_access_file", "_selected_action": [learner.pk]},
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    data = json.loads(response.content)
    assert data["learner"]["id_number"] == learner.id_number
    assert [row["action"] for row in data["access_log"]] == ["viewed", "subject_access"]
    assert data["access_log"][0]["by"] == "office"
    assert data["access_log"][0]["page"] == change_url(learner)
    assert data["progressions"][0]["programme__code"] == "BE-COMM1"
    assert data["enrolments"][0]["start_date"] == "2026-02-02"


def test_the_subject_access_command_writes_the_file(tmp_path, learner, own_facilitator):
    from tests.classes.conftest import capture_monday

    klass = learner.enrolments.get().klass
    capture_monday(klass, own_facilitator, hours=("3", "2", "0"), pages=("4", "5", ""))
    path = tmp_path / "sar.json"

    call_command("subject_access", str(learner.pk), "--output", str(path), stdout=StringIO())

    data = json.loads(path.read_text())
    assert [row["session_date"] for row in data["attendance"]] == [MONDAY.isoformat()]
    assert data["hours_log"][0]["hours_present"] in ("3.0", "3.00", "3")
    assert data["access_log"][-1]["by"] == "manage.py subject_access"


def test_the_access_log_cannot_be_changed(office_admin, learner):
    from records.access import log_access

    log_access([learner.pk], action="viewed", what="x", page="/", user=office_admin)
    for statement in ("UPDATE learner_access_log SET what = 'y'", "DELETE FROM learner_access_log"):
        with (
            pytest.raises(IntegrityError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)


def test_without_the_permission_no_id_number_or_race_is_shown(client, plain_office_admin, learner):
    client.force_login(plain_office_admin)

    page = client.get(change_url(learner)).content.decode()
    listing = client.get(reverse("admin:learners_learner_changelist")).content.decode()

    for text in (page, listing):
        assert learner.id_number not in text
        assert "Population group" not in text
        assert "id_number" not in text
    assert learner.surname in listing
    assert "names, employer, enrolments and hours" in AccessLog.objects.get().what
    # A new learner needs an ID number, which they may not see: no add.
    assert client.get(reverse("admin:learners_learner_add")).status_code == 403


def test_a_facilitator_sees_names_and_hours_only(client, own_facilitator, learner):
    klass = learner.enrolments.get().klass
    client.force_login(own_facilitator)

    pages = [
        client.get(reverse("classes:attendance", args=[klass.pk])),
        client.get(reverse("classes:capture", args=[klass.pk, MONDAY])),
        client.get(reverse("classes:register_pdf", args=[klass.pk, MONDAY])),
    ]

    assert [p.status_code for p in pages] == [200, 200, 200]
    assert learner.surname in pages[1].content.decode()
    for page in pages:
        assert learner.id_number.encode() not in page.content
    # The admin is not theirs at all.
    assert client.get(change_url(learner)).status_code == 302


def test_saving_an_incomplete_record_says_what_is_missing(client, office_admin, lookups):
    learner = ReadyLearnerFactory(home_language_code="")
    client.force_login(office_admin)
    form = client.get(change_url(learner)).context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data["employer"] = ""
    data["birth_date"] = ""
    data["popi_status_date"] = "2026-01-12"

    response = client.post(change_url(learner), data, follow=True)

    messages = [str(m) for m in response.context["messages"]]
    assert any("not ready to submit to funders: Home language: missing." in m for m in messages)


def test_the_regulatory_export_logs_each_learner_once(client, office_admin, client_class):
    client.force_login(office_admin)

    response = client.get(reverse("reports:regulatory_csv"), {"start": "2026-01-01"})
    b"".join(response.streaming_content)
    page = client.get(reverse("reports:regulatory"), {"start": "2026-01-01"})

    assert page.status_code == 200
    exported = AccessLog.objects.filter(action=AccessLog.Action.EXPORTED)
    viewed = AccessLog.objects.filter(action=AccessLog.Action.VIEWED)
    # The client's three learners and the other client's two, each once per request.
    assert exported.count() == viewed.count() == 5
    assert exported.values("learner").distinct().count() == 5
    assert {row.by for row in exported} == {"office"}
    assert exported.first().page.startswith(reverse("reports:regulatory_csv"))


def test_without_the_permission_readiness_names_the_field_not_the_number(
    client, plain_office_admin, client_class
):
    wrong = client_class[1]["wrong_id"]
    client.force_login(plain_office_admin)

    page = client.get(change_url(wrong)).content.decode()

    assert wrong.id_number not in page
    assert "SA ID number: not ready (special personal information: ask an office admin)." in page


def test_an_anonymised_learner_cannot_be_edited_back(client, office_admin, learner):
    from django.utils import timezone

    from learners.models import Learner

    Learner.objects.filter(pk=learner.pk).update(anonymised_at=timezone.now())
    client.force_login(office_admin)

    response = client.post(change_url(learner), {"first_names": "Back", "surname": "Again"})

    assert response.status_code == 403
    learner.refresh_from_db()
    assert learner.first_names != "Back"


def test_identity_searches_need_the_permission(rf, plain_office_admin, admin_user):
    from django.contrib import admin

    from progression.models import HoursLog

    model_admin = admin.site._registry[HoursLog]
    request = rf.get("/")
    request.user = plain_office_admin
    assert not [f for f in model_admin.get_search_fields(request) if "id_number" in f]
    request.user = admin_user
    assert [f for f in model_admin.get_search_fields(request) if "id_number" in f]


def test_printed_registers_and_the_hours_log_csv_log_who_they_showed(
    client, office_admin, learner, own_facilitator
):
    from tests.classes.conftest import capture_monday

    klass = learner.enrolments.get().klass
    capture_monday(klass, own_facilitator, hours=("3", "2", "0"), pages=("4", "5", ""))
    client.force_login(office_admin)

    client.get(reverse("classes:register_pdf", args=[klass.pk, MONDAY]))
    response = client.get(reverse("admin:progression_hourslog_export"))
    b"".join(response.streaming_content) if response.streaming else response.content

    rows = AccessLog.objects.filter(action=AccessLog.Action.EXPORTED)
    assert sorted(rows.values_list("what", flat=True)) == sorted(
        ["name and ID or passport number, on the printed register"] * 3
        + ["name and ID or passport number, in the hours-log CSV"] * 3
    )
    # The facilitator's register has no ID numbers and is not logged.
    client.force_login(own_facilitator)
    client.get(reverse("classes:register_pdf", args=[klass.pk, MONDAY]))
    assert AccessLog.objects.filter(action=AccessLog.Action.EXPORTED).count() == 6
