"""manage.py load_lookups [PATH]: load the funders' code lists as a lookup version."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from learners.lookups import CodeList, LookupCode, LookupVersion

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
        if created:
            LookupCode.objects.bulk_create(
                LookupCode(
                    version=version,
                    code_list=code_list,
                    code=row["code"],
                    description=row["description"],
                )
                for code_list, rows in data["lists"].items()
                for row in rows
            )
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
