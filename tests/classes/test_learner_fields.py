"""A learner's values arrive once per form (issue 9, finding 1): a repeated field or
another spelling of the learner's id rejects the whole submit, naming the learner."""

from urllib.parse import urlencode

import pytest
from django.contrib.auth import SESSION_KEY, get_user_model
from django.urls import reverse

from classes.models import AttendanceSession, LearnerAttendance, SessionHistory
from classes.services.capture import SENT_TWICE
from classes.views.forms import STRAY_FIELD
from learners.models import Learner
from progression.models import HoursLog
from submissions.keys import issue_key
from tests.classes.conftest import MONDAY, capture_monday, roster_ids

pytestmark = pytest.mark.usefixtures("ledger_checked")


def capture_url(klass):
    return reverse("classes:capture", args=[klass.pk, MONDAY])


def filled(klass) -> list[tuple[str, str]]:
    """The capture form as pairs: a learner's field may be sent more than once."""
    pairs = []
    for pk, hours, page in zip(roster_ids(klass), ("3", "2.5", "0"), ("12", "9", ""), strict=True):
        pairs += [(f"hours_{pk}", hours), (f"page_{pk}", page)]
    return pairs


def post_pairs(client, url, pairs):
    """POST the pairs as a browser encodes a form, with the form's one-time key."""
    user = get_user_model().objects.get(pk=client.session[SESSION_KEY])
    key = ("submission_key", issue_key(user=user, purpose=url))
    return client.generic(
        "POST", url, urlencode([*pairs, key]), content_type="application/x-www-form-urlencoded"
    )


def nothing_written():
    assert not AttendanceSession.objects.exclude(status="pending").exists()
    assert not LearnerAttendance.objects.exists()
    assert not HoursLog.objects.exists()


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda pk: [(f"hours_{pk}", "0")], id="hours-repeated"),
        pytest.param(lambda pk: [(f"page_{pk}", "1")], id="page-repeated"),
        pytest.param(lambda pk: [(f"hours_0{pk}", "0")], id="hours-alias-leading-zero"),
        pytest.param(lambda pk: [(f"page_00{pk}", "1")], id="page-alias"),
    ],
)
def test_a_learner_sent_twice_rejects_the_capture(client, scheduled_class, own_facilitator, tamper):
    client.force_login(own_facilitator)
    first = roster_ids(scheduled_class)[0]

    response = post_pairs(
        client, capture_url(scheduled_class), filled(scheduled_class) + tamper(first)
    )

    assert response.status_code == 400
    name = str(Learner.objects.get(pk=first))
    assert SENT_TWICE.format(learner=name) in response.content.decode()
    nothing_written()


def test_a_field_that_names_no_learner_rejects_the_capture(
    client, scheduled_class, own_facilitator
):
    client.force_login(own_facilitator)
    for stray in ("hours_abc", "hours_²", "page_", "hours_1e3"):
        response = post_pairs(
            client, capture_url(scheduled_class), [*filled(scheduled_class), (stray, "3")]
        )
        assert response.status_code == 400, stray
        assert STRAY_FIELD.format(field=stray) in response.content.decode(), stray
    nothing_written()


def test_the_form_as_the_page_sends_it_is_accepted(client, scheduled_class, own_facilitator):
    client.force_login(own_facilitator)
    response = post_pairs(client, capture_url(scheduled_class), filled(scheduled_class))
    assert response.status_code == 302
    assert LearnerAttendance.objects.count() == 3


def test_a_learner_sent_twice_rejects_the_correction(client, scheduled_class, own_facilitator):
    capture_monday(scheduled_class, own_facilitator)
    client.force_login(own_facilitator)
    url = reverse("classes:correct", args=[scheduled_class.pk, MONDAY])
    ids = roster_ids(scheduled_class)
    pairs = [("version", "1"), ("reason", "Typing error")]
    for pk in ids:
        pairs += [(f"hours_{pk}", "3"), (f"page_{pk}", "5")]

    for tamper in ([(f"hours_{ids[1]}", "0")], [(f"hours_0{ids[1]}", "0")]):
        response = post_pairs(client, url, [*pairs[:2], *tamper, *pairs[2:]])
        assert response.status_code == 400
        learner = Learner.objects.get(pk=ids[1])
        assert SENT_TWICE.format(learner=learner) in response.content.decode()

    assert not SessionHistory.objects.filter(action="corrected").exists()
    assert not HoursLog.objects.filter(reverses__isnull=False).exists()
