"""An office admin imports the unsent captures a phone exported (issue 13): each goes
through the capture service as its user, with its one-time key, so it counts once
whether the phone delivers it too, before or after."""

import json
import urllib.parse

import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from attendance_project.offline import DELIVERY_HEADER
from classes.models import AttendanceSession, LearnerAttendance
from classes.views.imports import ALREADY, CONFLICT, NO_FILE, NOT_A_FILE, SAVED
from progression.models import HoursLog
from submissions.keys import issue_key
from tests.conftest import MONDAY, WEDNESDAY

pytestmark = pytest.mark.django_db

URL = reverse("classes:import_unsent")


def exported(*submits):
    """The file static/js/offline.js writes (exportUnsent)."""
    content = json.dumps(
        {"format": "attendance-unsent-captures", "version": 1, "submits": list(submits)}
    )
    return SimpleUploadedFile("unsent-captures.json", content.encode(), "application/json")


def queued_capture(klass, user, day, *, hours="3", key=None):
    path = reverse("classes:capture", args=[klass.pk, day])
    fields = {"submission_key": key or issue_key(user=user, purpose=path)}
    for enrolment in klass.enrolments.all():
        fields[f"hours_{enrolment.learner_id}"] = hours
        fields[f"page_{enrolment.learner_id}"] = ""
    body = urllib.parse.urlencode(fields)
    return {"url": path, "body": body, "user": user.pk, "label": f"{klass.code} · {day}"}


def outcomes(response):
    return [result.outcome for result in response.context["results"]]


def test_an_imported_capture_is_saved_once_and_a_later_delivery_counts_once(
    client, office_admin, own_facilitator, scheduled_class
):
    submit = queued_capture(scheduled_class, own_facilitator, MONDAY)
    client.force_login(office_admin)

    first = client.post(URL, {"file": exported(submit)})
    again = client.post(URL, {"file": exported(submit)})
    # The phone comes online later and delivers the same submit.
    client.force_login(own_facilitator)
    delivered = client.post(
        submit["url"], submit["body"], "application/x-www-form-urlencoded",
        **{f"HTTP_{DELIVERY_HEADER.upper().replace('-', '_')}": "1"},
    )  # fmt: skip

    assert outcomes(first) == [SAVED]
    assert outcomes(again) == [ALREADY]
    assert json.loads(delivered.content)["outcome"] == "saved"
    session = AttendanceSession.objects.get(status="captured")
    assert session.session_date == MONDAY
    assert session.captured_by == own_facilitator  # who typed it
    assert LearnerAttendance.objects.filter(session=session).count() == 3
    assert HoursLog.objects.filter(session_id=session.pk).count() == 3
    # Who imported it is on the record too.
    log = LogEntry.objects.get(object_id=str(session.pk))
    assert log.user == office_admin
    assert own_facilitator.get_full_name() in log.change_message


def test_a_forged_edited_or_conflicting_submit_writes_nothing(
    client, office_admin, own_facilitator, other_facilitator, scheduled_class
):
    client.force_login(office_admin)
    mine = queued_capture(scheduled_class, own_facilitator, MONDAY)
    # Someone else's name on a key signed for the facilitator: refused.
    forged = {**queued_capture(scheduled_class, own_facilitator, WEDNESDAY)}
    forged["user"] = other_facilitator.pk
    # The same session captured by the office first: the phone's copy is a conflict.
    client.post(URL, {"file": exported(mine)})
    second_phone = queued_capture(scheduled_class, own_facilitator, MONDAY, hours="1")

    response = client.post(URL, {"file": exported(forged, second_phone)})

    assert response.status_code == 200
    assert outcomes(response)[1] == CONFLICT
    assert "not valid for you or for this form" in outcomes(response)[0]
    assert AttendanceSession.objects.filter(status="captured").count() == 1
    assert {str(a.hours_present.normalize()) for a in LearnerAttendance.objects.all()} == {"3"}


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (None, NO_FILE),
        (SimpleUploadedFile("x.json", b"\xff\xfe not json"), NOT_A_FILE),
        (SimpleUploadedFile("x.json", b'{"format": "something else"}'), NOT_A_FILE),
        (SimpleUploadedFile("x.json", b'{"format": "attendance-unsent-captures"}'), NOT_A_FILE),
    ],
)
def test_a_file_that_is_not_an_export_is_refused_clearly(client, office_admin, upload, message):
    client.force_login(office_admin)

    response = client.post(URL, {} if upload is None else {"file": upload})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AttendanceSession.objects.exists()


def test_facilitators_may_not_import(client, own_facilitator, scheduled_class):
    client.force_login(own_facilitator)
    submit = queued_capture(scheduled_class, own_facilitator, MONDAY)

    assert client.post(URL, {"file": exported(submit)}).status_code == 403
    assert not AttendanceSession.objects.exists()
