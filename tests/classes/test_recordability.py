"""One rule decides whether a session may be recorded now (issue 10, point 2):
`classes.services.capture.recording_refusal`. The class page, the capture page and
the capture service ask it and agree on every case."""

import datetime

import pytest
from django.urls import reverse

from classes.models import AttendanceSession, Class, ScheduleException
from classes.overview import session_views
from classes.schedule import expand
from classes.selectors import recorded_sessions, schedule_spec
from classes.services import LearnerEntry, Refused, capture_session
from classes.services.capture import (
    BLOCKED,
    CLASS_NOT_ACTIVE,
    CLASS_STOPPED,
    FUTURE_DATE,
    NOT_SCHEDULED,
    recording_refusal,
)
from classes.services.schedule import rebuild_plan
from tests.classes.conftest import MONDAY, WEDNESDAY, capture_monday, roster_ids

TUESDAY = MONDAY + datetime.timedelta(days=1)
NEXT_MONDAY = MONDAY + datetime.timedelta(days=7)


def draft(klass, user):
    Class.objects.filter(pk=klass.pk).update(status=Class.Status.DRAFT)


def stopped_on_monday(klass, user):
    Class.objects.filter(pk=klass.pk).update(status=Class.Status.STOPPED, stop_date=MONDAY)


def exception_on_monday(klass, user):
    ScheduleException.objects.create(
        schedule=klass.schedule, exception_date=MONDAY, reason="Site closed for stocktake"
    )
    # As the admin's save does: the stored plan, which recording reads, follows.
    rebuild_plan(klass=klass)


def captured_on_monday(klass, user):
    capture_monday(klass, user)


def voided_back_to_pending(klass, user):
    AttendanceSession.objects.create(klass=klass, session_date=MONDAY, scheduled_hours=3)


def nothing(klass, user):
    pass


CASES = [
    # (set-up, date, may it be recorded?, the refusal's message start)
    (nothing, MONDAY, True, None),
    (nothing, WEDNESDAY, True, None),  # today
    (nothing, NEXT_MONDAY, False, FUTURE_DATE),
    (nothing, TUESDAY, False, NOT_SCHEDULED),
    (draft, MONDAY, False, CLASS_NOT_ACTIVE),
    (stopped_on_monday, MONDAY, True, None),
    (stopped_on_monday, WEDNESDAY, False, CLASS_STOPPED),
    (exception_on_monday, MONDAY, False, BLOCKED),
    (captured_on_monday, MONDAY, False, "This session was already"),
    (voided_back_to_pending, MONDAY, True, None),
]


@pytest.mark.parametrize(
    ("setup", "day", "recordable", "message"),
    CASES,
    ids=[f"{c[0].__name__}-{c[1]:%a}" for c in CASES],
)
def test_the_page_the_form_and_the_service_agree(
    client, scheduled_class, own_facilitator, setup, day, recordable, message
):
    setup(scheduled_class, own_facilitator)
    klass = Class.objects.get(pk=scheduled_class.pk)
    today = WEDNESDAY

    # The class page: the session's action.
    spec = schedule_spec(klass)
    views = session_views(klass, expand(spec) if spec else [], recorded_sessions(klass), today)
    on_page = any(v.date == day and v.can_record for v in views)

    # The capture page.
    client.force_login(own_facilitator)
    form = client.get(reverse("classes:capture", args=[klass.pk, day]))
    shows_form = form.status_code == 200

    # The service, with a valid register.
    refusal = service_refusal(klass, day, own_facilitator)

    assert (on_page, shows_form, refusal is None) == (recordable,) * 3
    if message is not None:
        assert refusal.startswith(message.split("{")[0])


def service_refusal(klass, day, user) -> str | None:
    entries = [LearnerEntry(pk, "3", "5") for pk in roster_ids(klass)]
    try:
        capture_session(klass=klass, session_date=day, recorded_by=user, entries=entries)
    except Refused as refused:
        return refused.message
    return None


def test_the_rule_is_pure_and_says_why(scheduled_class):
    planned = {p.date: p for p in expand(schedule_spec(scheduled_class))}
    ask = {
        "klass": scheduled_class,
        "has_schedule": True,
        "today": WEDNESDAY,
    }
    assert recording_refusal(session_date=MONDAY, planned=planned[MONDAY], **ask) is None
    refused = recording_refusal(
        session_date=MONDAY, planned=planned[MONDAY], user_may_open=False, **ask
    )
    assert refused.message == f"You are not a facilitator of class {scheduled_class}."
    no_schedule = recording_refusal(
        session_date=MONDAY, planned=None, **{**ask, "has_schedule": False}
    )
    assert no_schedule.message == f"Class {scheduled_class} has no schedule yet."
