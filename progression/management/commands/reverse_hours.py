"""manage.py reverse_hours: the sanctioned way to take back wrongly logged hours.

The hours log is append-only (the database refuses UPDATE and DELETE), so a wrong
row is cancelled by appending its reversal, with a reason and the person who asked,
through ProgressionService: the progression's totals follow in the same transaction.
Rows that came from an attendance session are corrected or voided on the session
instead, so that the attendance and its history stay in step with the ledger.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from progression.models import HoursLog
from progression.services import ProgressionError, ProgressionService

SESSION_ROW = (
    "Entry {row_id} came from attendance session {session_id}: correct or void that "
    "session instead (class page or admin), so that its attendance and history agree."
)


class Command(BaseCommand):
    help = "Reverse hours-log entries by appending reversal rows (never editing them)."

    def add_arguments(self, parser):
        parser.add_argument("rows", nargs="+", type=int, help="Hours-log entry ids.")
        parser.add_argument("--reason", required=True, help="Why: kept on every reversal row.")
        parser.add_argument("--by", required=True, help="Username of the person who asked for it.")

    def handle(self, *args, rows, reason, by, **options):
        user = get_user_model().objects.filter(username=by).first()
        if user is None:
            raise CommandError(f"No user {by!r}.")
        for row in HoursLog.objects.filter(pk__in=rows, session__isnull=False):
            raise CommandError(SESSION_ROW.format(row_id=row.pk, session_id=row.session_id))
        try:
            created = ProgressionService.reverse_hours(row_ids=rows, reason=reason, created_by=user)
        except ProgressionError as error:
            raise CommandError(error.message) from error
        for row in created:
            self.stdout.write(
                f"entry {row.reverses_id} reversed by entry {row.pk}: "
                f"{row.hours_trained} trained, {row.hours_present} present"
            )
