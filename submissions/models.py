from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now


class FormSubmission(models.Model):
    """A form that was submitted and took effect: its one-time key, what it was for,
    who sent it and where its outcome can be seen (the answer to a replay)."""

    # The primary key is the UNIQUE constraint that makes a write happen once: the
    # second INSERT of a key waits for the first transaction and then finds it.
    key = models.UUIDField(primary_key=True)
    purpose = models.CharField(max_length=100)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    outcome_url = models.CharField(max_length=500)
    submitted_at = models.DateTimeField(db_default=Now())

    class Meta:
        db_table = "form_submissions"
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["submitted_by", "submitted_at"], name="form_submissions_user_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(purpose="") & ~Q(outcome_url=""),
                name="form_submissions_purpose_outcome_not_blank",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} by {self.submitted_by_id} at {self.submitted_at}"
