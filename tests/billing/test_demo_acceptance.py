"""Issue 14's acceptance on the demo data, through HTTP as people do it: a facilitator
opens last month's statement and claims hours; the office sees the discrepancy and
approves; the month is closed; a later correction appears as an adjustment next
month; the closed statement's PDF is byte for byte what it was; another facilitator's
statement is 404."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from billing.models import Statement
from billing.statements import FACILITATOR, statement_view
from classes.models import AttendanceSession, Class
from classes.services import LearnerEntry, correct_session
from learners.models import Client
from tests.clients import FormClient
from tests.conftest import SAST

pytestmark = pytest.mark.usefixtures("ledger_checked", "media_root")

NOVEMBER, DECEMBER = datetime.date(2026, 11, 1), datetime.date(2026, 12, 1)


@pytest.fixture
def demo(time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 1, 10, 0, tzinfo=SAST), tick=False)
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("load_demo_billing", stdout=open("/dev/null", "w"))  # noqa: SIM115
    users = get_user_model().objects
    return users.get(username="thandi"), users.get(username="pieter"), users.get(username="admin")


def logged_in(user):
    client = FormClient()
    client.force_login(user)
    return client


def test_the_month_from_claim_to_adjustment(demo):
    thandi, pieter, admin = demo
    client_id = Client.objects.get().pk
    url = reverse("billing:facilitator_statement", args=[thandi.pk, client_id, NOVEMBER])
    payable = statement_view(
        FACILITATOR, client_id=client_id, month=NOVEMBER, facilitator_id=thandi.pk
    ).hours
    assert payable > 0

    # The facilitator finds last month's statement in their list and claims an hour more.
    facilitator = logged_in(thandi)
    assert url in facilitator.get(reverse("billing:my_statements")).content.decode()
    page = facilitator.get(url)
    assert page.status_code == 200
    claimed = payable + 1
    response = facilitator.post(
        reverse("billing:submit_claim", args=[thandi.pk, client_id, NOVEMBER]),
        {"claimed_hours": str(claimed), "notes": "Extra hour on the 2nd", "step": "0"},
    )
    assert response.status_code == 302
    # Another facilitator cannot see it, nor its files.
    for name in ("facilitator_statement", "facilitator_statement_pdf", "facilitator_statement_csv"):
        other = reverse(f"billing:{name}", args=[thandi.pk, client_id, NOVEMBER])
        assert logged_in(pieter).get(other).status_code == 404

    # The office sees the discrepancy and approves.
    office = logged_in(admin)
    text = office.get(url).content.decode()
    assert "Extra hour on the 2nd" in text
    assert re.search(r"\+\s*1(\.0+)?\s*h", text), "the discrepancy of +1 h is shown"
    response = office.post(
        reverse("billing:review_claim", args=[thandi.pk, client_id, NOVEMBER]),
        {"decision": "approve", "notes": "", "step": "1"},
    )
    assert response.status_code == 302
    assert "Approved" in office.get(url).content.decode()

    # The month is closed; its PDF is stored.
    response = office.post(reverse("billing:close_month"), {"month": "2026-11", "client": "all"})
    assert response.status_code == 302
    pdf_url = reverse("billing:facilitator_statement_pdf", args=[thandi.pk, client_id, NOVEMBER])
    closed_pdf = facilitator.get(pdf_url).content
    stored = Statement.objects.get(kind=FACILITATOR, month=NOVEMBER, facilitator=thandi)
    assert closed_pdf == bytes(stored.pdf)

    # A later correction by the office: a November session of Thandi's class, one
    # learner's hours present changed. It cannot change November; it is an adjustment
    # on December's statement, and November says "adjusted later".
    klass = Class.objects.get(facilitator=thandi)
    session = (
        AttendanceSession.objects.filter(klass=klass, session_date__gte=NOVEMBER, status="captured")
        .order_by("session_date")
        .first()
    )
    rows = list(session.attendance.order_by("learner_id"))
    entries = [
        LearnerEntry(
            row.learner_id,
            str(
                row.hours_present
                if index
                else (0 if row.hours_present else session.scheduled_hours)
            ),
            "" if row.page_number is None else str(row.page_number),
            absence_reason=row.absence_reason if index else "",
            absence_remark=row.absence_remark if index else "",
        )
        for index, row in enumerate(rows)
    ]
    correct_session(
        klass=klass,
        session_date=session.session_date,
        corrected_by=admin,
        entries=entries,
        reason="Register read wrongly",
        expected_version=session.version,
        everyone_absent=all(e.hours_present in ("0", "0.0") for e in entries),
        lower_pages_confirmed=True,
    )
    december = statement_view(
        FACILITATOR, client_id=client_id, month=DECEMBER, facilitator_id=thandi.pk
    )
    assert len(december.adjustments) == 1
    december_page = facilitator.get(
        reverse("billing:facilitator_statement", args=[thandi.pk, client_id, DECEMBER])
    ).content.decode()
    assert "Adjustment" in december_page
    assert "adjusted later" in facilitator.get(url).content.decode().lower()
    assert facilitator.get(pdf_url).content == closed_pdf
    stored.refresh_from_db()
    assert bytes(stored.pdf) == closed_pdf
