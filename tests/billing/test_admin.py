"""Pay and billing in the admin (issue 14): rate cards are added through the rate
services (a later rate ends the open one the day before; an overlap or a closed month
is a form error, never a 500) and never changed or deleted; pay rules change what
they pay only; statements, lines, claims and closed months are read-only."""

import datetime
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory
from django.urls import reverse

from billing.admin import RATE_ENDED, RATE_REFUSED, FacilitatorRateAdmin
from billing.models import ClientRate, FacilitatorRate, PayRule, Statement
from billing.services import RATE_IN_CLOSED_MONTH, RATE_OVERLAPS, close_month
from classes.models import MonthClose
from tests.billing.conftest import FEBRUARY
from tests.factories import ClientRateFactory, FacilitatorRateFactory

pytestmark = pytest.mark.usefixtures("ledger_checked")

ADD_FACILITATOR_RATE = reverse("admin:billing_facilitatorrate_add")
ADD_CLIENT_RATE = reverse("admin:billing_clientrate_add")


def rate_form(klass, **overrides):
    return {
        "klass": klass.pk,
        "facilitator": klass.facilitator_id,
        "basis": "hourly",
        "amount": "300.00",
        "travel_allowance_hours": "1.0",
        "valid_from": "2026-04-01",
        "_save": "Save",
    } | overrides


def page_text(response) -> str:
    return response.content.decode()


def test_a_later_rate_ends_the_open_one_the_day_before(client, office_admin, klass):
    first = FacilitatorRateFactory(klass=klass, created_by=office_admin)
    client.force_login(office_admin)

    response = client.post(ADD_FACILITATOR_RATE, rate_form(klass), follow=True)

    assert response.status_code == 200
    first.refresh_from_db()
    assert first.valid_until == datetime.date(2026, 3, 31)
    new = FacilitatorRate.objects.get(valid_from=datetime.date(2026, 4, 1))
    assert (new.amount, new.valid_until, new.created_by) == (Decimal("300.00"), None, office_admin)
    texts = [str(m) for m in response.context["messages"]]
    assert RATE_ENDED.format(rate=first, until="31 March 2026") in texts


def test_an_overlapping_rate_is_a_form_error_and_nothing_changes(client, office_admin, klass):
    first = FacilitatorRateFactory(klass=klass, created_by=office_admin)
    client.force_login(office_admin)

    # The same start as the open rate: not "later", so the periods would overlap.
    response = client.post(ADD_FACILITATOR_RATE, rate_form(klass, valid_from="2026-01-01"))

    assert response.status_code == 200  # the add form again, with the error
    message = RATE_OVERLAPS.format(
        field="Valid from", start=datetime.date(2026, 1, 1), whom="class and facilitator"
    )
    assert message.replace("'", "&#x27;") in page_text(response)
    first.refresh_from_db()
    assert first.valid_until is None
    assert FacilitatorRate.objects.count() == 1


def test_a_rate_before_a_later_one_overlaps_it_and_is_refused(client, office_admin, klass):
    FacilitatorRateFactory(
        klass=klass, created_by=office_admin, valid_from=datetime.date(2026, 5, 1)
    )
    client.force_login(office_admin)

    response = client.post(ADD_FACILITATOR_RATE, rate_form(klass, valid_from="2026-04-01"))

    assert response.status_code == 200
    assert "this period overlaps an existing rate" in page_text(response)
    assert FacilitatorRate.objects.count() == 1


def test_a_rate_from_a_closed_month_is_refused(client, office_admin, february):
    close_month(month=FEBRUARY, closed_by=office_admin)
    client.force_login(office_admin)

    response = client.post(ADD_FACILITATOR_RATE, rate_form(february, valid_from="2026-02-15"))

    assert response.status_code == 200
    expected = RATE_IN_CLOSED_MONTH.format(month="February 2026", client=february.client)
    assert expected.replace("'", "&#x27;") in page_text(response)
    assert FacilitatorRate.objects.count() == 1  # the fixture's


def test_an_invalid_rate_is_refused_by_its_own_rules_not_called_an_overlap(
    client, office_admin, klass
):
    client.force_login(office_admin)

    response = client.post(ADD_FACILITATOR_RATE, rate_form(klass, travel_allowance_hours="0.3"))

    assert response.status_code == 200
    assert "overlaps" not in page_text(response)
    assert not FacilitatorRate.objects.exists()


def test_a_refusal_at_the_save_itself_is_a_message_not_a_500(office_admin, klass):
    """Someone added an overlapping rate between the form's check and the save."""
    FacilitatorRateFactory(klass=klass, created_by=office_admin)
    model_admin = FacilitatorRateAdmin(FacilitatorRate, admin.site)
    request = RequestFactory().post(ADD_FACILITATOR_RATE)
    request.user = office_admin
    request.session = {}
    request._messages = FallbackStorage(request)
    rate = FacilitatorRate(
        klass=klass,
        facilitator=klass.facilitator,
        basis="hourly",
        amount=Decimal("1"),
        valid_from=datetime.date(2026, 1, 1),
    )

    model_admin.save_model(request, rate, form=None, change=False)
    response = model_admin.response_add(request, rate)

    assert rate.pk is None
    assert (response.status_code, response["Location"]) == (302, ADD_FACILITATOR_RATE)
    (message,) = [str(m) for m in get_messages(request)]
    assert message.startswith(RATE_REFUSED.format(reason="Valid from: this period overlaps"))
    assert FacilitatorRate.objects.count() == 1


def test_a_client_rate_is_added_the_same_way(client, office_admin, klass):
    first = ClientRateFactory(client=klass.client, created_by=office_admin)
    client.force_login(office_admin)
    form = {
        "client": klass.client_id,
        "programme": "",
        "basis": "daily",
        "amount": "300.00",
        "cancellation_notice_hours": "48",
        "valid_from": "2026-04-01",
        "_save": "Save",
    }

    added = client.post(ADD_CLIENT_RATE, form)
    again = client.post(ADD_CLIENT_RATE, form)

    assert added.status_code == 302
    first.refresh_from_db()
    assert first.valid_until == datetime.date(2026, 3, 31)
    assert again.status_code == 200
    assert "this period overlaps an existing rate" in page_text(again)
    assert ClientRate.objects.count() == 2


def test_rates_cannot_be_changed_or_deleted(client, office_admin, klass):
    rate = FacilitatorRateFactory(klass=klass, created_by=office_admin)
    client.force_login(office_admin)
    change = reverse("admin:billing_facilitatorrate_change", args=[rate.pk])

    page = client.get(change)
    posted = client.post(change, rate_form(klass, amount="1.00"))
    delete = client.get(reverse("admin:billing_facilitatorrate_delete", args=[rate.pk]))

    assert page.status_code == 200
    assert 'name="_save"' not in page_text(page)  # view only
    assert posted.status_code == 403
    assert delete.status_code == 403
    rate.refresh_from_db()
    assert rate.amount == Decimal("250.00")


def test_a_pay_rule_changes_what_it_pays_only(client, office_admin):
    rule = PayRule.objects.get(outcome="client_cancelled")
    client.force_login(office_admin)
    change = reverse("admin:billing_payrule_change", args=[rule.pk])

    response = client.post(
        change,
        {"pays": "scheduled_hours", "outcome": "captured", "description": "x", "_save": "Save"},
    )

    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.outcome, rule.pays) == ("client_cancelled", "scheduled_hours")
    assert rule.description != "x"
    assert client.get(reverse("admin:billing_payrule_add")).status_code == 403
    assert client.get(reverse("admin:billing_payrule_delete", args=[rule.pk])).status_code == 403


def test_statements_are_listed_and_read_only_with_their_stored_files(
    client, office_admin, february
):
    close_month(month=FEBRUARY, closed_by=office_admin)
    statement = Statement.objects.get(kind="facilitator")
    client.force_login(office_admin)

    listing = page_text(client.get(reverse("admin:billing_statement_changelist")))
    pdf = client.get(reverse("admin:billing_statement_pdf", args=[statement.pk]))
    csv = client.get(reverse("admin:billing_statement_csv", args=[statement.pk]))
    change = client.get(reverse("admin:billing_statement_change", args=[statement.pk]))

    for text in ("2026-02", "Facilitator pay", "Client billing", "Thandi Mokoena", "1750.00"):
        assert text in listing
    assert statement.checksum in listing
    assert pdf.content == bytes(statement.pdf)
    assert csv.content == bytes(statement.csv)
    assert 'name="_save"' not in page_text(change)
    for name in ("statement", "statementline", "claimaction"):
        assert client.get(reverse(f"admin:billing_{name}_add")).status_code == 403
    assert client.get(reverse("admin:classes_monthclose_add")).status_code == 403
    close = MonthClose.objects.get()
    assert (
        client.post(reverse("admin:classes_monthclose_delete", args=[close.pk])).status_code == 403
    )
    assert client.get(reverse("admin:billing_statement_pdf", args=[999999])).status_code == 404


def test_facilitators_cannot_open_the_billing_admin(client, own_facilitator):
    client.force_login(own_facilitator)
    response = client.get(reverse("admin:billing_facilitatorrate_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
