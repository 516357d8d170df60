"""Rate cards (issue 14): a change is a new row from its date, the open one ends the
day before; overlapping periods are refused by the database's exclusion constraint."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from billing.models import ClientRate, FacilitatorRate
from billing.services import BillingRefused, add_client_rate, add_facilitator_rate, close_month
from tests.factories import ClientRateFactory, FacilitatorRateFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the exclusion constraints are PostgreSQL's"
)

JAN_1, APR_1 = datetime.date(2026, 1, 1), datetime.date(2026, 4, 1)


def rate(klass, valid_from, valid_until=None, amount="300.00"):
    return FacilitatorRate(
        klass=klass,
        facilitator=klass.facilitator,
        basis="hourly",
        amount=Decimal(amount),
        valid_from=valid_from,
        valid_until=valid_until,
    )


def test_a_new_rate_ends_the_open_one_the_day_before(klass, office_admin):
    first = FacilitatorRateFactory(klass=klass, valid_from=JAN_1)
    add_facilitator_rate(rate=rate(klass, APR_1), created_by=office_admin)

    first.refresh_from_db()
    assert first.valid_until == datetime.date(2026, 3, 31)
    assert list(
        FacilitatorRate.objects.order_by("valid_from").values_list("amount", flat=True)
    ) == [
        Decimal("250.00"),
        Decimal("300.00"),
    ]


def test_an_overlapping_rate_is_refused_and_nothing_changes(klass, office_admin):
    FacilitatorRateFactory(klass=klass, valid_from=JAN_1, valid_until=datetime.date(2026, 6, 30))

    with pytest.raises(BillingRefused) as refused:
        add_facilitator_rate(rate=rate(klass, APR_1), created_by=office_admin)
    assert refused.value.message.startswith("Valid from: this period overlaps")
    assert FacilitatorRate.objects.count() == 1


def test_the_database_refuses_overlaps_whoever_writes(klass, office_admin):
    FacilitatorRateFactory(klass=klass, valid_from=JAN_1)
    with pytest.raises(IntegrityError), transaction.atomic():
        FacilitatorRateFactory(klass=klass, valid_from=APR_1)
    # Another facilitator of the same class, or the same client's other programme, is
    # another card.
    FacilitatorRateFactory(klass=klass, facilitator=office_admin, valid_from=APR_1)
    ClientRateFactory(client=klass.client, valid_from=JAN_1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ClientRateFactory(client=klass.client, valid_from=APR_1)
    ClientRateFactory(client=klass.client, programme=klass.programme, valid_from=APR_1)
    assert ClientRate.objects.count() == 2


def test_a_rate_cannot_start_in_a_closed_month(february, office_admin):
    close_month(month=datetime.date(2026, 2, 1), closed_by=office_admin)
    with pytest.raises(BillingRefused) as refused:
        add_client_rate(
            rate=ClientRate(
                client=february.client,
                basis="hourly",
                amount=Decimal("50"),
                valid_from=datetime.date(2026, 2, 15),
            ),
            created_by=office_admin,
        )
    assert "February 2026 is closed" in refused.value.message
