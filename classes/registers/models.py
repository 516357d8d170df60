"""The signed register's table: the scan of a session's paper register, signed by the
learners and the facilitator, as uploaded.

Defined here, beside the rest of the paper register, and imported by classes.models so
that Django finds it (its app is `classes`, its migration classes 0009).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now

# A scanned or photographed register: funders' verifiers ask for a legible page, which
# a phone photo (a few MB) or a scanner's PDF is, far below this.
MAX_SIGNED_REGISTER_BYTES = 10 * 1024 * 1024

VIEW_SIGNED_REGISTERS = "classes.view_signedregister"
# The append-only trigger's hint (migration classes 0009 and schema/020 install it;
# a change needs a new migration and schema file, never an edit of those).
TABLE = "class_attendance_signed_registers"
APPEND_ONLY_HINT = "Upload a new scan instead; the earlier ones are kept."


def signed_register_upload_to(instance: "SignedRegister", filename: str) -> str:
    """Where a scan is stored: per class, under a random name with the extension of
    the kind its content was found to be (the uploaded name may say anything)."""
    return (
        f"signed-registers/class-{instance.session.klass_id}/"
        f"{instance.session.session_date:%Y-%m-%d}-{uuid.uuid4().hex}.{instance.kind}"
    )


class SignedRegister(models.Model):
    """One upload of a session's signed register. Append-only (a trigger refuses
    UPDATE, DELETE and TRUNCATE): a better scan is a new row, the latest is the one
    shown, and the earlier ones stay as they were uploaded."""

    class Kind(models.TextChoices):
        JPEG = "jpeg", "JPEG photo"
        PNG = "png", "PNG image"
        PDF = "pdf", "PDF document"

    # The composite index below serves lookups by session; no separate one.
    session = models.ForeignKey(
        "classes.AttendanceSession",
        on_delete=models.PROTECT,
        db_index=False,
        related_name="signed_registers",
    )
    # Stored through Django's storage API (STORAGES["default"]) under MEDIA_ROOT,
    # which is never served: downloads go through a view that checks who asks.
    file = models.FileField(upload_to=signed_register_upload_to, max_length=255)
    # What the content was found to be (classes.registers.scans), not what the
    # uploaded name or the browser said.
    kind = models.CharField(max_length=10, choices=Kind.choices)
    size_bytes = models.PositiveIntegerField()
    # As uploaded, for people to recognise the file; never used as a path.
    original_name = models.CharField(max_length=255, blank=True, default="", db_default="")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(db_default=Now())

    class Meta:
        db_table = TABLE
        ordering = ["-uploaded_at", "-id"]
        indexes = [
            # A session's latest scan, and whether it has one (the missing-registers
            # report's anti-join), read from the index alone.
            models.Index(
                fields=["session", "-uploaded_at", "-id"], name="class_signed_registers_latest"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["jpeg", "png", "pdf"]),
                name="class_signed_registers_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(size_bytes__gt=0) & Q(size_bytes__lte=MAX_SIGNED_REGISTER_BYTES),
                name="class_signed_registers_size_range",
            ),
            models.CheckConstraint(
                condition=~Q(file=""), name="class_signed_registers_file_not_blank"
            ),
        ]

    def __str__(self) -> str:
        return f"Signed register of {self.session} ({self.get_kind_display()})"
