"""Warnings that reach people (issue 15): each alert is a row before it is sent.

An alert names its rule, its subject (what it is about: a planned session, a
learner's progression, a captured session), its recipient and its period (which
reminder of the session, which crossing of a threshold). UNIQUE on those four is what
makes an alert exactly once: two checks running at once, a check run again, two
workers, all insert the same row, and only the first insert counts. Sending is a job
(alerts.tasks.send_alerts) that locks the rows, sends, and marks them sent in the same
transaction.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now


class Rule(models.TextChoices):
    CAPTURE_REMINDER = "capture_reminder", "Session not recorded (reminder)"
    CAPTURE_ESCALATION = "capture_escalation", "Session still not recorded (to the office)"
    AT_RISK = "at_risk", "Learner at risk"
    EXCESSIVE_HOURS = "excessive_hours", "Hours beyond the allocation"
    REGISTER_MISSING = "register_missing", "Signed register missing"


class Delivery(models.TextChoices):
    EMAIL = "email", "E-mail at once"
    DIGEST = "digest", "In the daily digest"
    OFF = "off", "Off (shown in the app only)"


class AlertStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    IN_DIGEST = "digest", "Waiting for the digest"
    NOT_EMAILED = "not_emailed", "Not e-mailed (switched off)"
    OBSOLETE = "obsolete", "No longer needed"


class Alert(models.Model):
    Status = AlertStatus

    id = models.BigAutoField(primary_key=True)
    rule = models.CharField(max_length=30, choices=Rule.choices)
    # What the alert is about, as a key ("plan:12:2026-03-04", "progression:7",
    # "session:40"); the period says which reminder or crossing of it.
    subject = models.CharField(max_length=100)
    period = models.CharField(max_length=50)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="alerts"
    )
    klass = models.ForeignKey(
        "classes.Class",
        on_delete=models.PROTECT,
        db_column="class_id",
        null=True,
        blank=True,
        related_name="+",
        verbose_name="class",
    )
    title = models.CharField(max_length=200)
    # The e-mail's and the page's words: names and the class only (POPIA: minimal).
    body = models.TextField()
    link = models.CharField(max_length=300, help_text="The page the alert is about.")
    delivery = models.CharField(max_length=10, choices=Delivery.choices)
    status = models.CharField(max_length=15, choices=Status.choices)
    attempts = models.PositiveIntegerField(default=0, db_default=0)
    last_error = models.TextField(blank=True, default="", db_default="")
    created_at = models.DateTimeField(db_default=Now())
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "alerts"
        ordering = ["-created_at", "-id"]
        permissions = [("send_again", "Can send a failed alert again")]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "subject", "recipient", "period"], name="alerts_once"
            ),
            models.CheckConstraint(condition=Q(rule__in=Rule.values), name="alerts_rule_valid"),
            models.CheckConstraint(
                condition=Q(delivery__in=Delivery.values), name="alerts_delivery_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=AlertStatus.values),
                name="alerts_status_valid",
            ),
            models.CheckConstraint(
                condition=(Q(status="sent") & Q(sent_at__isnull=False))
                | (~Q(status="sent") & Q(sent_at__isnull=True)),
                name="alerts_sent_has_time",
            ),
        ]
        indexes = [
            # The bell: a user's unread alerts.
            models.Index(
                fields=["recipient", "created_at"],
                name="alerts_unread",
                condition=Q(read_at__isnull=True),
            ),
            # The send sweep and the admin's failed list.
            models.Index(
                fields=["status"],
                name="alerts_to_send",
                condition=Q(status__in=["pending", "failed", "digest"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_rule_display()}: {self.title}"


class Crossing(models.Model):
    """A subject's crossing of a threshold (a learner falling at risk, a learner's
    hours passing the allocation), from when a check first saw it until one saw it
    end. Alerts of such rules are once per crossing (their period names it), not once
    a day; at most one crossing of a rule and subject is open (partial UNIQUE)."""

    id = models.BigAutoField(primary_key=True)
    rule = models.CharField(max_length=30, choices=Rule.choices)
    subject = models.CharField(max_length=100)
    opened_at = models.DateTimeField(db_default=Now())
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "alert_crossings"
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "subject"],
                condition=Q(closed_at__isnull=True),
                name="alert_crossings_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.subject} from {self.opened_at:%Y-%m-%d}"


class Preference(models.Model):
    """A user's choice for one rule; without a row, the rule's default applies
    (alerts.preferences)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_preferences"
    )
    rule = models.CharField(max_length=30, choices=Rule.choices)
    delivery = models.CharField(max_length=10, choices=Delivery.choices)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "alert_preferences"
        constraints = [
            models.UniqueConstraint(fields=["user", "rule"], name="alert_preferences_once"),
            models.CheckConstraint(
                condition=Q(delivery__in=Delivery.values), name="alert_preferences_delivery_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.rule}: {self.delivery}"


class Digest(models.Model):
    """One daily digest e-mail of a user (UNIQUE per user and day: sent once)."""

    id = models.BigAutoField(primary_key=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="alert_digests"
    )
    day = models.DateField()
    alerts = models.ManyToManyField(Alert, related_name="digests", db_table="alert_digest_items")
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0, db_default=0)
    last_error = models.TextField(blank=True, default="", db_default="")
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        db_table = "alert_digests"
        constraints = [
            models.UniqueConstraint(fields=["recipient", "day"], name="alert_digests_once"),
        ]

    def __str__(self) -> str:
        return f"Digest for {self.recipient} on {self.day}"
