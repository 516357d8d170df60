"""The facilitators' statements (issue 14): their list, one statement with its
claim, its PDF and CSV, and the two writes on it (the facilitator's claim, the
office's review).

Plumbing only: check who asks (the statement's own facilitator, or an office
admin with billing.view_statement; anyone else gets 404, as for another
facilitator's class), read the statement (billing.statements), parse the form,
call one service (billing.services) with the form's one-time key, redirect with a
message. A refusal shows the statement again with the reason (400); nothing was
written.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_GET, require_POST

from attendance_project.errors import ServiceError
from attendance_project.parsing import (
    attachment_header,
    clean_text,
    parse_choice,
    parse_decimal,
    parse_int,
    parse_month,
)
from billing.documents import statement_context, statement_csv, statement_pdf
from billing.models import REVIEW_CLAIMS, VIEW_STATEMENTS, ClaimAction
from billing.services import (
    CLAIM_HOURS_INVALID,
    DISPUTE_NEEDS_NOTE,
    REVIEW_NOT_ALLOWED,
    claim_history,
    claim_state,
    review_claim,
    submit_claim,
)
from billing.statement_rows import facilitator_rows, month_rows, person
from billing.statements import FACILITATOR, hours_text, previous_month, statement_view
from classes.closed_months import MonthClose
from learners.models import Client
from submissions.http import form_key, replay_response, submitted_key
from submissions.keys import AlreadySubmitted, issue_key

NOTES_MAX_LENGTH = 2000
# The most hours anyone could claim (submit_claim refuses more).
MAX_CLAIMED_HOURS = Decimal("9999")

CLAIM_SUBMITTED = (
    "Your claim of {hours} h for {month} ({client}) is submitted; the office will review it."
)
CLAIM_REVIEWED = "{name}'s claim for {month} ({client}) is {action}."
STEP_INVALID = (
    "This form was sent without the claim's state, so it was not saved. "
    "Reload the page and submit it again."
)
DECISION_INVALID = "Decision: choose Approve or Dispute."
NOT_YOUR_STATEMENT = "Only {name} can claim hours on their own statement."
MONTH_INVALID = "“{value}” is not a month (YYYY-MM); showing {month} instead."

# Which field a refusal is about (its id in the page), for the form to mark it and
# the summary to link to it.
FIELD_OF_MESSAGE = {CLAIM_HOURS_INVALID: "claimed-hours", DISPUTE_NEEDS_NOTE: "review-notes"}

APPROVE, DISPUTE = "approve", "dispute"


# ---- Who may see which statement


def _statement_parties(request, facilitator_id: int, client_id: int):
    """The client and facilitator of the statement, if the user may see it: its own
    facilitator, or an office admin (who may open anyone's). 404 otherwise, and for
    a client or facilitator that does not exist."""
    client = Client.objects.filter(pk=client_id).first()
    if client is None:
        raise Http404("No such client.")
    user = request.user
    if user.pk == facilitator_id:
        return client, user
    if user.has_perm(VIEW_STATEMENTS):
        facilitator = get_user_model().objects.filter(pk=facilitator_id).first()
        if facilitator is not None:
            return client, facilitator
    raise Http404("No such statement.")


def statement_url(
    facilitator_id: int, client_id: int, month: datetime.date, name: str = "facilitator_statement"
) -> str:
    """The URL of the statement (or, by `name`, of its files and forms)."""
    return reverse(f"billing:{name}", args=[facilitator_id, client_id, month])


# ---- The list


def _month_from_query(request) -> datetime.date:
    """?month=YYYY-MM; last month when absent, or (with a message) not a month."""
    default = previous_month(timezone.localdate())
    value = request.GET.get("month")
    if value in (None, ""):
        return default
    parsed = parse_month(value)
    if parsed is None:
        messages.warning(
            request, MONTH_INVALID.format(value=str(value)[:20], month=date_format(default, "F Y"))
        )
        return default
    return datetime.date(parsed[0], parsed[1], 1)


@login_required
@require_GET
def my_statements(request):
    if request.user.has_perm(VIEW_STATEMENTS):
        month = _month_from_query(request)
        context = {
            "office": True,
            "month": month,
            "previous_month": previous_month(month),
            "next_month": (month + datetime.timedelta(days=32)).replace(day=1),
            "rows": month_rows(month=month),
        }
    else:
        context = {
            "office": False,
            "rows": facilitator_rows(facilitator=request.user, today=timezone.localdate()),
        }
    return render(request, "billing/facilitator_statements.html", context)


# ---- One statement


def _key_for(request, url: str) -> str:
    """The one-time key of the form that posts to `url`: the posted one again after
    a refusal of that form (nothing was recorded), else a new one."""
    if request.method == "POST" and request.path == url:
        return form_key(request)
    return issue_key(user=request.user, purpose=url)


def _parts(text: str, size: int) -> list[str]:
    return [text[start : start + size] for start in range(0, len(text), size)]


def statement_page(request, client, facilitator, month: datetime.date, problems=(), status=200):
    """The statement, its claim and the forms on it; after a refused write, with the
    reasons and what was typed."""
    view = statement_view(
        FACILITATOR, client_id=client.pk, month=month, facilitator_id=facilitator.pk
    )
    state = claim_state(facilitator_id=facilitator.pk, client_id=client.pk, month=month)
    claimed = state.submitted.claimed_hours if state.submitted else None
    discrepancy = None if claimed is None else claimed - view.hours
    own = request.user.pk == facilitator.pk
    claim_url = statement_url(facilitator.pk, client.pk, month, "submit_claim")
    review_url = statement_url(facilitator.pk, client.pk, month, "review_claim")
    can_claim = (
        own and state.status != ClaimAction.Action.APPROVED and bool(view.all_lines or state.latest)
    )
    can_review = (
        request.user.has_perm(REVIEW_CLAIMS) and state.status == ClaimAction.Action.SUBMITTED
    )
    posted = request.POST if request.method == "POST" else {}
    context = {
        **statement_context(view),
        "month": month,
        "close": MonthClose.objects.filter(client=client, month=month)
        .select_related("closed_by")
        .first(),
        # Break points for a phone's width, none in the copied text.
        "checksum_parts": _parts(view.stored.checksum, 16) if view.stored else [],
        "state": state,
        "history": claim_history(facilitator_id=facilitator.pk, client_id=client.pk, month=month),
        "claimed": claimed,
        "discrepancy": discrepancy,
        "discrepancy_size": None if discrepancy is None else abs(discrepancy),
        "own": own,
        "can_claim": can_claim,
        "can_review": can_review,
        "claim_url": claim_url,
        "review_url": review_url,
        "claim_key": _key_for(request, claim_url) if can_claim else "",
        "review_key": _key_for(request, review_url) if can_review else "",
        "claimed_value": posted.get("claimed_hours")
        if request.path == claim_url
        else ("" if claimed is None else hours_text(claimed)),
        "notes_value": posted.get("notes", "") if request.path == claim_url else "",
        "review_notes_value": posted.get("notes", "") if request.path == review_url else "",
        "notes_max_length": NOTES_MAX_LENGTH,
        "pdf_url": statement_url(facilitator.pk, client.pk, month, "facilitator_statement_pdf"),
        "csv_url": statement_url(facilitator.pk, client.pk, month, "facilitator_statement_csv"),
        "list_url": reverse("billing:my_statements"),
        "problems": [(message, FIELD_OF_MESSAGE.get(message)) for message in problems],
        "problem_fields": {FIELD_OF_MESSAGE.get(message) for message in problems} - {None},
    }
    return render(request, "billing/facilitator_statement.html", context, status=status)


@login_required
@require_GET
def facilitator_statement(request, facilitator_id: int, client_id: int, month: datetime.date):
    client, facilitator = _statement_parties(request, facilitator_id, client_id)
    return statement_page(request, client, facilitator, month)


# ---- Its files


def _filename(facilitator, client, month: datetime.date, extension: str) -> str:
    return f"statement-{person(facilitator)}-{client.name}-{month:%Y-%m}.{extension}"


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = attachment_header(filename)
    # Names and money: no shared cache keeps it, no browser stores it on disk (as
    # attendance_project.middleware.PrivateCacheMiddleware does for every page).
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def facilitator_statement_pdf(request, facilitator_id: int, client_id: int, month: datetime.date):
    """A closed month's stored PDF, byte for byte; an open month's, made now."""
    client, facilitator = _statement_parties(request, facilitator_id, client_id)
    view = statement_view(
        FACILITATOR, client_id=client.pk, month=month, facilitator_id=facilitator.pk
    )
    content = bytes(view.stored.pdf) if view.stored is not None else statement_pdf(view)
    return _download(content, "application/pdf", _filename(facilitator, client, month, "pdf"))


@login_required
@require_GET
def facilitator_statement_csv(request, facilitator_id: int, client_id: int, month: datetime.date):
    """A closed month's stored CSV, byte for byte; an open month's, made now."""
    client, facilitator = _statement_parties(request, facilitator_id, client_id)
    view = statement_view(
        FACILITATOR, client_id=client.pk, month=month, facilitator_id=facilitator.pk
    )
    content = bytes(view.stored.csv) if view.stored is not None else statement_csv(view).encode()
    return _download(
        content, "text/csv; charset=utf-8", _filename(facilitator, client, month, "csv")
    )


# ---- The writes


def _expected_step(request) -> int:
    step = parse_int(request.POST.get("step"))
    if step is None:
        raise ServiceError(STEP_INVALID)
    return step


@login_required
@require_POST
def submit_claim_view(request, facilitator_id: int, client_id: int, month: datetime.date):
    client, facilitator = _statement_parties(request, facilitator_id, client_id)
    if request.user.pk != facilitator.pk:
        raise PermissionDenied(NOT_YOUR_STATEMENT.format(name=person(facilitator)))
    outcome_url = statement_url(facilitator.pk, client.pk, month)
    try:
        submission = submitted_key(request, outcome_url=outcome_url)
        claimed = parse_decimal(
            request.POST.get("claimed_hours"), min_value=Decimal("0"), max_value=MAX_CLAIMED_HOURS
        )
        if claimed is None:
            raise ServiceError(CLAIM_HOURS_INVALID)
        submit_claim(
            facilitator=request.user,
            client_id=client.pk,
            month=month,
            claimed_hours=claimed,
            notes=clean_text(request.POST.get("notes"), max_length=NOTES_MAX_LENGTH),
            expected_step=_expected_step(request),
            submission=submission,
        )
    except AlreadySubmitted as replay:
        return replay_response(request, replay)
    # InvalidSubmission, BillingRefused and this view's own refusals alike.
    except ServiceError as refused:
        return statement_page(request, client, facilitator, month, [refused.message], status=400)
    messages.success(
        request,
        CLAIM_SUBMITTED.format(
            hours=hours_text(claimed),
            month=date_format(month, "F Y"),
            client=client.name,
        ),
    )
    return redirect(outcome_url)


@login_required
@require_POST
def review_claim_view(request, facilitator_id: int, client_id: int, month: datetime.date):
    client, facilitator = _statement_parties(request, facilitator_id, client_id)
    if not request.user.has_perm(REVIEW_CLAIMS):
        raise PermissionDenied(REVIEW_NOT_ALLOWED)
    outcome_url = statement_url(facilitator.pk, client.pk, month)
    try:
        submission = submitted_key(request, outcome_url=outcome_url)
        decision = parse_choice(request.POST.get("decision"), (APPROVE, DISPUTE))
        if decision is None:
            raise ServiceError(DECISION_INVALID)
        action = review_claim(
            reviewer=request.user,
            facilitator_id=facilitator.pk,
            client_id=client.pk,
            month=month,
            approve=decision == APPROVE,
            notes=clean_text(request.POST.get("notes"), max_length=NOTES_MAX_LENGTH),
            expected_step=_expected_step(request),
            submission=submission,
        )
    except AlreadySubmitted as replay:
        return replay_response(request, replay)
    # InvalidSubmission, BillingRefused and this view's own refusals alike.
    except ServiceError as refused:
        return statement_page(request, client, facilitator, month, [refused.message], status=400)
    messages.success(
        request,
        CLAIM_REVIEWED.format(
            name=person(facilitator),
            month=date_format(month, "F Y"),
            client=client.name,
            action=action.get_action_display().lower(),
        ),
    )
    return redirect(outcome_url)
