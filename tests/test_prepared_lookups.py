"""The session and user lookups of every request, as prepared statements (issue 11):
the same answers as Django's own, on both paths (attendance_project.prepared_lookups)."""

import datetime

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY, base_user
from django.contrib.sessions.models import Session
from django.urls import reverse

from attendance_project import db
from tests.factories import PASSWORD

pytestmark = pytest.mark.usefixtures("both_paths")

OURS = "attendance_project.prepared_lookups.ModelBackend"
DJANGOS = "django.contrib.auth.backends.ModelBackend"


def log_in(client, user, password):
    return client.post(reverse("login"), {"username": user.username, "password": password})


def test_a_login_is_served_by_the_prepared_backend(client, own_facilitator):
    log_in(client, own_facilitator, PASSWORD)

    assert client.session[BACKEND_SESSION_KEY] == OURS
    assert client.get(reverse("classes:my_classes")).status_code == 200


def test_a_session_logged_in_before_keeps_working(client, own_facilitator):
    client.force_login(own_facilitator, backend=DJANGOS)

    assert client.get(reverse("classes:my_classes")).status_code == 200


def test_a_wrong_password_is_checked_once(client, own_facilitator, monkeypatch):
    checked = []
    check = base_user.check_password
    monkeypatch.setattr(
        base_user, "check_password", lambda *args: checked.append(1) or check(*args)
    )

    response = log_in(client, own_facilitator, "not-the-password")

    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    assert checked == [1]


def test_an_expired_session_is_not_read(client, own_facilitator, now):
    client.force_login(own_facilitator)
    Session.objects.update(expire_date=now - datetime.timedelta(seconds=1))

    response = client.get(reverse("classes:my_classes"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_inactive_user_is_logged_out(client, own_facilitator):
    client.force_login(own_facilitator)
    type(own_facilitator).objects.filter(pk=own_facilitator.pk).update(is_active=False)

    assert client.get(reverse("classes:my_classes")).status_code == 302


def instance_state(instance):
    found = dict(vars(instance))
    state = found.pop("_state")
    return found, (state.adding, state.db)


@pytest.mark.parametrize("partial", [False, True])
def test_loaded_instances_are_what_from_db_gives(own_facilitator, partial):
    """attendance_project.db.loaded builds instances without Model.__init__: the same
    attributes and state as the ORM's from_db, deferred fields deferred."""
    model = type(own_facilitator)
    fields = [f.attname for f in model._meta.concrete_fields]
    if partial:
        fields = ["id", "username", "first_name"]
    row = [getattr(own_facilitator, name) for name in fields]

    (fast,) = db.loaded(model, fields, [row], "default")
    usual = model.from_db("default", fields, row)

    assert instance_state(fast) == instance_state(usual)
    assert fast.get_deferred_fields() == usual.get_deferred_fields()
    assert fast == usual
    assert str(fast) == str(usual)
