"""The writes of billing (issue 14): rate cards, claims and their review, and the
month close. Typed, keyword-only, one transaction each; the rules that must hold
under concurrency are held by the database (exclusion constraints on the rate
periods, UNIQUE claim steps, UNIQUE month closes), not by a SELECT first.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format

from attendance_project.errors import ServiceError
from billing.models import ClaimAction, ClientRate, FacilitatorRate, Statement, StatementLine
from billing.statements import (
    CLIENT,
    FACILITATOR,
    StatementView,
    facilitators_with_lines,
    open_view,
    statement_view,
)
from classes.closed_months import CLOSE_MONTH, MonthClose
from learners.models import Client
from submissions.keys import Submission, record_submission

RATE_OVERLAPS = (
    "{field}: this period overlaps an existing rate from {start} for the same {whom}; "
    "give a start date after it, or end it first."
)
RATE_IN_CLOSED_MONTH = (
    "Valid from: {month} is closed for {client}; a new rate can start from the first open month on."
)
CLAIM_HOURS_INVALID = "Claimed hours must be a number from 0 to 9999 in steps of 0.5."
CLAIM_APPROVED = "This claim was already approved; it cannot be changed."
CLAIM_NO_LINES = "You have no sessions on this statement to claim for."
CLAIM_CHANGED = "The claim changed meanwhile ({action} by {who} at {when}); reload the page."
NOTHING_TO_REVIEW = "There is no submitted claim to approve or dispute."
DISPUTE_NEEDS_NOTE = "Note: say what is disputed."
REVIEW_NOT_ALLOWED = "Only office admins can approve or dispute claims."
OWN_CLAIM = "Nobody reviews their own claim: another office admin approves or disputes it."
CLOSE_NOT_ALLOWED = "Only office admins with the close-month permission can close a month."
MONTH_NOT_OVER = "Month: {month} has not ended yet; it can be closed from {first} on."
ALREADY_CLOSED = "{month} is already closed for {client} (by {who} at {when})."
ALL_ALREADY_CLOSED = "{month} is already closed for every client."


class BillingRefused(ServiceError):
    """A billing write refused as a whole: nothing was written."""


@dataclass(frozen=True)
class ClaimState:
    """The latest step of a facilitator's claim for a client's month (None: none yet)."""

    latest: ClaimAction | None
    submitted: ClaimAction | None

    @property
    def step(self) -> int:
        return self.latest.step if self.latest else 0

    @property
    def status(self) -> str:
        return self.latest.action if self.latest else ""


def claim_state(*, facilitator_id: int, client_id: int, month: datetime.date) -> ClaimState:
    actions = list(
        ClaimAction.objects.filter(
            facilitator_id=facilitator_id, client_id=client_id, month=month.replace(day=1)
        )
        .select_related("acted_by")
        .order_by("-step")
    )
    submitted = next((a for a in actions if a.action == ClaimAction.Action.SUBMITTED), None)
    return ClaimState(latest=actions[0] if actions else None, submitted=submitted)


def claim_history(
    *, facilitator_id: int, client_id: int, month: datetime.date
) -> list[ClaimAction]:
    return list(
        ClaimAction.objects.filter(
            facilitator_id=facilitator_id, client_id=client_id, month=month.replace(day=1)
        )
        .select_related("acted_by")
        .order_by("step")
    )


def _person(user) -> str:
    return user.get_full_name() or user.get_username()


def _add_step(
    *,
    facilitator_id: int,
    client_id: int,
    month: datetime.date,
    expected_step: int,
    **values,
) -> ClaimAction:
    """The claim's next step, numbered expected_step + 1: if someone acted on the
    claim since the form was shown, the UNIQUE step refuses this one."""
    try:
        with transaction.atomic():
            return ClaimAction.objects.create(
                facilitator_id=facilitator_id,
                client_id=client_id,
                month=month,
                step=expected_step + 1,
                **values,
            )
    except IntegrityError:
        latest = (
            ClaimAction.objects.filter(
                facilitator_id=facilitator_id, client_id=client_id, month=month
            )
            .select_related("acted_by")
            .order_by("-step")
            .first()
        )
        raise BillingRefused(
            CLAIM_CHANGED.format(
                action=latest.get_action_display().lower() if latest else "?",
                who=_person(latest.acted_by) if latest else "?",
                when=timezone.localtime(latest.acted_at).strftime("%H:%M") if latest else "?",
            )
        ) from None


def submit_claim(
    *,
    facilitator: User,
    client_id: int,
    month: datetime.date,
    claimed_hours: Decimal,
    notes: str,
    expected_step: int,
    submission: Submission | None = None,
) -> ClaimAction:
    """The facilitator's claimed hours for their statement of the client's month,
    with notes; again after a dispute (or to revise one not yet reviewed)."""
    month = month.replace(day=1)
    with transaction.atomic():
        record_submission(submission)
        if claimed_hours < 0 or claimed_hours > 9999 or (claimed_hours * 2) % 1 != 0:
            raise BillingRefused(CLAIM_HOURS_INVALID)
        state = claim_state(facilitator_id=facilitator.pk, client_id=client_id, month=month)
        if state.status == ClaimAction.Action.APPROVED:
            raise BillingRefused(CLAIM_APPROVED)
        view = statement_view(
            FACILITATOR, client_id=client_id, month=month, facilitator_id=facilitator.pk
        )
        if not view.all_lines and not state.latest:
            raise BillingRefused(CLAIM_NO_LINES)
        return _add_step(
            facilitator_id=facilitator.pk,
            client_id=client_id,
            month=month,
            expected_step=expected_step,
            action=ClaimAction.Action.SUBMITTED,
            claimed_hours=claimed_hours,
            notes=notes,
            acted_by=facilitator,
        )


def review_claim(
    *,
    reviewer: User,
    facilitator_id: int,
    client_id: int,
    month: datetime.date,
    approve: bool,
    notes: str,
    expected_step: int,
    submission: Submission | None = None,
) -> ClaimAction:
    """The office approves or disputes (with a note) the submitted claim, recording
    the statement's payable hours and amount it was compared with."""
    from billing.models import REVIEW_CLAIMS

    month = month.replace(day=1)
    with transaction.atomic():
        record_submission(submission)
        if not reviewer.has_perm(REVIEW_CLAIMS):
            raise BillingRefused(REVIEW_NOT_ALLOWED)
        if reviewer.pk == facilitator_id:
            raise BillingRefused(OWN_CLAIM)
        state = claim_state(facilitator_id=facilitator_id, client_id=client_id, month=month)
        if state.status != ClaimAction.Action.SUBMITTED:
            raise BillingRefused(
                CLAIM_APPROVED if state.status == "approved" else NOTHING_TO_REVIEW
            )
        if not approve and not notes:
            raise BillingRefused(DISPUTE_NEEDS_NOTE)
        view = statement_view(
            FACILITATOR, client_id=client_id, month=month, facilitator_id=facilitator_id
        )
        return _add_step(
            facilitator_id=facilitator_id,
            client_id=client_id,
            month=month,
            expected_step=expected_step,
            action=ClaimAction.Action.APPROVED if approve else ClaimAction.Action.DISPUTED,
            payable_hours=view.hours,
            payable_amount=view.amount,
            notes=notes,
            acted_by=reviewer,
        )


def _overlap_refusal(error: IntegrityError, *, whom: str, start: datetime.date) -> BillingRefused:
    return BillingRefused(RATE_OVERLAPS.format(field="Valid from", start=start, whom=whom))


def _check_open(client: Client, valid_from: datetime.date) -> None:
    closed = (
        MonthClose.objects.filter(client=client, month__gte=valid_from.replace(day=1))
        .order_by("month")
        .first()
    )
    if closed is not None:
        raise BillingRefused(
            RATE_IN_CLOSED_MONTH.format(month=date_format(closed.month, "F Y"), client=client)
        )


def add_facilitator_rate(*, rate: FacilitatorRate, created_by: User) -> FacilitatorRate:
    """A new rate card row. An open-ended row of the same class and facilitator that
    started earlier ends the day before (a change is a new row; the old one is kept);
    any other overlap is refused by the exclusion constraint."""
    group = {"klass_id": rate.klass_id, "facilitator_id": rate.facilitator_id}
    return _add_rate(
        rate, client=rate.klass.client, group=group, whom="class and facilitator", by=created_by
    )


def add_client_rate(*, rate: ClientRate, created_by: User) -> ClientRate:
    """As add_facilitator_rate, for a client's (or a client's programme's) rate."""
    group = {"client_id": rate.client_id, "programme_id": rate.programme_id}
    return _add_rate(
        rate, client=rate.client, group=group, whom="client and programme", by=created_by
    )


def _add_rate(rate, *, client: Client, group: dict, whom: str, by: User):
    with transaction.atomic():
        _check_open(client, rate.valid_from)
        # Locked: two admins changing the same rate at once end it once.
        current = (
            type(rate)
            .objects.select_for_update()
            .filter(**group, valid_until__isnull=True, valid_from__lt=rate.valid_from)
            .order_by("pk")  # not the Meta ordering, which joins the class or programme
            .first()
        )
        if current is not None:
            current.valid_until = rate.valid_from - datetime.timedelta(days=1)
            current.save(update_fields=["valid_until"])
        rate.created_by = by
        try:
            with transaction.atomic():
                rate.save()
        except IntegrityError as error:
            raise _overlap_refusal(error, whom=whom, start=rate.valid_from) from None
        return rate


def _freeze(view: StatementView, *, month_close: MonthClose) -> Statement:
    # Imported here: WeasyPrint loads only when a statement is printed, not with every
    # process that imports the services (as the registers do).
    from billing.documents import statement_csv, statement_pdf

    pdf = statement_pdf(view)
    statement = Statement.objects.create(
        kind=view.kind,
        month=view.month,
        client_id=view.client_id,
        facilitator_id=view.facilitator_id,
        month_close=month_close,
        hours=view.hours,
        amount=view.amount,
        pdf=pdf,
        csv=statement_csv(view).encode(),
        checksum=hashlib.sha256(pdf).hexdigest(),
    )
    StatementLine.objects.bulk_create(
        StatementLine(
            statement=statement,
            kind=StatementLine.Kind.ADJUSTMENT if line.for_month else StatementLine.Kind.LINE,
            key=line.key,
            for_month=line.for_month or view.month,
            klass_id=line.klass_id,
            session_id=line.session_id,
            learner_id=line.learner_id,
            session_date=line.session_date,
            status=line.status,
            rule=line.rule,
            pays=line.pays,
            hours=line.hours,
            hours_present=line.present,
            days=line.days,
            rate=line.rate,
            amount=line.amount,
            description=line.description[:300],
        )
        for line in view.all_lines
    )
    return statement


def close_month(
    *,
    month: datetime.date,
    closed_by: User,
    client_ids: list[int] | None = None,
    submission: Submission | None = None,
) -> list[MonthClose]:
    """Close the month for the clients (all clients when None): each gets its close
    row and its statements frozen (client billing, and each facilitator's pay), with
    the files produced and the PDF's checksum, in one transaction. Two admins closing
    the same month at once: the second one's INSERT waits on the UNIQUE (client,
    month), then finds it and closes nothing twice."""
    month = month.replace(day=1)
    label = date_format(month, "F Y")
    with transaction.atomic():
        record_submission(submission)
        if not closed_by.has_perm(CLOSE_MONTH):
            raise BillingRefused(CLOSE_NOT_ALLOWED)
        following = (month + datetime.timedelta(days=32)).replace(day=1)
        if timezone.localdate() < following:
            raise BillingRefused(
                MONTH_NOT_OVER.format(month=label, first=date_format(following, "j F Y"))
            )
        clients = Client.objects.order_by("pk")
        if client_ids is not None:
            clients = clients.filter(pk__in=client_ids)
        closes = []
        for client in clients:
            try:
                with transaction.atomic():
                    closes.append(
                        MonthClose.objects.create(client=client, month=month, closed_by=closed_by)
                    )
            except IntegrityError:
                if client_ids is not None:
                    earlier = MonthClose.objects.select_related("closed_by").get(
                        client=client, month=month
                    )
                    raise BillingRefused(
                        ALREADY_CLOSED.format(
                            month=label,
                            client=client,
                            who=_person(earlier.closed_by),
                            when=date_format(timezone.localtime(earlier.closed_at), "j M Y H:i"),
                        )
                    ) from None
        if not closes:
            raise BillingRefused(ALL_ALREADY_CLOSED.format(month=label))
        for close in closes:
            _freeze(open_view(CLIENT, client_id=close.client_id, month=month), month_close=close)
            for facilitator_id in sorted(
                facilitators_with_lines(client_id=close.client_id, month=month)
            ):
                view = open_view(
                    FACILITATOR,
                    client_id=close.client_id,
                    month=month,
                    facilitator_id=facilitator_id,
                )
                _freeze(view, month_close=close)
        return closes
