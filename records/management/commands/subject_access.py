"""manage.py subject_access LEARNER_ID [--output PATH]: a learner's own record (POPIA s23)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from learners.models import Learner
from records.subject_access import subject_access_file


class Command(BaseCommand):
    help = "Write everything held about a learner (their access log included) as JSON."

    def add_arguments(self, parser):
        parser.add_argument("learner_id", type=int)
        parser.add_argument("--output", help="File to write (default: standard output).")

    def handle(self, *args, learner_id, output=None, **options):
        learner = Learner.objects.filter(pk=learner_id).first()
        if learner is None:
            raise CommandError(f"No learner with id {learner_id}.")
        body = subject_access_file(
            learner=learner, page="manage.py subject_access", by="manage.py subject_access"
        )
        if output:
            Path(output).write_text(body + "\n", encoding="utf-8")
            self.stdout.write(f"Wrote the subject-access file of learner {learner_id} to {output}.")
        else:
            self.stdout.write(body)
