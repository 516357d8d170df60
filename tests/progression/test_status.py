"""Status changes of progressions: hold, resume, complete, start a new programme."""

import datetime

import pytest
from django.core.files.storage import default_storage

from progression.models import Progression
from progression.services import (
    ALREADY_COMPLETED,
    CLASS_NOT_ON_PROGRAMME,
    DATE_BEFORE_START,
    DATE_IN_FUTURE,
    NOT_IN_PROGRESS,
    NOT_ON_HOLD,
    OTHER_IN_PROGRESS,
    PORTFOLIO_NOT_WHAT_IT_SAYS,
    RESUME_INSTEAD,
    SAME_IN_PROGRESS,
    PortfolioRejected,
    StatusChangeRefused,
    mark_complete,
    put_on_hold,
    resume,
    start_new_programme,
)
from tests.conftest import WEDNESDAY
from tests.factories import ClassFactory, EnrolmentFactory, LearningProgrammeFactory
from tests.progression.files import PDF, upload
from tests.threads import fire_at_once

pytestmark = pytest.mark.usefixtures("ledger_checked", "now")

START = datetime.date(2026, 1, 5)
MARCH_1 = datetime.date(2026, 3, 1)


@pytest.fixture
def progression(klass):
    return Progression.objects.get(learner=EnrolmentFactory(klass=klass).learner)


def refused(call, **kwargs) -> str:
    with pytest.raises(StatusChangeRefused) as error:
        call(**kwargs)
    return error.value.message


def test_put_on_hold_and_resume_keep_a_note_of_who_and_when(progression, admin_user):
    held = put_on_hold(
        progression=progression,
        effective_date=MARCH_1,
        changed_by=admin_user,
        reason="Maternity leave",
    )
    assert held.status == "on_hold"

    resumed = resume(progression=progression, effective_date=WEDNESDAY, changed_by=admin_user)

    resumed.refresh_from_db()
    assert resumed.status == "in_progress"
    assert resumed.notes.splitlines() == [
        "Put on hold on 1 March 2026 by Ayesha Patel. Reason: Maternity leave",
        "Resumed on 4 March 2026 by Ayesha Patel.",
    ]


def test_only_a_programme_in_progress_can_be_put_on_hold(progression, admin_user):
    put_on_hold(progression=progression, effective_date=MARCH_1, changed_by=admin_user)

    message = refused(
        put_on_hold, progression=progression, effective_date=MARCH_1, changed_by=admin_user
    )

    assert message == NOT_IN_PROGRESS.format(
        learner=progression.learner, programme=progression.programme, status="on hold"
    )


def test_only_a_programme_on_hold_can_be_resumed(progression, admin_user):
    message = refused(
        resume, progression=progression, effective_date=MARCH_1, changed_by=admin_user
    )

    assert message == NOT_ON_HOLD.format(
        learner=progression.learner, programme=progression.programme, status="in progress"
    )


def test_resuming_while_another_programme_is_in_progress_is_refused(klass, admin_user):
    learner = EnrolmentFactory(klass=klass).learner
    other_class = ClassFactory()
    EnrolmentFactory(learner=learner, klass=other_class, start_date=MARCH_1)  # holds the first
    first = Progression.objects.get(learner=learner, programme=klass.programme)
    assert first.status == "on_hold"

    message = refused(resume, progression=first, effective_date=WEDNESDAY, changed_by=admin_user)

    assert message == OTHER_IN_PROGRESS.format(
        learner=learner, other=other_class.programme, programme=klass.programme
    )
    first.refresh_from_db()
    assert first.status == "on_hold"


def test_mark_complete_records_the_date_and_who(progression, admin_user):
    completed = mark_complete(
        progression=progression, completion_date=MARCH_1, completed_by=admin_user
    )

    completed.refresh_from_db()
    assert (completed.status, completed.completion_date) == ("completed", MARCH_1)
    assert completed.marked_complete_by == admin_user
    assert not completed.portfolio


def test_a_programme_on_hold_can_be_completed(progression, admin_user):
    put_on_hold(progression=progression, effective_date=MARCH_1, changed_by=admin_user)

    completed = mark_complete(
        progression=progression, completion_date=WEDNESDAY, completed_by=admin_user
    )

    assert completed.status == "completed"


def test_completing_a_completed_programme_is_refused(progression, admin_user):
    mark_complete(progression=progression, completion_date=MARCH_1, completed_by=admin_user)

    message = refused(
        mark_complete, progression=progression, completion_date=WEDNESDAY, completed_by=admin_user
    )

    assert message == ALREADY_COMPLETED.format(
        learner=progression.learner, programme=progression.programme, date="1 March 2026"
    )
    progression.refresh_from_db()
    assert progression.completion_date == MARCH_1


@pytest.mark.parametrize(
    ("day", "template"),
    [
        (datetime.date(2026, 1, 4), DATE_BEFORE_START),
        (datetime.date(2026, 3, 5), DATE_IN_FUTURE),  # tomorrow in Johannesburg
    ],
)
def test_dates_before_the_start_or_in_the_future_are_refused(
    progression, admin_user, day, template
):
    for call, kwargs in [
        (mark_complete, {"completion_date": day, "completed_by": admin_user}),
        (put_on_hold, {"effective_date": day, "changed_by": admin_user}),
    ]:
        message = refused(call, progression=progression, **kwargs)
        assert message == template.format(
            date=f"{day.day} {day:%B} 2026",
            learner=progression.learner,
            programme=progression.programme,
            start="5 January 2026",
        )
    progression.refresh_from_db()
    assert progression.status == "in_progress"


def test_the_portfolio_is_stored_through_the_storage_api(progression, admin_user, media_root):
    completed = mark_complete(
        progression=progression,
        completion_date=MARCH_1,
        completed_by=admin_user,
        portfolio=upload("Zanele's portfolio.pdf", PDF),
    )

    completed.refresh_from_db()
    name = completed.portfolio.name
    assert name.startswith(f"portfolios/learner-{progression.learner_id}/")
    assert name.endswith(".pdf")
    assert "Zanele" not in name  # stored under a name of ours
    assert default_storage.open(name).read() == PDF
    assert (media_root / name).is_file()


def test_a_bad_portfolio_completes_nothing(progression, admin_user, media_root):
    with pytest.raises(PortfolioRejected) as error:
        mark_complete(
            progression=progression,
            completion_date=MARCH_1,
            completed_by=admin_user,
            portfolio=upload("portfolio.docx", PDF),
        )

    assert error.value.message == PORTFOLIO_NOT_WHAT_IT_SAYS.format(
        name="portfolio.docx", kind="DOCX"
    )
    progression.refresh_from_db()
    assert progression.status == "in_progress"
    assert not media_root.exists() or not any(media_root.rglob("*.*"))


def test_starting_a_new_programme_puts_the_current_one_on_hold(progression, admin_user):
    programme = LearningProgrammeFactory()

    started = start_new_programme(
        learner=progression.learner,
        programme=programme,
        start_date=MARCH_1,
        started_by=admin_user,
    )

    assert started.progression.programme == programme
    assert started.progression.status == "in_progress"
    assert started.progression.start_date == MARCH_1
    assert started.put_on_hold.pk == progression.pk
    assert started.put_on_hold.status == "on_hold"
    assert "Put on hold on 2026-03-01: started" in started.put_on_hold.notes


def test_starting_the_programme_in_progress_again_is_refused(progression, admin_user):
    message = refused(
        start_new_programme,
        learner=progression.learner,
        programme=progression.programme,
        start_date=MARCH_1,
        started_by=admin_user,
    )

    assert message == SAME_IN_PROGRESS.format(
        learner=progression.learner, programme=progression.programme
    )


def test_a_programme_on_hold_is_resumed_not_started_again(progression, admin_user):
    put_on_hold(progression=progression, effective_date=MARCH_1, changed_by=admin_user)

    message = refused(
        start_new_programme,
        learner=progression.learner,
        programme=progression.programme,
        start_date=WEDNESDAY,
        started_by=admin_user,
    )

    assert message == RESUME_INSTEAD.format(
        learner=progression.learner, programme=progression.programme
    )
    assert Progression.objects.filter(learner=progression.learner).count() == 1


def test_the_class_must_follow_the_programme(progression, admin_user):
    other = ClassFactory()

    message = refused(
        start_new_programme,
        learner=progression.learner,
        programme=LearningProgrammeFactory(),
        start_date=MARCH_1,
        klass=other,
        started_by=admin_user,
    )

    assert message.startswith(f"Class {other} follows {other.programme}, not ")
    assert CLASS_NOT_ON_PROGRAMME.startswith("Class {klass} follows")


@pytest.mark.django_db(transaction=True)
def test_two_resumes_for_one_learner_at_once_leave_one_in_progress(klass, admin_user):
    learner = EnrolmentFactory(klass=klass).learner
    other_class = ClassFactory()
    EnrolmentFactory(learner=learner, klass=other_class, start_date=MARCH_1)
    second = Progression.objects.get(learner=learner, programme=other_class.programme)
    put_on_hold(progression=second, effective_date=WEDNESDAY, changed_by=admin_user)
    both = list(Progression.objects.filter(learner=learner).order_by("pk"))
    assert [p.status for p in both] == ["on_hold", "on_hold"]

    results = fire_at_once(
        [
            lambda p=p: resume(progression=p, effective_date=WEDNESDAY, changed_by=admin_user)
            for p in both
        ]
    )

    assert sorted(type(r).__name__ for r in results) == ["Progression", "StatusChangeRefused"]
    statuses = Progression.objects.filter(learner=learner).values_list("status", flat=True)
    assert sorted(statuses) == ["in_progress", "on_hold"]
