"""A month to reconcile, close and export (issue 14, the office's pages).

February 2026, at the suite's NOW (Wednesday 4 March 2026, 14:00):

- the `february` class (tests/billing/conftest.py) of the own facilitator, client
  "Client n (Pty) Ltd": captured 6 h, billed 6 h, payable 7 h; its facilitator
  claims the 7 h. Nothing to reconcile.
- a class of Beta Mining taught by the other facilitator, one learner: Mon 2 Feb
  captured and credited; the learner's programme is put on hold from 3 Feb, so Wed 4
  Feb is captured but credited to nobody: captured 6 h, billed 3 h. The facilitator
  claims 5 h of the 6 h payable.
- a second class of the first client, taught by Sipho Zulu: Mon 2 Feb captured (3 h
  payable); he has not claimed.
"""

import datetime
from decimal import Decimal
from typing import NamedTuple

from billing.services import review_claim, submit_claim
from classes.models import Class
from progression.models import Progression
from progression.services import put_on_hold
from tests.billing.conftest import FEB_2, FEB_4, FEBRUARY, capture
from tests.factories import (
    ClassFactory,
    ClientFactory,
    ClientRateFactory,
    EnrolmentFactory,
    FacilitatorRateFactory,
    ScheduleFactory,
    UserFactory,
)

FEB_3 = datetime.date(2026, 2, 3)


def claim(facilitator, klass, hours):
    return submit_claim(
        facilitator=facilitator,
        client_id=klass.client_id,
        month=FEBRUARY,
        claimed_hours=Decimal(hours),
        notes="",
        expected_step=0,
    )


def approve(reviewer, facilitator, klass, step=1):
    return review_claim(
        reviewer=reviewer,
        facilitator_id=facilitator.pk,
        client_id=klass.client_id,
        month=FEBRUARY,
        approve=True,
        notes="",
        expected_step=step,
    )


def one_learner_class(*, client, facilitator, code, office_admin):
    klass = ClassFactory(client=client, facilitator=facilitator, code=code)
    ScheduleFactory(klass=klass)
    EnrolmentFactory(klass=klass)
    FacilitatorRateFactory(klass=klass, created_by=office_admin)
    return klass


def build_beta_class(*, other_facilitator, office_admin):
    beta = ClientFactory(name="Beta Mining")
    ClientRateFactory(client=beta, created_by=office_admin)
    klass = one_learner_class(
        client=beta, facilitator=other_facilitator, code="BETA-1", office_admin=office_admin
    )
    capture(klass, FEB_2, other_facilitator, ("3",))
    put_on_hold(
        progression=Progression.objects.get(klass=klass),
        effective_date=FEB_3,
        changed_by=office_admin,
    )
    capture(klass, FEB_4, other_facilitator, ("3",))
    return klass


def build_sipho_class(*, february, office_admin):
    sipho = UserFactory(username="sipho", first_name="Sipho", last_name="Zulu")
    klass = one_learner_class(
        client=february.client, facilitator=sipho, code="CLS-SIPHO", office_admin=office_admin
    )
    capture(klass, FEB_2, sipho, ("3",))
    return klass


class Month(NamedTuple):
    february: Class
    beta: Class
    sipho_class: Class


def build_reconciled_month(*, february, own_facilitator, other_facilitator, office_admin) -> Month:
    """The three classes above, with the own facilitator's 7 h and the other's 5 h
    claimed. Call it from a fixture that has the `february` fixture (the clock is
    pinned by it)."""
    beta = build_beta_class(other_facilitator=other_facilitator, office_admin=office_admin)
    sipho_class = build_sipho_class(february=february, office_admin=office_admin)
    claim(own_facilitator, february, "7")
    claim(other_facilitator, beta, "5")
    return Month(february, beta, sipho_class)
