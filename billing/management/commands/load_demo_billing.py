"""Demo rate cards for `make run` (issue 14), after `load_demo`: the demo classes'
facilitators paid by the hour (communication) and by the day (numeracy), the demo
client billed per learner hour with a 24-hour cancellation notice.

Idempotent: a class that has a rate card already gets none again. In billing, not in
classes' load_demo, because classes does not import billing (DESIGN §5).
"""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from billing.models import ClientRate, FacilitatorRate
from billing.services import add_client_rate, add_facilitator_rate
from classes.management.commands.load_demo import DEMO_CLIENT
from classes.models import Class
from learners.models import Client

# (class code, basis, amount in ZAR)
DEMO_RATES = [
    ("MZN-BE-01", "hourly", Decimal("250.00")),
    ("MZN-NUM-01", "daily", Decimal("900.00")),
]
DEMO_CLIENT_RATE = Decimal("45.00")


class Command(BaseCommand):
    help = "Load the demo rate cards (idempotent); run after load_demo."

    @transaction.atomic
    def handle(self, *args, **options):
        client = Client.objects.filter(name=DEMO_CLIENT).first()
        admin = get_user_model().objects.filter(username="admin").first()
        if client is None or admin is None:
            self.stdout.write("No demo data: run `manage.py load_demo` first.")
            return
        added = 0
        for code, basis, amount in DEMO_RATES:
            klass = Class.objects.filter(code=code).select_related("schedule").first()
            if klass is None or FacilitatorRate.objects.filter(klass=klass).exists():
                continue
            start = klass.schedule.start_date.replace(day=1)
            add_facilitator_rate(
                rate=FacilitatorRate(
                    klass=klass,
                    facilitator=klass.facilitator,
                    basis=basis,
                    amount=amount,
                    valid_from=start,
                ),
                created_by=admin,
            )
            added += 1
        if not ClientRate.objects.filter(client=client).exists():
            first = Class.objects.filter(client=client).select_related("schedule").first()
            start = first.schedule.start_date.replace(day=1) if first else None
            if start is not None:
                add_client_rate(
                    rate=ClientRate(
                        client=client, basis="hourly", amount=DEMO_CLIENT_RATE, valid_from=start
                    ),
                    created_by=admin,
                )
                added += 1
        self.stdout.write(
            f"Demo rate cards: {added} added." if added else "Demo rate cards are loaded."
        )
