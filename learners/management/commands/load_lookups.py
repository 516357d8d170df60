"""manage.py load_lookups [PATH]: load the funders' code lists as a lookup version."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from learners.lookups import CodeList, LookupCode, LookupVersion
from learners.models import Learner

CHANGED_WITHOUT_NEW_VERSION = (
    "The code lists of version {version!r} differ from the loaded ones: a changed list "
    'is a new version (change "version" in the file); nothing was loaded.'
)
SHIPPED = Path(__file__).resolve().parents[2] / "data" / "setmis_lookups.json"


def load(path: Path = SHIPPED) -> tuple[LookupVersion, bool]:
    """The file's version, created with its codes if new; (version, created)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    unknown = set(data["lists"]) - set(CodeList.values)
    if unknown:
        raise CommandError(f"{path}: unknown code lists {sorted(unknown)}")
    with transaction.atomic():
        # get_or_create on the UNIQUE version: two loads at once make one version.
        version, created = LookupVersion.objects.get_or_create(
            version=data["version"], defaults={"source": data["source"]}
        )
        wanted = {
            (code_list, row["code"], row["description"])
            for code_list, rows in data["lists"].items()
            for row in rows
        }
        if created:
            LookupCode.objects.bulk_create(
                LookupCode(version=version, code_list=code_list, code=code, description=words)
                for code_list, code, words in sorted(wanted)
            )
            # Learners coded before any list was loaded (the migration filled their
            # equity and gender codes) follow this first version from now on.
            if LookupVersion.objects.count() == 1:
                Learner.objects.filter(lookup_version__isnull=True).update(lookup_version=version)
        else:
            held = set(version.codes.values_list("code_list", "code", "description"))
            if held != wanted:
                raise CommandError(CHANGED_WITHOUT_NEW_VERSION.format(version=version.version))
    return version, created


class Command(BaseCommand):
    help = "Load the funders' code lists (SETMIS lookups) from the shipped file or PATH."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(SHIPPED))

    def handle(self, *args, path, **options):
        version, created = load(Path(path))
        codes = version.codes.count()
        state = "loaded" if created else "already loaded"
        self.stdout.write(f"Lookup version {version.version!r} {state}: {codes} codes.")
