"""Two office admins closing the same month at once: one close (issue 14)."""

import pytest

from billing.models import Statement
from billing.services import ALL_ALREADY_CLOSED, BillingRefused, close_month
from classes.models import MonthClose
from tests.billing.conftest import FEBRUARY
from tests.factories import UserFactory
from tests.threads import fire_at_once

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("one_client", [False, True], ids=["all-clients", "one-client"])
def test_two_admins_closing_the_same_month_at_once_close_it_once(
    february, office_admin, one_client
):
    from django.contrib.auth.models import Group

    from classes.roles import OFFICE_ADMINS

    second = UserFactory(username="office.two", is_staff=True)
    second.groups.add(Group.objects.get(name=OFFICE_ADMINS))
    clients = [february.client_id] if one_client else None

    results = fire_at_once(
        [
            lambda user=user: close_month(month=FEBRUARY, closed_by=user, client_ids=clients)
            for user in (office_admin, second)
        ]
    )

    closed = [r for r in results if isinstance(r, list)]
    refused = [r for r in results if isinstance(r, BillingRefused)]
    assert (len(closed), len(refused)) == (1, 1), results
    assert MonthClose.objects.filter(month=FEBRUARY).count() == 1
    # One set of frozen statements: the client's and the facilitator's.
    assert sorted(Statement.objects.values_list("kind", flat=True)) == ["client", "facilitator"]
    winner = MonthClose.objects.get(month=FEBRUARY)
    if one_client:
        assert refused[0].message.startswith(
            f"February 2026 is already closed for {february.client} (by "
        )
        assert winner.closed_by.get_full_name() in refused[0].message
    else:
        assert refused[0].message == ALL_ALREADY_CLOSED.format(month="February 2026")
