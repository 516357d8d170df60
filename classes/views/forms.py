"""Helpers shared by the attendance views: the lean learner-row form."""

from __future__ import annotations

import re
from decimal import Decimal

from django.urls import reverse

from attendance_project.parsing import parse_decimal
from classes.drafts import draft_key, session_drafts
from classes.models import AbsenceReason
from classes.services import LearnerEntry

# Every field that claims to be a learner's: its suffix must be a learner id, written
# the one way the form writes it (ASCII digits, no leading zero).
LEARNER_FIELD = re.compile(r"^(hours|page|absence|remark)_(.*)$", re.DOTALL)
KINDS = ("hours", "page", "absence", "remark")
CANONICAL_ID = re.compile(r"^[1-9][0-9]{0,17}$")
ANY_ID = re.compile(r"^[0-9]{1,18}$")
STRAY_FIELD = "The form sent a field that is not one of its own ({field}); nothing was saved."


def entries_from_post(post, values):
    """The learner rows of the lean capture form: hours_<id>, page_<id>, and the
    absence reason and remark, absence_<id> and remark_<id> (issue 12, point 6).

    Returns (entries, values, stray). A learner whose hours or page arrive more than
    once, whether repeated (`hours_5=3&hours_5=0`) or under another spelling of their
    id (`hours_05`), gets an entry marked `repeated`: the service then refuses the
    whole submit naming them, instead of one value silently winning. `stray` lists
    fields shaped like learner fields that name no learner id at all.
    """
    values = {pk: dict(v) for pk, v in values.items()}
    sent: dict[int, dict[str, int]] = {}
    stray: list[str] = []
    for key in post:
        match = LEARNER_FIELD.match(key)
        if not match:
            continue
        kind, suffix = match.groups()
        if not ANY_ID.match(suffix):
            stray.append(key[:40])
            continue
        pk = int(suffix)
        count = len(post.getlist(key)) + (0 if CANONICAL_ID.match(suffix) else 1)
        counts = sent.setdefault(pk, dict.fromkeys(KINDS, 0))
        counts[kind] += count
        values.setdefault(pk, dict.fromkeys(KINDS))[kind] = post.getlist(key)[0]
    entries = [
        LearnerEntry(
            learner_id=pk,
            hours_present=values[pk].get("hours"),
            page_number=values[pk].get("page"),
            repeated=max(counts.values()) > 1,
            absence_reason=values[pk].get("absence"),
            absence_remark=values[pk].get("remark"),
        )
        for pk, counts in sent.items()
    ]
    return entries, values, stray


def capture_rows(learners, values, problems, hours):
    by_learner = {}
    for problem in problems:
        if problem.learner_id is not None:
            by_learner.setdefault(problem.learner_id, {}).setdefault(problem.field, []).append(
                problem.message
            )
    rows = []
    for row in learners:
        value = values.get(row.learner.pk, {"hours": "0", "page": ""})
        rows.append(
            {
                "roster": row,
                "hours": value["hours"] if value["hours"] is not None else "",
                "page": value["page"] or "",
                "absence": value.get("absence") or "",
                "remark": value.get("remark") or "",
                "absent": absent_hours(hours, value["hours"]),
                "errors": by_learner.get(row.learner.pk, {}),
            }
        )
    return rows


# The absence reason's choices as the capture and correction forms list them; the
# empty choice is "no reason" (optional).
ABSENCE_CHOICES = [("", "No reason"), *AbsenceReason.choices]


def absent_hours(trained, present):
    present = parse_decimal(present, min_value=Decimal("0"), blank=Decimal("0"))
    if present is None:  # e.g. "1E+999999999": no arithmetic on it (it would overflow)
        return ""
    absent = trained - present
    return f"{absent.normalize():f}" if absent.is_finite() and 0 <= absent <= trained else ""


def detail_url(klass, session_date):
    return reverse("classes:session_detail", args=[klass.pk, session_date])


def drafts_context(request, klass, session_date, *, kind=None):
    """What static/js/drafts.js needs on a session's page and its forms (issue 13): the
    form's draft key (`kind`: classes.drafts.CAPTURE or CORRECTION) and the user's
    submits confirmed for this session, whose drafts are done with."""
    context = {
        "drafts": session_drafts(
            user=request.user,
            class_id=klass.pk,
            session_date=session_date,
            outcome_url=detail_url(klass, session_date),
        )
    }
    if kind is not None:
        context["draft_key"] = draft_key(
            user=request.user, class_id=klass.pk, session_date=session_date, kind=kind
        )
    return context
