"""The demo rate cards (`make run`): loaded once, and the demo facilitators have a
priced statement for last month on any day of the year."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from billing.models import ClientRate, FacilitatorRate
from billing.statements import CLIENT, FACILITATOR, previous_month, statement_view
from learners.models import Client
from tests.conftest import SAST

pytestmark = pytest.mark.usefixtures("ledger_checked", "media_root")


@pytest.mark.parametrize(
    "day",
    [
        datetime.datetime(2026, 12, 1, 10, 0, tzinfo=SAST),
        datetime.datetime(2026, 12, 31, 23, 30, tzinfo=SAST),
        datetime.datetime(2027, 3, 1, 7, 0, tzinfo=SAST),
    ],
)
def test_demo_rate_cards_load_once_and_price_last_month(day, time_machine):
    time_machine.move_to(day, tick=False)
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("load_demo_billing", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("load_demo_billing", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert FacilitatorRate.objects.count() == 2
    assert ClientRate.objects.count() == 1
    client = Client.objects.get()
    last_month = previous_month(day.date())
    for username in ("thandi", "pieter"):
        user = get_user_model().objects.get(username=username)
        view = statement_view(
            FACILITATOR, client_id=client.pk, month=last_month, facilitator_id=user.pk
        )
        assert view.lines, username
        assert view.amount > 0
        assert all(line.rate != "no rate card" for line in view.lines)
    assert statement_view(CLIENT, client_id=client.pk, month=last_month).amount > 0
