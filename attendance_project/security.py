"""Login throttling hooks for django-axes: who the client is, and what a locked-out
person sees; and the login forms that feed it."""

from __future__ import annotations

import math

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

LOCKED_OUT_MESSAGE = (
    "Too many failed log-in attempts for this username from your connection. "
    "Wait {minutes} minutes and try again, or ask the office to unlock your account."
)
LOCKED_OUT_STATUS = 429


def client_ip(request: HttpRequest) -> str | None:
    """The address failed logins are counted against.

    Without proxies (TRUSTED_PROXY_COUNT=0) it is the connection's address. Behind N
    proxies that each append the address they saw to X-Forwarded-For, the client is
    the N-th entry from the right: anything further left was sent by the client and
    can be forged. A request with fewer entries did not come through the proxies, so
    its connection address is used.
    """
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


def lockout_response(request: HttpRequest, original_response=None, credentials=None):
    """The page shown instead of the login form while a username is locked out."""
    minutes = math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    response: HttpResponse = render(
        request,
        "registration/locked_out.html",
        {"message": LOCKED_OUT_MESSAGE.format(minutes=minutes)},
        status=LOCKED_OUT_STATUS,
    )
    # Well-behaved clients (and scripts) wait this long before trying again.
    response["Retry-After"] = str(minutes * 60)
    return response


class BoundedUsernameMixin:
    """A username longer than any user's is a form error before anyone is asked.

    Django's login form sets the username field's max_length after the field is
    built, so no validator enforces it: a 10,000-character username went on to
    authenticate(), and django-axes' record of the failure (a 255-character column)
    was a 500.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))


class LoginForm(BoundedUsernameMixin, AuthenticationForm):
    pass


class AdminLoginForm(BoundedUsernameMixin, AdminAuthenticationForm):
    pass
