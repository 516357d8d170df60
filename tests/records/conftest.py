import datetime

import pytest

from tests.factories import (
    ClassFactory,
    ClientFactory,
    EnrolmentFactory,
    LearnerFactory,
    LearningProgrammeFactory,
    ReadyLearnerFactory,
    ScheduleFactory,
)

START = datetime.date(2026, 2, 2)


@pytest.fixture
def client_class(lookups, now, own_facilitator):
    """A client's class on a programme with its SAQA id, and its learners: two ready
    (one who did not consent), one with a wrong check digit; and a class of another
    client with a ready learner of its own."""
    client = ClientFactory(name="Mzansi Mining (Pty) Ltd")
    programme = LearningProgrammeFactory(code="BE-COMM1", saqa_qualification_id="49648")
    klass = ClassFactory(client=client, programme=programme, facilitator=own_facilitator)
    ScheduleFactory(klass=klass, start_date=START)
    learners = {
        "ready": ReadyLearnerFactory(
            first_names="Thandeka Grace", surname="Dlamini", id_number="8001015009087"
        ),
        "no_consent": ReadyLearnerFactory(
            first_names="Sipho",
            surname="Nkosi",
            id_number="9202205720082",
            gender="male",
            gender_code="M",
            popi_status="2",
        ),
        "wrong_id": ReadyLearnerFactory(
            first_names="Lerato", surname="Mokoena", id_number="8001015009088"
        ),
    }
    for learner in learners.values():
        EnrolmentFactory(klass=klass, learner=learner, start_date=START)
    other = ClassFactory(client=ClientFactory(name="Other Client"), programme=programme)
    ScheduleFactory(klass=other, start_date=START)
    EnrolmentFactory(klass=other, learner=ReadyLearnerFactory(surname="Pillay"), start_date=START)
    EnrolmentFactory(klass=other, learner=LearnerFactory(surname="Uncoded"), start_date=START)
    return klass, learners
