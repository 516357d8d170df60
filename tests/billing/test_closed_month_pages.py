"""A closed month on the facilitator's pages (issue 14): the correction form and the
session page say why it cannot be changed; the office can still correct it."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from billing.services import close_month
from classes.services.corrections import MONTH_CLOSED
from tests.billing.conftest import FEB_2, FEBRUARY

pytestmark = pytest.mark.usefixtures("ledger_checked")


def test_a_facilitator_is_told_the_month_is_closed(client, february, own_facilitator, office_admin):
    close_month(month=FEBRUARY, closed_by=office_admin)
    client.force_login(own_facilitator)

    correct = reverse("classes:correct", args=[february.pk, FEB_2])
    response = client.get(correct, follow=True)
    assert escape(MONTH_CLOSED.format(month="February 2026")) in response.content.decode()

    page = client.get(reverse("classes:session_detail", args=[february.pk, FEB_2]))
    text = page.content.decode()
    assert "February 2026 is closed for billing" in text
    assert correct not in text  # no Correct button

    client.force_login(office_admin)
    assert client.get(correct).status_code == 200
