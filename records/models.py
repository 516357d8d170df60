"""The access log of learners' personal information (POPIA, issue 16)."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Now


class AccessLog(models.Model):
    """One view or export of one learner's personal information: who, when, what,
    from which page. Append-only (a database trigger refuses UPDATE, DELETE and
    TRUNCATE); written by records.access."""

    class Action(models.TextChoices):
        VIEWED = "viewed", "Viewed"
        EXPORTED = "exported", "Exported"
        SUBJECT_ACCESS = "subject_access", "Subject-access file produced"
        ANONYMISED = "anonymised", "Anonymised"

    # Indexed by learner_access_log_learner (learner, at), which leads with it.
    learner = models.ForeignKey(
        "learners.Learner", on_delete=models.PROTECT, db_index=False, related_name="access_log"
    )
    # NULL for a command run by ops (manage.py anonymise_learners): `by` says which.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    by = models.CharField(max_length=150, help_text="The user, or the command that ran.")
    at = models.DateTimeField(db_default=Now())
    action = models.CharField(max_length=20, choices=Action.choices)
    what = models.CharField(max_length=300, help_text="Which information.")
    page = models.CharField(max_length=300, help_text="The page or command.")

    class Meta:
        db_table = "learner_access_log"
        verbose_name = "access-log entry"
        verbose_name_plural = "access log"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["learner", "at"], name="learner_access_log_learner")]
        permissions = [
            ("produce_subject_access", "Can produce a learner's subject-access file"),
        ]

    def __str__(self) -> str:
        return f"{self.by} {self.get_action_display().lower()} learner {self.learner_id}"
