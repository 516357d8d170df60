"""The office's report of captured sessions still missing their signed register."""

import csv
import io

import pytest
from django.urls import reverse

from classes.services import mark_session_not_held, void_session
from classes.services.signed_registers import upload_signed_register
from reports import missing_registers as missing
from tests.classes.conftest import MONDAY, WEDNESDAY, capture_monday, roster_ids
from tests.classes.scan_files import PDF, upload
from tests.factories import ClassFactory, EnrolmentFactory, ScheduleFactory

pytestmark = pytest.mark.usefixtures("ledger_checked", "media_root", "now")

URL = reverse("reports:missing_signed_registers")
CSV_URL = reverse("reports:missing_signed_registers_csv")


def capture(klass, user, day):
    from classes.services import LearnerEntry, capture_session

    return capture_session(
        klass=klass,
        session_date=day,
        recorded_by=user,
        entries=[LearnerEntry(pk, "3", "5") for pk in roster_ids(klass)],
    )


def scan(klass, user, day=MONDAY):
    return upload_signed_register(
        klass=klass, session_date=day, file=upload("r.pdf", PDF), uploaded_by=user
    )


@pytest.fixture
def two_classes(scheduled_class, own_facilitator, other_facilitator):
    """The own class captured on Monday (scanned) and Wednesday (not scanned); another
    facilitator's class captured on Monday (not scanned)."""
    other = ClassFactory(facilitator=other_facilitator)
    ScheduleFactory(klass=other)
    EnrolmentFactory(klass=other)
    capture_monday(scheduled_class, own_facilitator)
    capture(scheduled_class, own_facilitator, WEDNESDAY)
    capture(other, other_facilitator, MONDAY)
    scan(scheduled_class, own_facilitator, MONDAY)
    return scheduled_class, other


def test_captured_sessions_without_a_scan_are_listed_oldest_first(two_classes):
    own, other = two_classes

    rows = list(missing.missing_signed_registers(using="default"))

    assert [(r.klass, r.session_date) for r in rows] == [(other, MONDAY), (own, WEDNESDAY)]
    assert [r.learner_count for r in rows] == [1, 3]


def test_not_held_and_voided_sessions_have_no_register_to_chase(
    scheduled_class, own_facilitator, admin_user
):
    capture_monday(scheduled_class, own_facilitator)
    mark_session_not_held(
        klass=scheduled_class,
        session_date=WEDNESDAY,
        recorded_by=own_facilitator,
        status="client_cancelled",
    )
    assert len(missing.missing_signed_registers(using="default")) == 1

    void_session(
        klass=scheduled_class,
        session_date=MONDAY,
        voided_by=admin_user,
        reason="Wrong class",
        expected_version=scheduled_class.sessions.get(session_date=MONDAY).version,
    )

    assert list(missing.missing_signed_registers(using="default")) == []


def test_the_page_lists_links_and_filters(client, admin_user, two_classes, other_facilitator):
    own, other = two_classes
    client.force_login(admin_user)

    page = client.get(URL)
    mine = client.get(URL, {"facilitator": other_facilitator.pk})

    assert page.status_code == 200
    content = page.content.decode()
    assert "2</strong> captured sessions without a signed register" in content
    assert reverse("classes:session_detail", args=[own.pk, WEDNESDAY]) in content
    assert reverse("classes:session_detail", args=[other.pk, MONDAY]) in content
    assert reverse("classes:session_detail", args=[own.pk, MONDAY]) not in content
    assert [s.klass for s, _ in mine.context["rows"]] == [other]
    # Waiting: days since the session, on the pinned day (Wednesday 4 March).
    assert [days for _, days in page.context["rows"]] == [2, 0]
    for bad in ["x", "²", "-1", "9" * 30]:
        assert client.get(URL, {"facilitator": bad, "page": bad}).status_code == 200


def test_the_csv_has_the_same_rows(client, admin_user, two_classes):
    own, other = two_classes
    client.force_login(admin_user)

    response = client.get(CSV_URL)

    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == missing.CSV_HEADER
    assert [(r[1], r[3], r[4], r[7]) for r in rows[1:]] == [
        (other.code, "2026-03-02", "1", "2"),
        (own.code, "2026-03-04", "3", "0"),
    ]


def test_the_reports_index_links_to_it(client, admin_user):
    client.force_login(admin_user)
    assert URL in client.get(reverse("reports:index")).content.decode()


def test_facilitators_may_not_open_it(client, own_facilitator):
    client.force_login(own_facilitator)
    assert client.get(URL).status_code == 403
    assert client.get(CSV_URL).status_code == 403
