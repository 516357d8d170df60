"""Login throttling (django-axes): five wrong passwords for a username from one address
lock that pair out for 15 minutes, on our login page and the admin's alike."""

import datetime

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import override_settings
from django.urls import reverse

from attendance_project.security import LOCKED_OUT_MESSAGE, LOCKED_OUT_STATUS
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

WRONG = "not-the-password"
LOCKED_OUT_TEXT = LOCKED_OUT_MESSAGE.format(minutes=15)
WRONG_PASSWORD_TEXT = "did not match"  # templates/registration/login.html


def log_in(client, user, password, url=None, **extra):
    return client.post(
        url or reverse("login"), {"username": user.username, "password": password}, **extra
    )


def logged_in(client) -> bool:
    return SESSION_KEY in client.session


def fail(client, user, times, url=None, **extra):
    """`times` wrong passwords; the responses of all but the last are the login form."""
    responses = [log_in(client, user, WRONG, url, **extra) for _ in range(times)]
    for response in responses[:-1]:
        assert response.status_code == 200
    return responses[-1]


def assert_locked_out(response):
    assert response.status_code == LOCKED_OUT_STATUS
    assert LOCKED_OUT_TEXT in response.content.decode()
    assert response["Retry-After"] == "900"
    # The lockout page replaces the login form the view rendered.
    assert "registration/locked_out.html" in [t.name for t in response.templates]
    assert 'type="password"' not in response.content.decode()


def test_the_settings_are_five_failures_and_fifteen_minutes():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert datetime.timedelta(minutes=15) == settings.AXES_COOLOFF_TIME


def test_four_wrong_passwords_only_show_the_form_again(client, own_facilitator):
    response = fail(client, own_facilitator, 4)

    assert response.status_code == 200
    assert WRONG_PASSWORD_TEXT in response.content.decode()


def test_the_fifth_wrong_password_locks_out_and_the_right_one_then_fails(client, own_facilitator):
    assert_locked_out(fail(client, own_facilitator, 5))

    sixth = log_in(client, own_facilitator, PASSWORD)

    assert_locked_out(sixth)
    assert not logged_in(client)
    assert client.get(reverse("classes:my_classes")).status_code == 302  # to the login


def test_a_successful_login_resets_the_count(client, own_facilitator):
    fail(client, own_facilitator, 4)
    assert log_in(client, own_facilitator, PASSWORD).status_code == 302
    client.post(reverse("logout"))

    # Four more failures would be nine in all: still only the form again.
    assert fail(client, own_facilitator, 4).status_code == 200
    assert log_in(client, own_facilitator, PASSWORD).status_code == 302
    assert logged_in(client)


def test_the_lockout_is_per_username_and_address(client, own_facilitator, other_facilitator):
    fail(client, own_facilitator, 5)

    # The same person from another connection, and another person from this one, get in.
    assert log_in(client, own_facilitator, PASSWORD, REMOTE_ADDR="198.51.100.20").status_code == (
        302
    )
    client.post(reverse("logout"))
    assert log_in(client, other_facilitator, PASSWORD).status_code == 302


def test_the_lockout_ends_after_fifteen_minutes(client, own_facilitator, time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 4, 9, 0, tzinfo=datetime.UTC), tick=False)
    fail(client, own_facilitator, 5)

    time_machine.move_to(datetime.datetime(2026, 3, 4, 9, 14, tzinfo=datetime.UTC), tick=False)
    assert_locked_out(log_in(client, own_facilitator, PASSWORD))

    # Trying during the lockout restarts the 15 minutes (AXES_RESET_COOL_OFF_ON_FAILURE_
    # DURING_LOCKOUT, axes' default): 09:30 is 16 minutes after the last attempt.
    time_machine.move_to(datetime.datetime(2026, 3, 4, 9, 30, tzinfo=datetime.UTC), tick=False)
    assert log_in(client, own_facilitator, PASSWORD).status_code == 302


def test_the_admin_login_is_throttled_too(client, admin_user):
    url = reverse("admin:login")

    assert_locked_out(fail(client, admin_user, 5, url))
    assert_locked_out(log_in(client, admin_user, PASSWORD, url))
    assert not logged_in(client)
    assert client.get(reverse("admin:index")).status_code == 302


def test_failures_on_both_login_pages_add_up(client, admin_user):
    fail(client, admin_user, 3, reverse("admin:login"))

    assert_locked_out(fail(client, admin_user, 2))


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_each_client_is_counted_on_its_own(client, own_facilitator):
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    fail(client, own_facilitator, 5, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)

    # The locked-out client cannot escape by putting another address in front...
    forged = log_in(
        client, own_facilitator, PASSWORD, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7", **proxy
    )
    assert_locked_out(forged)
    # ...while the same user from another client behind the same proxy gets in.
    other = log_in(client, own_facilitator, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.20", **proxy)
    assert other.status_code == 302
