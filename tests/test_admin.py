"""The Django admin: every page renders for an admin, the ledger is read-only, and
manual hours go through ProgressionService."""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse

from classes.selectors import session_facts
from progression.models import HoursLog, Progression
from progression.services import NO_IN_PROGRESS_PROGRESSION, ProgressionService
from tests.factories import (
    AttendanceSessionFactory,
    EnrolmentFactory,
    LearnerFactory,
    ScheduleFactory,
    UserFactory,
)

pytestmark = pytest.mark.usefixtures("ledger_checked")


@pytest.fixture
def graph(klass, admin_user):
    """One of everything, consistent: a scheduled class, an enrolled learner, a ledger row."""
    ScheduleFactory(klass=klass)
    enrolment = EnrolmentFactory(klass=klass)
    session = AttendanceSessionFactory(klass=klass)
    ProgressionService.log_hours(
        enrolment.learner, 3, 2, "attendance", session=session_facts(session), created_by=admin_user
    )
    return enrolment


def admin_urls():
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        yield model, model_admin, f"admin:{opts.app_label}_{opts.model_name}"


def test_every_admin_page_renders_for_an_admin(client, admin_user, graph):
    client.force_login(admin_user)
    checked = 0
    for model, model_admin, name in admin_urls():
        assert client.get(reverse(f"{name}_changelist")).status_code == 200, name
        assert client.get(reverse(f"{name}_changelist"), {"q": "x"}).status_code == 200, name
        obj = model._default_manager.first()
        if obj is not None:
            response = client.get(reverse(f"{name}_change", args=[obj.pk]))
            assert response.status_code == 200, name
        add = client.get(reverse(f"{name}_add"))
        assert add.status_code == (
            200 if model_admin.has_add_permission(_request(admin_user)) else 403
        )
        checked += 1
    assert checked == len(admin.site._registry)


# Derived data the database keeps, shown where it is read: the latest pages (issue
# 11) in the progressions' "latest page" column. (Django's admin cannot register a
# model with a composite primary key either.)
DERIVED = {"classes.LatestPage"}


@pytest.mark.parametrize("app_label", ["learners", "progression", "classes"])
def test_every_model_has_an_admin(app_label):
    for model in apps.get_app_config(app_label).get_models():
        if model._meta.label in DERIVED:
            continue
        assert model in admin.site._registry, model


def _request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    return request


def test_admin_pages_require_staff_login(client, own_facilitator, graph):
    for _, _, name in admin_urls():
        url = reverse(f"{name}_changelist")
        assert client.get(url).status_code == 302, name
    client.force_login(own_facilitator)  # not staff
    for _, _, name in admin_urls():
        response = client.get(reverse(f"{name}_changelist"))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("admin:login"))


def test_the_hours_log_cannot_be_added_changed_or_deleted_in_the_admin(client, admin_user, graph):
    client.force_login(admin_user)
    row = HoursLog.objects.get()
    change_url = reverse("admin:progression_hourslog_change", args=[row.pk])

    client.post(change_url, {"hours_trained": "99", "hours_present": "99"})
    response = client.post(
        reverse("admin:progression_hourslog_delete", args=[row.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    row.refresh_from_db()
    assert (row.hours_trained, row.hours_present) == (Decimal("3"), Decimal("2"))
    assert client.get(reverse("admin:progression_hourslog_add")).status_code == 403


def test_the_hours_log_filters_by_learner_source_and_class(client, admin_user, graph):
    client.force_login(admin_user)
    url = reverse("admin:progression_hourslog_changelist")
    other = EnrolmentFactory(klass=graph.klass)
    ProgressionService.log_hours(other.learner, 1, 1)

    by_learner = client.get(url, {"learner": graph.learner_id})
    by_source = client.get(url, {"source__exact": "manual"})

    assert list(by_learner.context["cl"].result_list) == list(
        HoursLog.objects.filter(learner=graph.learner)
    )
    assert [r.learner_id for r in by_source.context["cl"].result_list] == [other.learner_id]


def manual_hours(client, who, **overrides):
    data = {
        "learner": who.pk,
        "log_date": "2026-03-04",
        "hours_trained": "2",
        "hours_present": "1.5",
        "notes": "Catch-up lesson at head office",
    } | overrides
    return client.post(reverse("admin:progression_hourslog_manual"), data)


def test_an_admin_logs_manual_hours_through_the_service(client, admin_user, graph):
    client.force_login(admin_user)
    assert client.get(reverse("admin:progression_hourslog_manual")).status_code == 200

    response = manual_hours(client, graph.learner)

    assert response.status_code == 302
    row = HoursLog.objects.get(source="manual")
    assert row.created_by == admin_user
    assert row.session_id is None
    assert row.log_date == datetime.date(2026, 3, 4)
    assert row.notes == "Catch-up lesson at head office"
    progression = Progression.objects.get(learner=graph.learner)
    assert (progression.hours_trained, progression.hours_present) == (Decimal("5"), Decimal("3.5"))


def test_manual_hours_for_a_learner_without_a_programme_are_refused(client, admin_user, db):
    client.force_login(admin_user)
    learner = LearnerFactory()

    response = manual_hours(client, learner)

    assert response.status_code == 200
    assert NO_IN_PROGRESS_PROGRESSION.format(learner=learner) in response.content.decode()
    assert not HoursLog.objects.exists()


@pytest.mark.parametrize(
    "overrides",
    [
        {"hours_present": "3"},  # more than trained
        {"hours_trained": "-1"},
        {"hours_trained": "NaN"},
        {"hours_trained": "1e9"},
        {"log_date": "2999-01-01"},
        {"learner": "999999"},
        {"notes": ""},
    ],
)
def test_invalid_manual_hours_write_nothing(client, admin_user, graph, overrides):
    client.force_login(admin_user)
    before = HoursLog.objects.count()

    response = manual_hours(client, graph.learner, **overrides)

    assert response.status_code == 200
    assert HoursLog.objects.count() == before


def test_manual_hours_need_the_permission(client, graph):
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_hourslog"))
    client.force_login(staff)

    assert client.get(reverse("admin:progression_hourslog_manual")).status_code == 403
    assert manual_hours(client, graph.learner).status_code == 403
    assert HoursLog.objects.count() == 1
