"""Manual hours are dated on a day the progression was running: not in the future (the
site's local date), not before the progression started (issue 9, finding 6). The rule
lives in ProgressionService; the admin's form shows its message."""

import datetime

import pytest
from django.urls import reverse
from django.utils.formats import date_format

from progression.models import HoursLog, Progression
from progression.services import (
    HOURS_BEFORE_START,
    HOURS_IN_FUTURE,
    HoursEntry,
    InvalidHours,
    ProgressionService,
)
from tests.conftest import WEDNESDAY
from tests.factories import EnrolmentFactory

pytestmark = pytest.mark.usefixtures("ledger_checked", "now")

START = datetime.date(2026, 1, 5)  # EnrolmentFactory's start date


@pytest.fixture
def learner(klass):
    return EnrolmentFactory(klass=klass).learner


def log_manual(learner, day):
    return ProgressionService.log_hours_batch(
        entries=[HoursEntry(learner.pk, 2, 2, "Catch-up")], log_date=day
    )


def before_start(learner, day):
    programme = Progression.objects.get(learner=learner).programme
    return HOURS_BEFORE_START.format(
        learner=learner,
        date=date_format(day),
        programme=programme,
        start=date_format(START),
    )


@pytest.mark.parametrize(
    "day",
    [datetime.date(1, 1, 1), datetime.date(2025, 12, 31), START - datetime.timedelta(days=1)],
)
def test_hours_dated_before_the_progression_started_are_refused(learner, day):
    with pytest.raises(InvalidHours) as error:
        log_manual(learner, day)

    assert error.value.message == before_start(learner, day)
    assert error.value.learner_id == learner.pk
    assert not HoursLog.objects.exists()


def test_hours_dated_in_the_future_are_refused_by_the_site_date(learner, time_machine):
    # 23:30 in Johannesburg is 21:30 UTC: "tomorrow" is the site's tomorrow.
    time_machine.move_to(datetime.datetime(2026, 3, 4, 21, 30, tzinfo=datetime.UTC), tick=False)
    tomorrow = datetime.date(2026, 3, 5)

    with pytest.raises(InvalidHours) as error:
        log_manual(learner, tomorrow)

    assert error.value.message == HOURS_IN_FUTURE.format(
        learner=learner, date=date_format(tomorrow)
    )
    assert not HoursLog.objects.exists()


@pytest.mark.parametrize("day", [START, WEDNESDAY])
def test_hours_from_the_start_date_to_today_are_logged(learner, day):
    (row,) = log_manual(learner, day)

    assert row.log_date == day


def test_the_legacy_call_is_refused_before_a_progression_starting_later(klass):
    # Enrolled from next Monday: nothing can have been trained for it today.
    learner = EnrolmentFactory(klass=klass, start_date=datetime.date(2026, 3, 9)).learner

    with pytest.raises(InvalidHours) as error:
        ProgressionService.log_hours(learner, 3, 3)

    assert "before" in error.value.message
    assert str(learner) in error.value.message
    assert not HoursLog.objects.exists()


def manual_hours(client, learner, log_date):
    return client.post(
        reverse("admin:progression_hourslog_manual"),
        {
            "learner": learner.pk,
            "log_date": log_date.isoformat(),
            "hours_trained": "2",
            "hours_present": "2",
            "notes": "Catch-up lesson at head office",
        },
    )


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (datetime.date(1, 1, 1), before_start),
        (
            datetime.date(2026, 3, 5),
            lambda learner, day: HOURS_IN_FUTURE.format(learner=learner, date=date_format(day)),
        ),
    ],
)
def test_the_admin_form_shows_the_services_message(client, admin_user, learner, day, message):
    client.force_login(admin_user)

    response = manual_hours(client, learner, day)

    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert errors == [message(learner, day)]
    assert not HoursLog.objects.exists()
