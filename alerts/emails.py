"""The alert e-mails: plain text and HTML, with the link back to the exact page, why
it was sent and how to stop it. Names and the class only (POPIA: minimal)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from alerts.models import Alert, Rule
from alerts.preferences import WHY

SUBJECT_PREFIX = "[Attendance] "


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _message(*, to, subject: str, template: str, context: dict) -> EmailMultiAlternatives:
    context = {
        **context,
        "recipient": to,
        "preferences_url": absolute(reverse("alerts:preferences")),
        "notifications_url": absolute(reverse("alerts:notifications")),
    }
    text = render_to_string(f"alerts/email/{template}.txt", context)
    html = render_to_string(f"alerts/email/{template}.html", context)
    message = EmailMultiAlternatives(subject=SUBJECT_PREFIX + subject, body=text, to=[to.email])
    message.attach_alternative(html, "text/html")
    return message


def alert_message(alert: Alert) -> EmailMultiAlternatives:
    return _message(
        to=alert.recipient,
        subject=alert.title,
        template="alert",
        context={
            "alert": alert,
            "url": absolute(alert.link),
            "why": WHY.get(Rule(alert.rule), ""),
        },
    )


def alerts_message(user, alerts: list[Alert]) -> EmailMultiAlternatives:
    """One alert as itself; several (one recipient's, raised together) in one e-mail."""
    if len(alerts) == 1:
        return alert_message(alerts[0])
    items = [
        {"alert": alert, "url": absolute(alert.link), "why": WHY.get(Rule(alert.rule), "")}
        for alert in alerts
    ]
    rules = {alert.rule for alert in alerts}
    if rules == {Rule.CAPTURE_REMINDER}:
        subject = f"{len(alerts)} sessions to record"
    else:
        subject = f"{len(alerts)} alerts: {alerts[0].title} and more"
    return _message(to=user, subject=subject, template="alerts", context={"items": items})


def digest_message(user, alerts: list[Alert], day: datetime.date) -> EmailMultiAlternatives:
    items = [{"alert": alert, "url": absolute(alert.link)} for alert in alerts]
    count = len(alerts)
    return _message(
        to=user,
        subject=f"{count} alert{'s' if count != 1 else ''} for {day:%-d %B %Y}",
        template="digest",
        context={"items": items, "day": day},
    )
