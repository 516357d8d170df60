"""Absence reasons on the pages (issue 12, point 6): the capture and correction forms
(JavaScript off: plain form posts), the session page and its history, the admin, the
class monthly report and its CSV."""

import pytest
from django.urls import reverse

from classes.models import AttendanceSession, LearnerAttendance
from classes.services import absence as texts
from learners.models import Learner
from tests.classes.conftest import MONDAY, capture_monday, roster_ids
from tests.reports.report_pages import csv_table, page_values

pytestmark = pytest.mark.usefixtures("ledger_checked")

ABSENCES = [("", ""), ("late", "taxi strike"), ("sick", "")]


def capture_url(klass):
    return reverse("classes:capture", args=[klass.pk, MONDAY])


def detail_url(klass):
    return reverse("classes:session_detail", args=[klass.pk, MONDAY])


def form(klass, hours=("3", "2", "0"), absences=ABSENCES):
    data = {}
    for pk, h, (reason, remark) in zip(roster_ids(klass), hours, absences, strict=True):
        data |= {
            f"hours_{pk}": h,
            f"page_{pk}": "5",
            f"absence_{pk}": reason,
            f"remark_{pk}": remark,
        }
    return data


def learners(klass) -> list[Learner]:
    return [Learner.objects.get(pk=pk) for pk in roster_ids(klass)]


def test_the_capture_form_offers_a_labelled_reason_and_remark_per_learner(
    client, scheduled_class, own_facilitator
):
    client.force_login(own_facilitator)

    content = client.get(capture_url(scheduled_class)).content.decode()

    for learner in learners(scheduled_class):
        name = f"{learner.first_names} {learner.surname}"
        assert f'<label for="absence_{learner.pk}">Absence reason' in content
        assert f'<label for="remark_{learner.pk}">Remark' in content
        assert f'<span class="visually-hidden"> — {name}</span>' in content
        assert f'<select name="absence_{learner.pk}" id="absence_{learner.pk}"' in content
    for label in ["No reason", "Sick", "Excused", "Late arrival", "Left early", "Unexcused"]:
        assert f">{label}</option>" in content


def test_a_capture_post_records_the_reasons(client, scheduled_class, own_facilitator):
    client.force_login(own_facilitator)

    response = client.post(capture_url(scheduled_class), form(scheduled_class))

    assert response.status_code == 302
    rows = LearnerAttendance.objects.order_by("learner__surname")
    assert list(rows.values_list("absence_reason", "absence_remark")) == ABSENCES
    # Remarks are personal data: an error report would show none of the POST's values.
    assert response.wsgi_request.sensitive_post_parameters == "__ALL__"


def test_a_refused_reason_is_shown_at_the_learner_and_keeps_what_was_typed(
    client, scheduled_class, own_facilitator
):
    client.force_login(own_facilitator)
    data = form(
        scheduled_class, hours=("3", "0", "0"), absences=[("", ""), ("other", ""), ("", "")]
    )
    data[f"remark_{roster_ids(scheduled_class)[0]}"] = "was fine"

    response = client.post(capture_url(scheduled_class), data)

    assert response.status_code == 400
    content = response.content.decode()
    first, second, _ = learners(scheduled_class)
    assert texts.REMARK_WITHOUT_REASON.format(learner=first) in content
    assert texts.REMARK_REQUIRED.format(learner=second) in content
    assert f'id="remark_error_{second.pk}"' in content
    assert '<option value="other" selected>Other</option>' in content
    assert 'value="was fine"' in content
    assert not AttendanceSession.objects.exists()


def test_tampered_reasons_are_answered_with_a_message_not_a_500(
    client, scheduled_class, own_facilitator
):
    client.force_login(own_facilitator)
    first = roster_ids(scheduled_class)[0]
    base = form(scheduled_class)
    for changes in [
        {f"absence_{first}": "<script>"},
        {f"absence_{first}": "x" * 10000},
        {f"absence_{roster_ids(scheduled_class)[2]}": "Sick"},
        {f"absence_{roster_ids(scheduled_class)[2]}": ["sick", "excused"]},
        # NUL characters are refused for the whole request (a 400, never a 500).
        {f"remark_{first}": "\x00" * 10},
        {f"remark_{roster_ids(scheduled_class)[2]}": "y" * 10000},
        {"absence_abc": "sick"},
        {"remark_0001": "x"},
    ]:
        response = client.post(capture_url(scheduled_class), {**base, **changes})
        assert response.status_code == 400, changes
        assert "y" * 300 not in response.content.decode()
    assert not AttendanceSession.objects.exists()


def test_a_repeated_reason_field_is_refused(client, scheduled_class, own_facilitator):
    client.force_login(own_facilitator)
    first = roster_ids(scheduled_class)[0]
    data = {**form(scheduled_class), f"absence_0{first}": "sick"}

    response = client.post(capture_url(scheduled_class), data)

    assert response.status_code == 400
    assert "were sent more than once" in response.content.decode()
    assert not AttendanceSession.objects.exists()


def test_the_session_page_shows_each_reason(client, scheduled_class, own_facilitator):
    capture_monday(
        scheduled_class, own_facilitator, hours=("3", "2", "0"), pages=("5", "5", ""),
        absences=ABSENCES,
    )  # fmt: skip
    client.force_login(own_facilitator)

    content = client.get(detail_url(scheduled_class)).content.decode()

    assert '<th scope="col">Absence reason</th>' in content
    assert '<td data-label="Absence reason">Late arrival – taxi strike</td>' in content
    assert '<td data-label="Absence reason">Sick</td>' in content
    assert '<td data-label="Absence reason">–</td>' in content


def test_a_correction_post_changes_a_reason_and_the_history_shows_it(
    client, scheduled_class, own_facilitator
):
    session = capture_monday(
        scheduled_class, own_facilitator, hours=("3", "2", "0"), pages=("5", "5", "5"),
        absences=ABSENCES,
    )  # fmt: skip
    client.force_login(own_facilitator)
    url = reverse("classes:correct", args=[scheduled_class.pk, MONDAY])
    shown = client.get(url).content.decode()
    assert '<option value="late" selected>Late arrival</option>' in shown
    assert 'value="taxi strike"' in shown
    absences = [("", ""), ("left_early", "clinic"), ("sick", "")]

    response = client.post(
        url,
        {
            **form(scheduled_class, absences=absences),
            "reason": "Left early, not late",
            "version": session.version,
        },
    )

    assert response.status_code == 302
    second = learners(scheduled_class)[1]
    row = LearnerAttendance.objects.get(learner=second)
    assert (row.absence_reason, row.absence_remark) == ("left_early", "clinic")
    content = client.get(detail_url(scheduled_class)).content.decode()
    assert (
        f"{second.surname}, {second.first_names}:\n        "
        "absence reason Late arrival – taxi strike → Left early – clinic"
    ) in content


def test_the_admin_shows_the_reason(client, admin_user, scheduled_class, own_facilitator):
    session = capture_monday(
        scheduled_class, own_facilitator, hours=("3", "2", "0"), pages=("5", "5", ""),
        absences=ABSENCES,
    )  # fmt: skip
    client.force_login(admin_user)

    listed = client.get(reverse("admin:classes_learnerattendance_changelist")).content.decode()
    session_page = client.get(
        reverse("admin:classes_attendancesession_change", args=[session.pk])
    ).content.decode()

    assert "absence reason" in listed.lower()
    assert "Late arrival – taxi strike" in listed
    assert "Sick" in listed
    assert "Late arrival" in session_page
    assert "taxi strike" in session_page


def test_the_class_monthly_report_and_its_csv_list_the_months_reasons(
    client, admin_user, scheduled_class, own_facilitator
):
    capture_monday(
        scheduled_class, own_facilitator, hours=("3", "2", "0"), pages=("5", "5", ""),
        absences=ABSENCES,
    )  # fmt: skip
    client.force_login(admin_user)
    query = {"class": scheduled_class.pk, "month": "2026-03"}

    page = page_values(client.get(reverse("reports:class_monthly"), query))
    table = csv_table(client.get(reverse("reports:class_monthly_csv"), query))

    by_surname = {row[0]: row[-1] for row in page.rows}
    first, second, third = learners(scheduled_class)
    assert by_surname == {
        first.surname: "",
        second.surname: "2026-03-02 Late arrival – taxi strike",
        third.surname: "2026-03-02 Sick",
    }
    assert table[10][-1] == "Absence reasons"
    assert table[11:] == page.rows
    # Another month has none.
    february = page_values(
        client.get(reverse("reports:class_monthly"), {**query, "month": "2026-02"})
    )
    assert {row[-1] for row in february.rows} == {""}
