"""Production settings pass Django's deployment checks, the HTTPS switch drives the
cookie and transport settings, and every page carries a Content-Security-Policy that
our templates can live with."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import RequestFactory, override_settings
from django.urls import reverse

from attendance_project.security import client_ip
from tests.factories import PASSWORD

NOT_INHERITED = {"HTTPS", "SECURE_PROXY_SSL_HEADER", "DJANGO_ALLOW_ASYNC_UNSAFE"}
TEMPLATES_DIR = Path(settings.BASE_DIR) / "templates"
# Settings whose production values the subprocess reports back.
REPORTED = [
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
    "X_FRAME_OPTIONS",
]


def production_env(**overrides: str) -> dict[str, str]:
    """The environment of a production server: DEBUG off, a real key, a host name.

    HTTPS and the HSTS variables are left out, so their production defaults apply;
    so are the test-only switches pytest-env sets for this process (HTTPS=false,
    DJANGO_ALLOW_ASYNC_UNSAFE), which the child must not inherit.
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in NOT_INHERITED and not key.startswith("SECURE_HSTS_")
    }
    env |= {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "attendance.example.org",
        "CSRF_TRUSTED_ORIGINS": "https://attendance.example.org",
    }
    return env | overrides


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def settings_under(env: dict[str, str]) -> dict:
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{k: getattr(settings, k, None) for k in {REPORTED!r}}}))"
    )
    result = manage("shell", "--no-imports", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_deployment_check_passes_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())

    assert result.returncode == 0, result.stdout + result.stderr


def test_the_deployment_check_is_a_real_gate():
    # The same server with HTTPS switched off must fail the gate, naming what is wrong.
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env=production_env(HTTPS="false")
    )

    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr, warning


def test_a_missing_secret_key_with_debug_off_fails_at_startup():
    # Empty rather than absent: a developer's .env file must not fill it in.
    result = manage("check", env=production_env(SECRET_KEY=""))

    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr


def test_https_is_on_by_default_in_production():
    values = settings_under(production_env())

    assert values == {
        "DEBUG": False,
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SECURE_PROXY_SSL_HEADER": None,
        "X_FRAME_OPTIONS": "DENY",
    }


def test_behind_a_tls_proxy_the_header_and_hsts_come_from_the_environment():
    values = settings_under(
        production_env(
            SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https",
            SECURE_HSTS_SECONDS="3600",
            SECURE_HSTS_PRELOAD="false",
        )
    )

    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]  # a tuple
    assert values["SECURE_HSTS_SECONDS"] == 3600
    assert values["SECURE_HSTS_PRELOAD"] is False
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True


def test_a_malformed_proxy_header_fails_at_startup():
    result = manage("check", env=production_env(SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO"))

    assert result.returncode != 0
    assert "SECURE_PROXY_SSL_HEADER must be two comma-separated values" in result.stderr


def test_development_and_tests_serve_plain_http():
    # This process runs with HTTPS=false (pyproject.toml): no redirect, plain cookies.
    assert settings.SECURE_SSL_REDIRECT is False
    assert settings.SESSION_COOKIE_SECURE is False
    assert settings.SECURE_HSTS_SECONDS == 0
    assert settings.SESSION_COOKIE_HTTPONLY is True


def test_the_session_cookie_is_http_only(client, own_facilitator):
    response = client.post(
        reverse("login"), {"username": own_facilitator.username, "password": PASSWORD}
    )

    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True


# Content-Security-Policy ------------------------------------------------------------

EXPECTED_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'self'",
    "object-src": "'none'",
}


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


def test_pages_carry_the_content_security_policy(client, scheduled_class, admin_user):
    pages = [reverse("login"), reverse("admin:login")]
    for url in pages:
        assert policy(client.get(url)) == EXPECTED_POLICY, url

    client.force_login(admin_user)
    for url in [
        reverse("classes:my_classes"),
        reverse("classes:attendance", args=[scheduled_class.pk]),
        reverse("admin:index"),
        reverse("admin:classes_class_change", args=[scheduled_class.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert policy(response) == EXPECTED_POLICY, url
        assert "unsafe-inline" not in response["Content-Security-Policy"]
        assert response["X-Frame-Options"] == "DENY"


# What a browser would refuse under that policy, found in a template's source.
INLINE_CODE = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "inline event handler": re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE),
    "style attribute": re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE),
    "style element": re.compile(r"<style[\s>]", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def test_our_templates_have_no_inline_script_or_style():
    templates = sorted(TEMPLATES_DIR.rglob("*.html"))
    assert len(templates) > 5
    found = [
        f"{path.relative_to(TEMPLATES_DIR)}: {kind}"
        for path in templates
        for kind, pattern in INLINE_CODE.items()
        if pattern.search(path.read_text())
    ]
    assert found == []


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        '<button onclick="go()">',
        '<p class="x" style="color: red">',
        "<style>p {}</style>",
        '<a href="javascript:void(0)">',
    ],
)
def test_the_template_scan_notices_inline_code(source):
    assert any(pattern.search(source) for pattern in INLINE_CODE.values())


# The client address that login throttling counts against -----------------------------


def request_from(remote_addr: str, forwarded_for: str | None = None):
    extra: dict[str, Any] = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().post("/accounts/login/", **extra)


def test_without_proxies_the_connection_address_counts():
    # A client cannot choose its address by sending the header.
    assert client_ip(request_from("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_the_address_it_saw_counts():
    assert client_ip(request_from("10.0.0.2", "203.0.113.7")) == "203.0.113.7"
    # Whatever the client put in front is ignored: the proxy appended the real one.
    assert client_ip(request_from("10.0.0.2", "198.51.100.1, 203.0.113.7")) == "203.0.113.7"
    # Not through the proxy (no header): the connection address.
    assert client_ip(request_from("10.0.0.2")) == "10.0.0.2"


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_behind_two_proxies_the_outer_one_decides():
    forwarded = "198.51.100.1, 203.0.113.7, 10.0.0.1"
    assert client_ip(request_from("10.0.0.2", forwarded)) == "203.0.113.7"
    assert client_ip(request_from("10.0.0.2", "10.0.0.1")) == "10.0.0.2"
