"""Helpers shared by the attendance views: the lean learner-row form."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.urls import reverse

from classes.services import LearnerEntry

FIELD_KEY = re.compile(r"^(hours|page)_(\d{1,18})$")


def entries_from_post(post, values):
    """The learner rows of the lean capture form: hours_<id> and page_<id> fields."""
    values = {pk: dict(v) for pk, v in values.items()}
    for key in post:
        match = FIELD_KEY.match(key)
        if match:
            kind, pk = match.group(1), int(match.group(2))
            values.setdefault(pk, {"hours": None, "page": None})[kind] = post.get(key)
    entries = [
        LearnerEntry(learner_id=pk, hours_present=v["hours"], page_number=v["page"])
        for pk, v in values.items()
        if f"hours_{pk}" in post or f"page_{pk}" in post
    ]
    return entries, values


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
                "absent": absent_hours(hours, value["hours"]),
                "errors": by_learner.get(row.learner.pk, {}),
            }
        )
    return rows


def absent_hours(trained, present):
    try:
        absent = trained - Decimal(str(present or "0"))
    except (InvalidOperation, ValueError):
        return ""
    return f"{absent.normalize():f}" if absent.is_finite() and 0 <= absent <= trained else ""


def detail_url(klass, session_date):
    return reverse("classes:session_detail", args=[klass.pk, session_date])
