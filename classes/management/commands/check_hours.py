"""manage.py check_hours [--fix]: is every hour where it should be? (DESIGN rule 10)"""

from django.core.management.base import BaseCommand, CommandError

from classes.ledger_check import check_ledger, fix_progression_totals, rebuild_latest_pages
from progression.models import Progression


class Command(BaseCommand):
    help = (
        "Check that every progression's totals equal its hours log, and that every "
        "recorded attendance row is matched by its ledger rows. Exits 1 on any mismatch."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fix",
            action="store_true",
            help=(
                "Recompute drifted progression totals from the hours log (one "
                "transaction), and the latest pages from the attendance rows."
            ),
        )

    def handle(self, *args, fix=False, **options):
        if fix:
            for m in fix_progression_totals():
                self.stdout.write(
                    f"fixed progression {m.progression_id}: trained {m.hours_trained} → "
                    f"{m.ledger_trained}, present {m.hours_present} → {m.ledger_present}"
                )
            if check_ledger().latest_pages:
                written = rebuild_latest_pages()
                self.stdout.write(f"rebuilt the latest pages: {written} row(s)")
        report = check_ledger()
        names = {
            p.pk: f"{p.learner} on {p.programme.code}"
            for p in Progression.objects.filter(
                pk__in=[m.progression_id for m in report.progressions]
            ).select_related("learner", "programme")
        }
        for m in report.progressions:
            self.stdout.write(
                f"progression {m.progression_id} ({names[m.progression_id]}): totals trained "
                f"{m.hours_trained} / present {m.hours_present}, hours log "
                f"{m.ledger_trained} / {m.ledger_present}"
            )
        for a in report.attendance:
            self.stdout.write(
                f"session {a.session_id} (class {a.class_id}, {a.session_date}, {a.status}), "
                f"learner {a.learner_id}: recorded {a.recorded_trained} / {a.recorded_present}, "
                f"hours log {a.ledger_trained} / {a.ledger_present}"
            )
        if report.copies_differ:
            self.stdout.write(
                f"{len(report.copies_differ)} attendance row(s) carry another session date or "
                f"learning programme than their session's: ids {report.copies_differ[:20]}"
            )
        for page in report.latest_pages:
            self.stdout.write(
                f"latest page of learner {page.learner_id} on LP {page.programme_id}: "
                f"stored {page.stored}, attendance rows {page.expected}"
            )
        if report.not_credited:
            self.stdout.write(
                f"{report.not_credited} attendance rows are not credited yet (no progression "
                "when recorded); they are listed for the office, not errors."
            )
        if not report.clean:
            raise CommandError(
                f"{len(report.progressions)} progression(s) and {len(report.attendance)} "
                "attendance row(s) do not match the hours log; "
                f"{len(report.copies_differ)} attendance row(s) do not match their session; "
                f"{len(report.latest_pages)} latest page(s) do not match the attendance rows."
            )
        self.stdout.write(self.style.SUCCESS("Hours log and totals agree."))
