"""The office's billing pages (issue 14): the month at a glance, a client's statement
and its files, the month close (once, also replayed or raced); facilitators cannot
open any of them."""

import hashlib

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import NoReverseMatch, reverse

from billing.models import Statement
from billing.services import ALREADY_CLOSED, MONTH_NOT_OVER, close_month
from billing.views.office import CLIENT_INVALID, MONTH_REQUIRED
from classes.models import MonthClose
from classes.roles import OFFICE_ADMINS
from submissions.keys import FIELD_NAME, issue_key
from tests.billing.cases import build_reconciled_month
from tests.billing.conftest import FEBRUARY
from tests.clients import FormClient
from tests.factories import UserFactory
from tests.threads import fire_at_once

CLOSE = reverse("billing:close_month")
OFFICE = reverse("billing:office")


@pytest.fixture
def reconciled_month(february, own_facilitator, other_facilitator, office_admin):
    return build_reconciled_month(
        february=february,
        own_facilitator=own_facilitator,
        other_facilitator=other_facilitator,
        office_admin=office_admin,
    )


def statement_url(name, klass, month="2026-02"):
    return (
        f"/billing/clients/{klass.client_id}/{month}/"
        + {
            "client_statement": "",
            "client_statement_pdf": "statement.pdf",
            "client_statement_csv": "statement.csv",
        }[name]
    )


def directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",")}


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def facilitator_route_exists() -> bool:
    try:
        reverse("billing:facilitator_statement", args=[1, 1, FEBRUARY])
    except NoReverseMatch:
        return False
    return True


# ---- The month at a glance


@pytest.mark.usefixtures("ledger_checked")
def test_the_office_page_shows_each_client_open_or_closed_with_its_statements(
    client, office_admin, reconciled_month
):
    february, beta, _ = reconciled_month
    close_month(month=FEBRUARY, closed_by=office_admin, client_ids=[beta.client_id])
    client.force_login(office_admin)

    response = client.get(OFFICE, {"month": "2026-02"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "February 2026" in html
    for name in ("Beta Mining", february.client.name):
        assert name in html
    assert "Closed</span> by Lerato Molefe" in html
    assert "Open</span>" in html
    for klass in (february, beta):
        assert statement_url("client_statement", klass) in html
    # Totals: the first client's billing (R 720 + the second class's 3 learner hours
    # at R 40), its facilitators' pay; Beta's stored figures.
    assert "R 840.00" in html  # 720 + 120
    for person in ("Pay: Thandi Mokoena", "Pay: Sipho Zulu", "Pay: Pieter Botha"):
        assert person in html
    assert "Submitted (7 h claimed)" in html
    assert "No claim yet" in html
    for name in ("billing:reconciliation", "billing:close_month", "billing:export"):
        assert reverse(name) + "?month=2026-02" in html
    if facilitator_route_exists():
        link = reverse(
            "billing:facilitator_statement",
            args=[february.facilitator_id, february.client_id, FEBRUARY],
        )
        assert link in html


def test_the_office_page_defaults_to_last_month_and_survives_a_bad_month(
    client, office_admin, february
):
    client.force_login(office_admin)

    default = client.get(OFFICE)
    bad = client.get(OFFICE, {"month": "2026-13"})
    worse = client.get(OFFICE, {"month": "<script>"})

    assert default.status_code == bad.status_code == worse.status_code == 200
    assert "<h2>February 2026</h2>" in default.content.decode()
    assert "“2026-13” is not a month (YYYY-MM); showing February 2026 instead." in messages_of(bad)
    assert "<script>" not in worse.content.decode().split("<main", 1)[1].split("</main>")[0]


def test_facilitators_cannot_open_the_office_pages(
    client, own_facilitator, other_facilitator, february
):
    urls = [
        OFFICE,
        statement_url("client_statement", february),
        statement_url("client_statement_pdf", february),
        statement_url("client_statement_csv", february),
        reverse("billing:reconciliation"),
        CLOSE,
        reverse("billing:export"),
        reverse("billing:export_invoices", args=[FEBRUARY]),
        reverse("billing:export_bills", args=[FEBRUARY]),
    ]
    for user in (own_facilitator, other_facilitator):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 403, url
        assert client.post(CLOSE, {"month": "2026-02", "client": "all"}).status_code == 403
    assert not MonthClose.objects.exists()
    client.logout()
    for url in urls:
        response = client.get(url)
        assert (response.status_code, response["Location"].split("?")[0]) == (
            302,
            reverse("login"),
        ), url


def test_the_read_pages_answer_get_only(client, office_admin, february):
    client.force_login(office_admin)
    for url in (OFFICE, statement_url("client_statement", february), reverse("billing:export")):
        assert client.post(url).status_code == 405, url


# ---- A client's statement and its files


@pytest.mark.usefixtures("ledger_checked")
def test_an_open_client_statement_is_todays_figures(client, office_admin, february):
    client.force_login(office_admin)

    page = client.get(statement_url("client_statement", february))
    pdf = client.get(statement_url("client_statement_pdf", february))
    csv = client.get(statement_url("client_statement_csv", february))

    assert page.status_code == 200
    html = page.content.decode()
    assert "Open: the figures as the hours log says today." in html
    assert "R 720.00" in html
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
    assert pdf.content.startswith(b"%PDF")
    assert csv["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in csv["Content-Disposition"]
    text = csv.content.decode("utf-8-sig")
    assert text.splitlines()[-1].startswith("total,2026-02,")
    assert text.splitlines()[-1].endswith(",18.00,,720.00,")
    for response in (page, pdf, csv):
        assert {"private", "no-store"} <= directives(response)


@pytest.mark.usefixtures("ledger_checked")
def test_a_closed_client_statement_sends_the_stored_files_byte_for_byte(
    client, office_admin, february
):
    close_month(month=FEBRUARY, closed_by=office_admin)
    stored = Statement.objects.get(kind="client")
    client.force_login(office_admin)

    page = client.get(statement_url("client_statement", february))
    pdf = client.get(statement_url("client_statement_pdf", february))
    csv = client.get(statement_url("client_statement_csv", february))

    assert pdf.content == bytes(stored.pdf)
    assert hashlib.sha256(pdf.content).hexdigest() == stored.checksum
    assert csv.content == bytes(stored.csv)
    html = page.content.decode()
    assert "Closed by Lerato Molefe" in html
    assert stored.checksum in html.replace("<wbr>", "")
    for response in (pdf, csv):
        assert {"private", "no-store"} <= directives(response)


def test_an_unknown_client_is_404(client, office_admin, february):
    client.force_login(office_admin)
    assert client.get("/billing/clients/999999/2026-02/").status_code == 404
    assert client.get("/billing/clients/999999/2026-02/statement.pdf").status_code == 404
    # Not a month: no URL of ours.
    assert client.get(f"/billing/clients/{february.client_id}/2026-13/").status_code == 404


# ---- The month close


@pytest.mark.usefixtures("ledger_checked")
def test_closing_through_the_page_closes_once_and_a_replay_changes_nothing(
    client, office_admin, february
):
    client.force_login(office_admin)
    form = {
        "month": "2026-02",
        "client": "all",
        FIELD_NAME: issue_key(user=office_admin, purpose=CLOSE),
    }
    shown = client.get(CLOSE)
    assert shown.status_code == 200
    assert 'value="2026-02"' in shown.content.decode()

    first = client.post(CLOSE, form, follow=True)
    replay = client.post(CLOSE, form, follow=True)

    outcome = OFFICE + "?month=2026-02"
    assert first.redirect_chain == [(outcome, 302)]
    assert any(m.startswith("February 2026 is closed for") for m in messages_of(first))
    assert "2 statements frozen" in messages_of(first)[0]
    assert replay.redirect_chain == [(outcome, 302)]
    assert any("already submitted by Lerato Molefe" in m for m in messages_of(replay))
    assert MonthClose.objects.filter(month=FEBRUARY).count() == 1
    assert Statement.objects.count() == 2


def test_a_month_that_has_not_ended_is_refused_naming_the_month(client, office_admin, february):
    client.force_login(office_admin)

    response = client.post(CLOSE, {"month": "2026-03", "client": "all"})

    assert response.status_code == 400
    html = response.content.decode()
    message = MONTH_NOT_OVER.format(month="March 2026", first="1 April 2026")
    assert message.startswith("Month: ")  # the service names the field itself
    assert message in html
    assert "Month: Month:" not in html
    assert 'class="field has-error"' in html
    assert not MonthClose.objects.exists()


def test_a_client_closed_already_is_refused_naming_the_client(client, office_admin, february):
    close_month(month=FEBRUARY, closed_by=office_admin)
    close = MonthClose.objects.get()
    client.force_login(office_admin)

    response = client.post(CLOSE, {"month": "2026-02", "client": str(february.client_id)})

    assert response.status_code == 400
    text = response.content.decode()
    assert "Client: February 2026 is already closed for" in text
    assert ALREADY_CLOSED.split("{")[0] == ""
    assert MonthClose.objects.get() == close


def test_the_close_form_refuses_what_is_no_month_or_no_client(client, office_admin, february):
    client.force_login(office_admin)

    no_month = client.post(CLOSE, {"month": "February", "client": "all"})
    no_client = client.post(CLOSE, {"month": "2026-02", "client": "999999"})
    # An empty form closes nothing: no month or client is assumed on a POST.
    empty = client.post(CLOSE, {})
    keyless = Client()  # a plain test client: no key in the form
    keyless.force_login(office_admin)
    without_key = keyless.post(CLOSE, {"month": "2026-02", "client": "all"})

    assert {r.status_code for r in (no_month, no_client, empty, without_key)} == {400}
    assert MONTH_REQUIRED in no_month.content.decode()
    assert CLIENT_INVALID in no_client.content.decode()
    assert MONTH_REQUIRED in empty.content.decode()
    assert CLIENT_INVALID in empty.content.decode()
    assert "without its one-time key" in without_key.content.decode()
    assert not MonthClose.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_office_admins_closing_through_the_page_at_once_close_once(february, office_admin):
    second = UserFactory(username="office.two", first_name="Nomsa", last_name="Khumalo")
    second.is_staff = True
    second.save()
    second.groups.add(Group.objects.get(name=OFFICE_ADMINS))
    clients = []
    for user in (office_admin, second):
        browser = FormClient()
        browser.force_login(user)
        clients.append(browser)

    responses = fire_at_once(
        [
            lambda c=c: c.post(CLOSE, {"month": "2026-02", "client": "all"}, follow=True)
            for c in clients
        ]
    )

    assert all(not isinstance(r, Exception) for r in responses), responses
    assert sorted(r.status_code for r in responses) == [200, 400]
    texts = [r.content.decode() for r in responses]
    assert sum("February 2026 is closed for" in t for t in texts) == 1
    assert sum("Month: February 2026 is already closed for every client." in t for t in texts) == 1
    assert MonthClose.objects.filter(month=FEBRUARY).count() == 1
    assert sorted(Statement.objects.values_list("kind", flat=True)) == ["client", "facilitator"]
