"""Money from hours (issue 14): rate cards, the pay rules as data, the facilitators'
claims and the statements frozen when a month closes.

Every figure is derived from the hours log and the session records by billing.payable
(one definition, one module); these tables hold only what people decide (rates, rules,
claims, reviews) and what a close froze (statements, their lines and files).
Money is Decimal, numeric(12,2), never negative where a price is meant.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now

from classes.models import half_hour_steps

REVIEW_CLAIMS = "billing.review_claim"
VIEW_STATEMENTS = "billing.view_statement"

# The hints of the append-only triggers (migration billing 0001, schema/025).
STATEMENTS_HINT = "A closed statement is kept as it was; later changes are adjustments."
CLAIM_ACTIONS_HINT = "Record a new claim action instead; the earlier ones are kept."


class RateBasis(models.TextChoices):
    HOURLY = "hourly", "Per hour"
    DAILY = "daily", "Per session day"


def _period_checks(prefix: str) -> list[models.BaseConstraint]:
    return [
        models.CheckConstraint(condition=Q(amount__gte=0), name=f"{prefix}_amount_not_negative"),
        models.CheckConstraint(
            condition=Q(basis__in=RateBasis.values), name=f"{prefix}_basis_valid"
        ),
        models.CheckConstraint(
            condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
            name=f"{prefix}_period_valid",
        ),
    ]


class FacilitatorRate(models.Model):
    """What a facilitator is paid for a class from a date: per hour or per session
    day, and the travel allowance paid for a session that all learners missed.

    A change is a new row from its date (billing.services.set_facilitator_rate ends the
    open one the day before); periods of one class and facilitator never overlap, which
    an exclusion constraint on the date range holds (PostgreSQL, migration billing 0001).
    """

    klass = models.ForeignKey(
        "classes.Class",
        on_delete=models.PROTECT,
        db_column="class_id",
        related_name="facilitator_rates",
        verbose_name="class",
    )
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    basis = models.CharField(max_length=10, choices=RateBasis.choices)
    amount = models.DecimalField("amount (ZAR)", max_digits=12, decimal_places=2)
    travel_allowance_hours = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        default=1,
        db_default=1,
        help_text="Paid when every learner of a captured session was absent.",
    )
    valid_from = models.DateField()
    valid_until = models.DateField(
        null=True, blank=True, help_text="The last day it applies; empty: until changed."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        db_table = "billing_facilitator_rates"
        ordering = ["klass", "facilitator", "-valid_from"]
        verbose_name = "facilitator rate"
        indexes = [
            models.Index(
                fields=["klass", "facilitator", "valid_from"], name="billing_facilitator_rates_find"
            ),
        ]
        constraints = [
            *_period_checks("billing_facilitator_rates"),
            models.CheckConstraint(
                condition=Q(travel_allowance_hours__gte=0)
                & Q(travel_allowance_hours__lte=24)
                & half_hour_steps("travel_allowance_hours"),
                name="billing_facilitator_rates_travel_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_basis_display()} R {self.amount} from {self.valid_from}"


class ClientRate(models.Model):
    """What a client is billed per learner hour trained (or per learner per session
    day) from a date, for all its classes or for one programme, and its cancellation
    policy: a cancellation recorded less than `cancellation_notice_hours` before the
    session's start pays the facilitator (the rule client_cancelled_late)."""

    client = models.ForeignKey("learners.Client", on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey(
        "progression.LearningProgramme",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty: the client's rate for every programme without its own.",
    )
    basis = models.CharField(max_length=10, choices=RateBasis.choices)
    amount = models.DecimalField("amount (ZAR)", max_digits=12, decimal_places=2)
    cancellation_notice_hours = models.PositiveSmallIntegerField(
        default=24,
        db_default=24,
        help_text=(
            "A cancellation recorded less than this many hours before the session's "
            "start is paid to the facilitator; 0: never."
        ),
    )
    valid_from = models.DateField()
    valid_until = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        db_table = "billing_client_rates"
        ordering = ["client", "programme", "-valid_from"]
        verbose_name = "client rate"
        indexes = [
            models.Index(fields=["client", "valid_from"], name="billing_client_rates_find"),
        ]
        constraints = [
            *_period_checks("billing_client_rates"),
            models.CheckConstraint(
                condition=Q(cancellation_notice_hours__lte=720),
                name="billing_client_rates_notice_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_basis_display()} R {self.amount} from {self.valid_from}"


class PayRule(models.Model):
    """What a kind of session pays the facilitator: one row per outcome
    (billing.rules.Outcome), its default written in docs/decisions.md. Office admins
    may change what an outcome pays; closed months keep what they were paid."""

    class Pays(models.TextChoices):
        SCHEDULED_HOURS = "scheduled_hours", "The session's scheduled hours"
        TRAVEL_ALLOWANCE = "travel_allowance", "The rate card's travel allowance"
        NOTHING = "nothing", "Nothing"

    outcome = models.CharField(max_length=30, unique=True)
    pays = models.CharField(max_length=20, choices=Pays.choices)
    description = models.CharField(max_length=200)

    class Meta:
        db_table = "billing_pay_rules"
        ordering = ["id"]
        verbose_name = "pay rule"
        constraints = [
            models.CheckConstraint(
                condition=Q(pays__in=["scheduled_hours", "travel_allowance", "nothing"]),
                name="billing_pay_rules_pays_valid",
            ),
            models.CheckConstraint(
                condition=Q(
                    outcome__in=[
                        "captured",
                        "all_absent",
                        "agent_absent",
                        "client_cancelled_late",
                        "client_cancelled",
                    ]
                ),
                name="billing_pay_rules_outcome_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.outcome}: {self.get_pays_display()}"


class Statement(models.Model):
    """A statement frozen when its client's month closed: a facilitator's (pay) or
    the client's (billing), its totals, its lines and the PDF and CSV produced, with
    the PDF's SHA-256. Append-only: what a closed month said is kept as it was."""

    class Kind(models.TextChoices):
        FACILITATOR = "facilitator", "Facilitator pay"
        CLIENT = "client", "Client billing"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    month = models.DateField()
    client = models.ForeignKey("learners.Client", on_delete=models.PROTECT, related_name="+")
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    month_close = models.ForeignKey(
        "classes.MonthClose", on_delete=models.PROTECT, related_name="statements"
    )
    hours = models.DecimalField(max_digits=10, decimal_places=2)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    pdf = models.BinaryField()
    csv = models.BinaryField()
    checksum = models.CharField("PDF SHA-256", max_length=64)
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        db_table = "billing_statements"
        ordering = ["-month", "kind", "client", "facilitator"]
        permissions = [
            ("review_claim", "Can approve or dispute a facilitator's claimed hours"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="facilitator", facilitator__isnull=False)
                | Q(kind="client", facilitator__isnull=True),
                name="billing_statements_party_valid",
            ),
            models.CheckConstraint(
                condition=Q(month__day=1), name="billing_statements_month_valid"
            ),
            models.CheckConstraint(
                condition=Q(checksum__regex=r"^[0-9a-f]{64}$"),
                name="billing_statements_checksum_valid",
            ),
            # One statement per party and month: a facilitator's per client, the
            # client's own (no facilitator).
            models.UniqueConstraint(
                fields=["kind", "month", "client", "facilitator"],
                condition=Q(facilitator__isnull=False),
                name="billing_statements_once_per_facilitator",
            ),
            models.UniqueConstraint(
                fields=["kind", "month", "client"],
                condition=Q(facilitator__isnull=True),
                name="billing_statements_once_per_client",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.month:%Y-%m}"


class StatementLine(models.Model):
    """One line of a frozen statement: a session (facilitator pay), a class and
    learner (client billing), or an adjustment of an earlier closed month's line."""

    class Kind(models.TextChoices):
        LINE = "line", "Line"
        ADJUSTMENT = "adjustment", "Adjustment"

    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="lines")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # What the line is about: its key (billing.payable.Line.key), unique per month.
    key = models.CharField(max_length=100)
    # The closed month an adjustment corrects; the statement's own month for a line.
    for_month = models.DateField()
    klass = models.ForeignKey(
        "classes.Class", on_delete=models.PROTECT, db_column="class_id", related_name="+"
    )
    session = models.ForeignKey(
        "classes.AttendanceSession",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    learner = models.ForeignKey(
        "learners.Learner", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    session_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=30, blank=True)
    rule = models.CharField(max_length=30, blank=True)
    # What the rule paid at the close (billing_pay_rules.pays), for its words later.
    pays = models.CharField(max_length=20, blank=True, default="", db_default="")
    hours = models.DecimalField(max_digits=10, decimal_places=2)
    # The learners' hours present behind the line (the session's, or the learner's):
    # a correction of attendance that changes no money is still an adjustment.
    hours_present = models.DecimalField(max_digits=10, decimal_places=2, default=0, db_default=0)
    days = models.PositiveIntegerField(default=0)
    rate = models.CharField(max_length=50, blank=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        db_table = "billing_statement_lines"
        ordering = ["statement", "id"]
        indexes = [
            models.Index(fields=["for_month", "key"], name="billing_statement_lines_key"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["line", "adjustment"]),
                name="billing_statement_lines_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(for_month__day=1), name="billing_statement_lines_month_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.amount}"


class ClaimAction(models.Model):
    """One step of a facilitator's claim for a client's month: submitted (hours
    claimed, with notes), approved or disputed (by the office, with a note). The
    latest step is the claim's state; `step` numbers them, and its UNIQUE makes two
    people acting on the same state at once act once."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        APPROVED = "approved", "Approved"
        DISPUTED = "disputed", "Disputed"

    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    client = models.ForeignKey("learners.Client", on_delete=models.PROTECT, related_name="+")
    month = models.DateField()
    step = models.PositiveIntegerField()
    action = models.CharField(max_length=20, choices=Action.choices)
    claimed_hours = models.DecimalField(null=True, blank=True, max_digits=10, decimal_places=2)
    # What the statement said when the office approved or disputed.
    payable_hours = models.DecimalField(null=True, blank=True, max_digits=10, decimal_places=2)
    payable_amount = models.DecimalField(null=True, blank=True, max_digits=12, decimal_places=2)
    notes = models.TextField(blank=True, default="", db_default="")
    acted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    acted_at = models.DateTimeField(db_default=Now())

    class Meta:
        db_table = "billing_claim_actions"
        ordering = ["facilitator", "client", "month", "step"]
        verbose_name = "claim action"
        constraints = [
            models.UniqueConstraint(
                fields=["facilitator", "client", "month", "step"],
                name="billing_claim_actions_step_once",
            ),
            models.CheckConstraint(
                condition=Q(action__in=["submitted", "approved", "disputed"]),
                name="billing_claim_actions_action_valid",
            ),
            models.CheckConstraint(
                condition=Q(month__day=1), name="billing_claim_actions_month_valid"
            ),
            models.CheckConstraint(
                condition=Q(action="submitted", claimed_hours__gte=0)
                | (
                    ~Q(action="submitted")
                    & Q(payable_hours__isnull=False, payable_amount__isnull=False)
                ),
                name="billing_claim_actions_figures_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.month:%Y-%m}"
