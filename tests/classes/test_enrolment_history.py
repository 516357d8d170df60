"""Enrolment and class history cannot be rewritten (issue 9, findings 3 and 4): an
enrolment's learner and class never change, an attended enrolment is never deleted,
ending one is recorded with who, when and why, and a class's programme is fixed once
a session was recorded."""

import datetime

import pytest
from django.db import IntegrityError, connection
from django.db.transaction import atomic
from django.urls import reverse
from django.utils.formats import date_format

from classes.models import Class, Enrolment, EnrolmentHistory
from classes.services import (
    ClassError,
    check_programme_change,
    end_enrolment,
    enrol_learner,
)
from classes.services.enrolment import (
    ATTENDED_AFTER_END,
    END_BEFORE_START,
    END_REASON_REQUIRED,
    PROGRAMME_FIXED,
)
from tests.classes.conftest import MONDAY, WEDNESDAY, capture_monday
from tests.factories import ClassFactory, LearnerFactory, LearningProgrammeFactory

pytestmark = pytest.mark.usefixtures("ledger_checked")


def changeform_data(response) -> dict:
    """What the browser sends back when the admin's change form is saved untouched."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        forms += list(formset.forms)
    for form in forms:
        for name, field in form.fields.items():
            value = form[name].value()
            if field.disabled or value is None:
                continue
            data[form.add_prefix(name)] = value.pk if hasattr(value, "pk") else value
    data["submission_key"] = response.context["submission_key"]
    return data


def new_enrolments_prefix(response) -> str:
    (formset,) = [
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if type(inline.opts).__name__ == "NewEnrolmentInline"
    ]
    return formset.prefix


@pytest.fixture
def attended(scheduled_class, own_facilitator):
    """Monday captured: every learner of the class has attendance and hours."""
    capture_monday(scheduled_class, own_facilitator)
    return scheduled_class.enrolments.order_by("learner__surname").first()


def test_the_class_admin_cannot_change_an_enrolments_learner(client, admin_user, attended):
    client.force_login(admin_user)
    url = reverse("admin:classes_class_change", args=[attended.klass_id])
    page = client.get(url)
    assert page.status_code == 200
    data = changeform_data(page)
    # What the old inline allowed: the first enrolment row now names someone else.
    other = LearnerFactory()
    data["enrolments-0-learner"] = other.pk
    data["enrolments-0-id"] = attended.pk
    data["enrolments-0-DELETE"] = "on"

    response = client.post(url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    attended.refresh_from_db()
    assert attended.learner_id != other.pk
    assert Enrolment.objects.filter(pk=attended.pk).exists()
    assert not Enrolment.objects.filter(learner=other).exists()


def test_the_class_admin_enrols_new_learners_through_the_service(client, admin_user, attended):
    client.force_login(admin_user)
    url = reverse("admin:classes_class_change", args=[attended.klass_id])
    data = changeform_data(client.get(url))
    newcomer = LearnerFactory()
    prefix = new_enrolments_prefix(client.get(url))
    data |= {
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-0-learner": newcomer.pk,
        f"{prefix}-0-start_date": "2026-03-04",
    }

    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # replayed: nothing more

    enrolment = Enrolment.objects.get(learner=newcomer)
    history = EnrolmentHistory.objects.get(enrolment=enrolment)
    assert (history.action, history.changed_by) == ("enrolled", admin_user)
    assert newcomer.progressions.get().programme == attended.klass.programme


def test_the_database_refuses_to_change_an_enrolments_learner_or_class(attended):
    changes = {"learner": LearnerFactory(), "klass": ClassFactory()}
    for field, other in changes.items():
        with pytest.raises(IntegrityError, match="learner and class cannot change"), atomic():
            Enrolment.objects.filter(pk=attended.pk).update(**{field: other})


def test_an_attended_enrolment_cannot_be_deleted(client, admin_user, attended):
    client.force_login(admin_user)  # a superuser: every permission
    delete = reverse("admin:classes_enrolment_delete", args=[attended.pk])

    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:classes_enrolment_changelist")
    assert "delete_selected" not in client.get(changelist).content.decode()
    # Below the admin, the database itself refuses (here before the history's PROTECT).
    with pytest.raises(IntegrityError, match="has attendance"), atomic(), connection.cursor() as c:
        c.execute("DELETE FROM class_enrolments WHERE id = %s", [attended.pk])
    assert Enrolment.objects.filter(pk=attended.pk).exists()


def test_an_enrolment_without_attendance_can_still_be_deleted_by_a_superuser(
    client, admin_user, klass
):
    mistake, _ = enrol_learner(learner=LearnerFactory(), klass=klass, start_date=MONDAY)
    client.force_login(admin_user)
    delete = reverse("admin:classes_enrolment_delete", args=[mistake.pk])
    assert client.get(delete).status_code == 200


def test_ending_an_enrolment_is_recorded_with_who_when_and_why(attended, admin_user):
    ended = end_enrolment(
        enrolment=attended,
        end_date=MONDAY,
        status=Enrolment.Status.WITHDRAWN,
        reason="Moved to the night shift",
        ended_by=admin_user,
    )
    assert (ended.status, ended.end_date) == ("withdrawn", MONDAY)
    entries = list(attended.history.order_by("id").values_list("action", "changed_by", "reason"))
    assert entries[-1] == ("ended", admin_user.pk, "Moved to the night shift")


@pytest.mark.parametrize(
    ("end_date", "reason", "message"),
    [
        (MONDAY, "  ", END_REASON_REQUIRED),
        (datetime.date(2026, 1, 4), "Wrong class", END_BEFORE_START),
        (MONDAY - datetime.timedelta(days=1), "Left", ATTENDED_AFTER_END),
    ],
    ids=["no-reason", "before-start", "attended-after"],
)
def test_ending_an_enrolment_is_refused_when_it_would_rewrite_history(
    attended, admin_user, end_date, reason, message
):
    with pytest.raises(ClassError) as refused:
        end_enrolment(
            enrolment=attended,
            end_date=end_date,
            status=Enrolment.Status.WITHDRAWN,
            reason=reason,
            ended_by=admin_user,
        )
    facts = {
        "learner": attended.learner,
        "klass": attended.klass,
        "end": date_format(end_date),
        "start": "5 January 2026",
        "date": "2 March 2026",
    }
    assert refused.value.message == message.format(**facts)
    attended.refresh_from_db()
    assert attended.status == "enrolled"


def test_the_end_enrolments_action_ends_once(client, admin_user, attended):
    client.force_login(admin_user)
    changelist = reverse("admin:classes_enrolment_changelist")
    data = {
        "action": "end_enrolments",
        "_selected_action": [attended.pk],
        "apply": "1",
        "status": "completed",
        "end_date": WEDNESDAY.isoformat(),
        "reason": "Finished the programme",
    }
    page = client.post(changelist, {"action": "end_enrolments", "_selected_action": [attended.pk]})
    assert page.status_code == 200
    data["submission_key"] = page.context["submission_key"]

    for _ in range(3):
        assert client.post(changelist, data).status_code == 302

    attended.refresh_from_db()
    assert (attended.status, attended.end_date) == ("completed", WEDNESDAY)
    assert attended.history.filter(action="ended").count() == 1


def test_a_class_programme_is_fixed_once_a_session_is_recorded(client, admin_user, attended):
    klass = attended.klass
    other = LearningProgrammeFactory()
    with pytest.raises(ClassError) as refused:
        check_programme_change(klass=klass, programme=other)
    assert refused.value.message == PROGRAMME_FIXED.format(klass=klass, programme=klass.programme)
    with pytest.raises(IntegrityError, match="is fixed"), atomic():
        Class.objects.filter(pk=klass.pk).update(programme=other)

    client.force_login(admin_user)
    url = reverse("admin:classes_class_change", args=[klass.pk])
    page = client.get(url)
    assert "stop this class and start a new one" in page.content.decode()
    data = changeform_data(page) | {"programme": other.pk}
    assert client.post(url, data).status_code == 302  # saved, programme untouched
    klass.refresh_from_db()
    assert klass.programme_id != other.pk


def test_a_class_programme_can_change_before_anything_is_recorded(client, admin_user, klass):
    other = LearningProgrammeFactory()
    check_programme_change(klass=klass, programme=other)
    client.force_login(admin_user)
    url = reverse("admin:classes_class_change", args=[klass.pk])
    data = changeform_data(client.get(url)) | {"programme": other.pk}
    assert client.post(url, data).status_code == 302
    klass.refresh_from_db()
    assert klass.programme_id == other.pk
