"""A learner's own record on request (POPIA s23, issue 16): everything held about the
learner in one JSON file, the access log included (and this request logged first,
so the file lists it too)."""

from __future__ import annotations

import json

from django.contrib.auth.models import User
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from classes.models import Enrolment, LearnerAttendance, SessionHistoryChange
from learners.models import Learner
from progression.models import HoursLog, Progression, ProgressionStatusChange
from records import access
from records.models import AccessLog


def _rows(queryset, fields: list[str]) -> list[dict]:
    return list(queryset.values(*fields))


def subject_access_data(learner: Learner) -> dict:
    attendance = (
        LearnerAttendance.objects.filter(learner=learner)
        .select_related("session__klass")
        .order_by("session_date", "id")
    )
    return {
        "produced_at": timezone.now(),
        "learner": model_to_dict(learner) | {"employer": str(learner.employer or "")},
        "enrolments": _rows(
            Enrolment.objects.filter(learner=learner).order_by("start_date", "id"),
            ["klass__code", "klass__programme__name", "start_date", "end_date", "status"],
        ),
        "progressions": _rows(
            Progression.objects.filter(learner=learner).order_by("start_date", "id"),
            [
                "programme__code",
                "programme__name",
                "status",
                "start_date",
                "completion_date",
                "hours_trained",
                "hours_present",
                "notes",
            ],
        ),
        "progression_status_changes": _rows(
            ProgressionStatusChange.objects.filter(progression__learner=learner).order_by(
                "changed_at", "id"
            ),
            [
                "progression__programme__code",
                "old_status",
                "new_status",
                "effective_date",
                "reason",
                "changed_at",
            ],
        ),  # fmt: skip
        "attendance": [
            {
                "class": a.session.klass.code,
                "session_date": a.session_date,
                "hours_trained": a.hours_trained,
                "hours_present": a.hours_present,
                "last_completed_page": a.page_number,
                "absence_reason": a.absence_reason,
                "absence_remark": a.absence_remark,
            }
            for a in attendance
        ],
        "attendance_changes": _rows(
            SessionHistoryChange.objects.filter(learner=learner).order_by(
                "entry__changed_at", "id"
            ),
            [
                "entry__session__klass__code",
                "entry__session__session_date",
                "entry__action",
                "entry__reason",
                "entry__changed_at",
                "hours_before",
                "hours_after",
                "page_before",
                "page_after",
                "reason_before",
                "reason_after",
                "remark_before",
                "remark_after",
            ],
        ),  # fmt: skip
        "hours_log": _rows(
            HoursLog.objects.filter(learner=learner).order_by("log_date", "id"),
            ["log_date", "hours_trained", "hours_present", "source", "notes", "created_at"],
        ),
        "access_log": _rows(
            AccessLog.objects.filter(learner=learner).order_by("at", "id"),
            ["at", "by", "action", "what", "page"],
        ),
    }


def subject_access_file(
    *, learner: Learner, page: str, user: User | None = None, by: str | None = None
) -> str:
    """The file's text; the request is logged (in the same transaction) before the
    access log is read, so the file shows it."""
    with transaction.atomic():
        access.log_access(
            [learner.pk],
            action=AccessLog.Action.SUBJECT_ACCESS,
            what=access.SUBJECT_ACCESS_FILE,
            page=page,
            user=user,
            by=by,
        )
        data = subject_access_data(learner)
    return json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
