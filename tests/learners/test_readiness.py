"""Is a learner ready for the funders' files? Every reason named (issue 16)."""

import datetime
import json

import pytest

from learners.lookups import LookupVersion
from learners.management.commands.load_lookups import SHIPPED, load
from learners.models import Learner
from learners.readiness import readiness
from tests.factories import ReadyLearnerFactory

pytestmark = pytest.mark.usefixtures("lookups")
TODAY = datetime.date(2026, 12, 31)
LISTS = "(SETMIS-MR v1.01 lookups (2026-12))"


def reasons(learner: Learner) -> list[str]:
    learner.refresh_from_db()
    return [p.message for p in readiness([learner], today=TODAY)[learner.pk]]


def test_a_complete_record_with_a_valid_id_number_is_ready():
    learner = ReadyLearnerFactory(id_number="8001015009087")
    assert reasons(learner) == []


def test_a_wrong_check_digit_a_placeholder_name_and_no_equity_code_are_each_named():
    learner = ReadyLearnerFactory(id_number="8001015009088", surname="UNKNOWN", equity_code="")

    assert reasons(learner) == [
        "SA ID number 8001015009088: the check digit (the last) is wrong.",
        "Surname 'UNKNOWN': a placeholder, not a name.",
        "Equity code: missing.",
    ]


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"first_names": "N/A"}, "First names 'N/A': a placeholder, not a name."),
        ({"first_names": "Thandi As Above"}, "Middle names 'As Above': a placeholder, not a name."),
        (
            {"surname": "Dlamini2"},
            "Surname 'Dlamini2': only letters A–Z (no accents), spaces, hyphens and apostrophes.",
        ),
        (
            {"surname": "X" * 46},
            f"Surname {'X' * 46!r}: longer than the 45 characters the file allows.",
        ),
        (
            {"home_language_code": "Klingon"},
            f"Home language: 'Klingon' is not in the code list {LISTS}.",
        ),
        ({"seeing_rating": "5"}, f"Seeing: '5' is not in the code list {LISTS}."),
        ({"popi_status": ""}, "POPI Act status: missing."),
        ({"popi_status_date": None}, "POPI Act status date: missing."),
        (
            {"popi_status_date": datetime.date(2027, 1, 1)},
            "POPI Act status date 2027-01-01: in the future.",
        ),
        ({"equity_code": "Wh"}, "Equity code 'Wh': does not match the population group (African)."),
        ({"gender_code": "M"}, "Gender code 'M': does not match the gender (Female)."),
        (
            {"birth_date": datetime.date(1980, 1, 2)},
            "Date of birth 1980-01-02: the SA ID number says 1980-01-01.",
        ),
        ({"statssa_area_code": "JHB-1"}, "STATSSA area code 'JHB-1': digits only, at most 20."),
        (
            {"alternate_id_type": "527"},
            "Alternative ID type: '527' needs the alternative ID number.",
        ),
    ],
)  # fmt: skip
def test_each_rule_names_the_field(changes, reason):
    learner = ReadyLearnerFactory(id_number="8001015009087", **changes)
    assert reasons(learner) == [reason]


def test_a_passport_holder_needs_the_passport_type_and_a_date_of_birth():
    learner = ReadyLearnerFactory(
        id_number=None, passport_number="A1234567", alternate_id_type="533", citizen_status_code="O"
    )
    assert reasons(learner) == [
        "Date of birth: missing (needed without an SA ID number).",
        "Alternative ID type: 533 (none) does not go with a passport number.",
    ]
    Learner.objects.filter(pk=learner.pk).update(
        alternate_id_type="527", birth_date=datetime.date(1991, 5, 4)
    )
    assert reasons(learner) == []


def test_a_new_version_of_the_lists_leaves_old_records_valid(tmp_path):
    learner = ReadyLearnerFactory(home_language_code="SASL")
    data = json.loads(SHIPPED.read_text())
    data["version"] = "SETMIS next"
    data["lists"]["home_language"] = [
        row for row in data["lists"]["home_language"] if row["code"] != "SASL"
    ]
    path = tmp_path / "next.json"
    path.write_text(json.dumps(data))

    version, created = load(path)
    again, created_again = load(path)

    assert (created, created_again) == (True, False)
    assert version == again
    assert LookupVersion.objects.count() == 2
    assert reasons(learner) == []  # coded against the first version
    newer = ReadyLearnerFactory(home_language_code="SASL", lookup_version=version)
    assert reasons(newer) == ["Home language: 'SASL' is not in the code list (SETMIS next)."]


@pytest.mark.parametrize("surname", ["Straße", "Aylın", "Zoë"])
def test_a_name_outside_ascii_is_not_ready_even_when_it_upper_cases_to_ascii(surname):
    learner = ReadyLearnerFactory(id_number="8001015009087", surname=surname)
    assert reasons(learner) == [
        f"Surname {surname!r}: only letters A–Z (no accents), spaces, hyphens and apostrophes."
    ]


@pytest.mark.parametrize("passport", ["AB-1234", "A" * 21, "№12345"])
def test_a_passport_number_the_file_cannot_carry_is_named(passport):
    learner = ReadyLearnerFactory(
        id_number=None,
        passport_number=passport,
        alternate_id_type="527",
        birth_date=datetime.date(1991, 5, 4),
    )
    assert reasons(learner) == ["Passport number: letters and digits only, at most 20."]


@pytest.mark.parametrize("code", ["F", "M"])
def test_gender_other_may_be_sent_with_either_code(code):
    learner = ReadyLearnerFactory(id_number="8001015009087", gender="other", gender_code=code)
    assert reasons(learner) == []


def test_a_changed_list_under_the_same_version_is_refused(tmp_path):
    from django.core.management import CommandError

    data = json.loads(SHIPPED.read_text())
    data["lists"]["gender"].append({"code": "X", "description": "Another"})
    path = tmp_path / "same-version.json"
    path.write_text(json.dumps(data))

    with pytest.raises(CommandError, match="differ from the loaded ones"):
        load(path)
    assert LookupVersion.objects.count() == 1


@pytest.mark.django_db
def test_the_first_load_stamps_the_learners_coded_before_it():
    from learners.lookups import LookupCode
    from tests.factories import LearnerFactory

    LookupCode.objects.all().delete()
    LookupVersion.objects.all().delete()
    earlier = LearnerFactory()
    version, created = load()
    earlier.refresh_from_db()
    assert created
    assert earlier.lookup_version == version
