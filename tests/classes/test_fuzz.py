"""Hypothesis-generated POST bodies against capture, not held, correct and void.

Whatever arrives — missing fields, wrong types, huge or negative numbers, NaN, other
classes' learner ids, duplicated rows — the answer is never a 500, and a request that
is not a success writes nothing. Each example runs in a savepoint that is rolled
back, so every example starts from the same database.
"""

import pytest
from django.contrib import messages
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from classes.models import AttendanceSession, LearnerAttendance, SessionHistory
from classes.services import LearnerEntry, capture_session
from progression.models import HoursLog, Progression
from progression.selectors import ledger_mismatches
from tests.classes.conftest import MONDAY, WEDNESDAY, roster_ids
from tests.classes.test_views import urls
from tests.clients import FormClient
from tests.factories import EnrolmentFactory

pytestmark = pytest.mark.django_db

NUMBERS = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["", " ", "0", "0.5", "3", "3.0", "2,5", "1e9999", "-0", "NaN", "½", "٣"]),
)
VALUES = st.one_of(NUMBERS, st.text(max_size=30), st.text(min_size=500, max_size=3000))


class Rollback(Exception):
    pass


def fuzz_settings(examples):
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


def state():
    return (
        list(AttendanceSession.objects.order_by("pk").values_list("status", "version")),
        list(LearnerAttendance.objects.order_by("pk").values_list("hours_present", "page_number")),
        HoursLog.objects.count(),
        SessionHistory.objects.count(),
        list(Progression.objects.order_by("pk").values_list("hours_trained", "hours_present")),
    )


def check_post(client, url, body):
    """POST in a savepoint rolled back afterwards; assert the invariants."""
    try:
        with transaction.atomic():
            before = state()
            response = client.post(url, body)
            assert response.status_code < 500, (url, body)
            succeeded = any(
                m.level == messages.SUCCESS for m in messages.get_messages(response.wsgi_request)
            )
            if not succeeded:
                # Refused (400, 403, 404 or a redirect with a warning): nothing written.
                assert state() == before, (url, body, response.status_code)
            assert ledger_mismatches() == []
            raise Rollback
    except Rollback:
        pass


@st.composite
def learner_rows(draw, own_ids, foreign_ids):
    """hours_<id> / page_<id> fields for own, foreign, made-up and duplicated ids."""
    ids = draw(
        st.lists(
            st.one_of(
                st.sampled_from(own_ids),
                st.sampled_from(foreign_ids),
                st.integers(min_value=0, max_value=10**20),
            ),
            max_size=6,
        )
    )
    body = {}
    for pk in ids:
        if draw(st.booleans()):
            body[f"hours_{pk}"] = draw(VALUES)
        if draw(st.booleans()):
            body[f"page_{pk}"] = draw(VALUES)
    extra_keys = st.sampled_from(
        ["everyone_absent", "confirm_lower_pages", "status", "reason", "version", "notes",
         "hours_", "page_x", "hours_-1", "csrfmiddlewaretoken"]
    )  # fmt: skip
    body.update(draw(st.dictionaries(extra_keys, VALUES, max_size=4)))
    return body


@pytest.fixture
def setup(scheduled_class, own_facilitator, admin_user):
    """Monday is captured (for corrections and voids); Wednesday is pending."""
    capture_session(
        klass=scheduled_class,
        session_date=MONDAY,
        recorded_by=own_facilitator,
        entries=[LearnerEntry(pk, "3", "5") for pk in roster_ids(scheduled_class)],
    )
    foreign = [EnrolmentFactory().learner_id for _ in range(2)]
    facilitator, admin = FormClient(), FormClient()
    facilitator.force_login(own_facilitator)
    admin.force_login(admin_user)
    return scheduled_class, roster_ids(scheduled_class), foreign, facilitator, admin


def test_capture_and_not_held_posts(setup):
    klass, own, foreign, facilitator, _ = setup
    pending = urls(klass, WEDNESDAY)

    @fuzz_settings(50)
    @given(body=learner_rows(own, foreign), target=st.sampled_from(["capture", "not_held"]))
    def run(body, target):
        check_post(facilitator, pending[target], body)

    run()


def test_correct_and_void_posts(setup):
    klass, own, foreign, facilitator, admin = setup
    captured = urls(klass, MONDAY)
    version = str(AttendanceSession.objects.get(session_date=MONDAY).version)

    @fuzz_settings(50)
    @given(
        body=learner_rows(own, foreign),
        keep_version=st.booleans(),
        target=st.sampled_from([("correct", 0), ("correct", 1), ("void", 1)]),
    )
    def run(body, keep_version, target):
        name, who = target
        if keep_version:
            body = body | {"version": version}
        check_post([facilitator, admin][who], captured[name], body)

    run()


def test_another_classes_session_ids_are_404(setup, other_facilitator):
    klass, own, _, _, _ = setup
    stranger = FormClient()
    stranger.force_login(other_facilitator)

    @fuzz_settings(15)
    @given(
        body=learner_rows(own, own),
        name=st.sampled_from(["capture", "not_held", "correct", "void"]),
    )
    def run(body, name):
        response = stranger.post(urls(klass, MONDAY)[name], body)
        # NUL anywhere is refused before any view runs (RefuseMalformedParameters-
        # Middleware), which tells the stranger nothing about the class either.
        holds_nul = any("\x00" in text for pair in body.items() for text in pair)
        assert response.status_code == (400 if holds_nul else 404)

    run()
