"""Is a learner's record ready for the funders' files? (issue 16)

`problems` lists every reason a record is not ready to submit (empty: ready), each
naming the field, in the words the learner's form and the not-ready report show.
The rules are the SETMIS validators' (docs/decisions.md, issue 16): SA ID numbers
(13 digits, a date of birth, the citizenship digit, the check digit) or an
alternative ID with its type; names in the allowed characters, without placeholder
words, fitting the file's widths; every required code present and in the learner's
version of the code lists; POPI Act status and date. A record may be saved with
problems (attendance is taken before the paperwork is complete); the exports
refuse it until they are gone.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from learners.identity import birth_date_of, id_number_problem
from learners.lookups import (
    EQUITY_FOR_RACE,
    GENDER_CODE_FOR,
    NO_ALTERNATE_ID,
    CodeList,
    LookupCode,
    LookupVersion,
)
from learners.models import RATING_FIELDS, Learner

# SETMIS person-file widths of the name fields (first name is the first of the
# learner's first names; the others go in the middle-name field).
NAME_WIDTHS = {"first": 26, "middle": 50, "surname": 45}
# The SETMIS validators' characters (upper-cased) and placeholder words.
# On the stored value (ASCII only: the files are ASCII; "Straße" upper-cases to ASCII).
NAME_CHARACTERS = re.compile(r"[A-Za-z`' -]+")
# The file's alternate-ID field: 20 characters; the validators' letters and digits.
PASSPORT = re.compile(r"[A-Za-z0-9]{1,20}")
PLACEHOLDERS_WITHIN = ("UNKNOWN", "AS ABOVE", "SOOS BO", "DELETE", "ONTBREEK")
PLACEHOLDERS_EXACT = {"N/A", "0", "TEST", "NIL", "NILL", "-", "–", "NA", "U", "NONE", "GEEN"}
STATSSA_AREA = re.compile(r"[0-9]{1,20}")

# The codes every record needs, with the list each comes from.
REQUIRED_CODES = {
    "equity_code": CodeList.EQUITY,
    "gender_code": CodeList.GENDER,
    "home_language_code": CodeList.HOME_LANGUAGE,
    "citizen_status_code": CodeList.CITIZEN_STATUS,
    "nationality_code": CodeList.NATIONALITY,
    "socio_economic_code": CodeList.SOCIO_ECONOMIC,
    "province_code": CodeList.PROVINCE,
    "popi_status": CodeList.POPI_STATUS,
}
OPTIONAL_CODES = dict.fromkeys(RATING_FIELDS, CodeList.DISABILITY_RATING)

MISSING = "{label}: missing."
NOT_IN_LIST = "{label}: {code!r} is not in the code list ({version})."
NO_LISTS = "The funders' code lists are not loaded (manage.py load_lookups)."
ANONYMISED = "Anonymised on {day}: no longer submitted."
NAME_CHARACTERS_WRONG = (
    "{label} {value!r}: only letters A–Z (no accents), spaces, hyphens and apostrophes."
)
PASSPORT_WRONG = "Passport number: letters and digits only, at most 20."
NAME_PLACEHOLDER = "{label} {value!r}: a placeholder, not a name."
NAME_TOO_LONG = "{label} {value!r}: longer than the {width} characters the file allows."
NO_IDENTITY = "SA ID number or passport number: one is required."
ALTERNATE_TYPE_MISSING = "Alternative ID type: required with a passport number."
ALTERNATE_TYPE_NONE = "Alternative ID type: 533 (none) does not go with a passport number."
ALTERNATE_TYPE_WITHOUT_ID = "Alternative ID type: {code!r} needs the alternative ID number."
BIRTH_DATE_MISSING = "Date of birth: missing (needed without an SA ID number)."
BIRTH_DATE_DIFFERS = "Date of birth {day}: the SA ID number says {born}."
EQUITY_DIFFERS = "Equity code {code!r}: does not match the population group ({race})."
GENDER_DIFFERS = "Gender code {code!r}: does not match the gender ({gender})."
POPI_DATE_MISSING = "POPI Act status date: missing."
POPI_DATE_FUTURE = "POPI Act status date {day}: in the future."
STATSSA_WRONG = "STATSSA area code {code!r}: digits only, at most 20."


# Special personal information (POPIA s26 and the ID number): the fields whose
# values only holders of learners.view_special_information may see, and the words a
# problem with one of them is shown in to everyone else.
SPECIAL_FIELDS = frozenset(
    {"id_number", "passport_number", "alternate_id_type", "birth_date", "race", "equity_code",
     *RATING_FIELDS}
)  # fmt: skip
SPECIAL_PROBLEM = "{label}: not ready (special personal information: ask an office admin)."


@dataclass(frozen=True)
class Problem:
    field: str
    message: str

    def shown(self, *, special: bool) -> str:
        """The message, or for a special field without the permission to see it, the
        field's name only (the message may hold the ID number or the race)."""
        if special or self.field not in SPECIAL_FIELDS:
            return self.message
        return SPECIAL_PROBLEM.format(label=label(self.field))


class CodeBook:
    """The codes of the lookup versions the learners use, read in one query."""

    def __init__(self, version_ids: Iterable[int | None]):
        newest = LookupVersion.objects.order_by("-loaded_at", "-id").first()
        self.newest = newest
        wanted = {v for v in version_ids if v is not None}
        if newest is not None:
            wanted.add(newest.pk)
        self.names = dict(LookupVersion.objects.filter(pk__in=wanted).values_list("pk", "version"))
        self.codes: dict[tuple[int, str], set[str]] = defaultdict(set)
        rows = LookupCode.objects.filter(version_id__in=wanted).values_list(
            "version_id", "code_list", "code"
        )
        for version_id, code_list, code in rows:
            self.codes[(version_id, code_list)].add(code)

    def version_of(self, learner: Learner) -> int | None:
        if learner.lookup_version_id is not None:
            return learner.lookup_version_id
        return self.newest.pk if self.newest is not None else None


def label(field: str) -> str:
    name = str(getattr(Learner._meta.get_field(field), "verbose_name", field))
    return name[:1].upper() + name[1:]


def split_first_names(first_names: str) -> tuple[str, str]:
    """The file's first name (the first of them) and middle names (the rest)."""
    first, _, middle = first_names.strip().partition(" ")
    return first, middle.strip()


def _name_problems(field: str, what: str, value: str, width: int) -> list[Problem]:
    shown = label(field) if what != "middle" else "Middle names"
    upper = value.strip().upper()
    if not upper:
        return []
    found = []
    if any(word in upper for word in PLACEHOLDERS_WITHIN) or upper in PLACEHOLDERS_EXACT:
        found.append(Problem(field, NAME_PLACEHOLDER.format(label=shown, value=value)))
    elif not NAME_CHARACTERS.fullmatch(value.strip()):
        found.append(Problem(field, NAME_CHARACTERS_WRONG.format(label=shown, value=value)))
    if len(value.strip()) > width:
        found.append(Problem(field, NAME_TOO_LONG.format(label=shown, value=value, width=width)))
    return found


def _identity_problems(learner: Learner, today: datetime.date) -> list[Problem]:
    found = []
    if not learner.id_number and not learner.passport_number:
        found.append(Problem("id_number", NO_IDENTITY))
    if learner.id_number:
        wrong = id_number_problem(learner.id_number, today=today)
        if wrong:
            found.append(Problem("id_number", wrong))
        else:
            born = birth_date_of(learner.id_number, today=today)
            if learner.birth_date and learner.birth_date != born:
                found.append(
                    Problem(
                        "birth_date",
                        BIRTH_DATE_DIFFERS.format(day=learner.birth_date, born=born),
                    )
                )
    elif not learner.birth_date:
        found.append(Problem("birth_date", BIRTH_DATE_MISSING))
    if learner.passport_number and not PASSPORT.fullmatch(learner.passport_number):
        found.append(Problem("passport_number", PASSPORT_WRONG))
    kind = learner.alternate_id_type
    if learner.passport_number and not kind:
        found.append(Problem("alternate_id_type", ALTERNATE_TYPE_MISSING))
    elif learner.passport_number and kind == NO_ALTERNATE_ID:
        found.append(Problem("alternate_id_type", ALTERNATE_TYPE_NONE))
    elif not learner.passport_number and kind not in ("", NO_ALTERNATE_ID):
        found.append(Problem("alternate_id_type", ALTERNATE_TYPE_WITHOUT_ID.format(code=kind)))
    return found


def _code_problems(learner: Learner, book: CodeBook) -> list[Problem]:
    version = book.version_of(learner)
    if version is None:
        return [Problem("lookup_version", NO_LISTS)]
    name = book.names.get(version, str(version))
    found = []
    for field, code_list in {**REQUIRED_CODES, **OPTIONAL_CODES}.items():
        code = getattr(learner, field)
        if not code:
            if field in REQUIRED_CODES:
                found.append(Problem(field, MISSING.format(label=label(field))))
        elif code not in book.codes[(version, code_list)]:
            found.append(
                Problem(field, NOT_IN_LIST.format(label=label(field), code=code, version=name))
            )
    kind = learner.alternate_id_type
    if kind and kind not in book.codes[(version, CodeList.ALTERNATE_ID_TYPE)]:
        found.append(
            Problem(
                "alternate_id_type",
                NOT_IN_LIST.format(label=label("alternate_id_type"), code=kind, version=name),
            )
        )
    return found


def _consistency_problems(learner: Learner, today: datetime.date) -> list[Problem]:
    found = []
    expected_equity = EQUITY_FOR_RACE.get(learner.race)
    if learner.equity_code and learner.equity_code not in (expected_equity, "U"):
        found.append(
            Problem(
                "equity_code",
                EQUITY_DIFFERS.format(
                    code=learner.equity_code, race=learner.get_race_display() or "none"
                ),
            )
        )
    # "Other" has no code of its own in the funders' list: either code may be sent.
    expected_gender = GENDER_CODE_FOR.get(learner.gender)
    if learner.gender_code and expected_gender and learner.gender_code != expected_gender:
        found.append(
            Problem(
                "gender_code",
                GENDER_DIFFERS.format(
                    code=learner.gender_code, gender=learner.get_gender_display() or "none"
                ),
            )
        )
    if learner.popi_status and learner.popi_status_date is None:
        found.append(Problem("popi_status_date", POPI_DATE_MISSING))
    elif learner.popi_status_date and learner.popi_status_date > today:
        found.append(
            Problem("popi_status_date", POPI_DATE_FUTURE.format(day=learner.popi_status_date))
        )
    area = learner.statssa_area_code
    if area and not STATSSA_AREA.fullmatch(area):
        found.append(Problem("statssa_area_code", STATSSA_WRONG.format(code=area)))
    return found


def problems(learner: Learner, book: CodeBook, *, today: datetime.date) -> list[Problem]:
    """Every reason `learner` is not ready to submit; [] when ready."""
    if learner.anonymised_at is not None:
        return [Problem("anonymised_at", ANONYMISED.format(day=learner.anonymised_at.date()))]
    first, middle = split_first_names(learner.first_names)
    return [
        *_identity_problems(learner, today),
        *_name_problems("first_names", "first", first, NAME_WIDTHS["first"]),
        *_name_problems("first_names", "middle", middle, NAME_WIDTHS["middle"]),
        *_name_problems("surname", "surname", learner.surname, NAME_WIDTHS["surname"]),
        *_code_problems(learner, book),
        *_consistency_problems(learner, today),
    ]


def readiness(learners: Iterable[Learner], *, today: datetime.date) -> dict[int, list[Problem]]:
    """Each learner's problems by id, the code lists read once."""
    learners = list(learners)
    book = CodeBook(learner.lookup_version_id for learner in learners)
    return {learner.pk: problems(learner, book, today=today) for learner in learners}
