import pytest
from django.db.models import ProtectedError

from learners.models import Client, Learner
from tests.constraints import assert_violates
from tests.factories import ClientFactory, LearnerFactory

pytestmark = pytest.mark.django_db


def learner(**overrides):
    values = {
        "first_names": "Zanele",
        "surname": "Dlamini",
        "id_number": "8501015800083",
        "race": "african",
        "gender": "female",
    } | overrides
    return Learner.objects.create(**values)


@pytest.mark.parametrize(
    ("constraint", "overrides"),
    [
        ("learners_names_not_blank", {"surname": ""}),
        ("learners_names_not_blank", {"first_names": ""}),
        ("learners_identity_document_required", {"id_number": None, "passport_number": None}),
        ("learners_id_number_13_digits", {"id_number": "85010158"}),
        ("learners_id_number_13_digits", {"id_number": "85010158000AB"}),
        ("learners_race_valid", {"race": "martian"}),
        ("learners_gender_valid", {"gender": "unknown"}),
    ],
)
def test_learner_checks(constraint, overrides):
    assert_violates(constraint, lambda: learner(**overrides))


def test_a_passport_is_enough_identity():
    assert learner(id_number=None, passport_number="A1234567").pk


def test_id_and_passport_numbers_are_unique():
    LearnerFactory(id_number="8501015800083", passport_number="P1")
    assert_violates("learners_id_number_key", lambda: learner(id_number="8501015800083"))
    assert_violates(
        "learners_passport_number_key", lambda: learner(id_number=None, passport_number="P1")
    )


def test_learners_without_a_passport_do_not_clash():
    learner(id_number="8501015800083", passport_number=None)
    assert learner(id_number="8501015800091", passport_number=None).pk


def test_client_name_is_required_and_unique():
    ClientFactory(name="Acme")
    assert_violates("clients_name_not_blank", lambda: Client.objects.create(name=""))
    assert_violates("clients_name_key", lambda: Client.objects.create(name="Acme"))


def test_a_client_with_employees_cannot_be_deleted():
    employer = ClientFactory()
    LearnerFactory(employer=employer)
    with pytest.raises(ProtectedError):
        employer.delete()
