"""classes.selectors.class_list: My classes' one read (issue 10, point 3)."""

import datetime

import pytest

from classes.models import Class
from classes.selectors import ClassFilters, class_list
from tests.factories import ClassFactory, ClientFactory, EnrolmentFactory, LearnerFactory

DAY = datetime.date(2026, 3, 2)


@pytest.fixture
def classes(own_facilitator, other_facilitator):
    acme = ClientFactory(name="Acme Mining")
    own = ClassFactory(code="B-OWN", facilitator=own_facilitator, client=acme)
    backed = ClassFactory(code="A-BACKUP", facilitator=other_facilitator)
    backed.backup_facilitators.add(own_facilitator)
    other = ClassFactory(
        code="C-OTHER", facilitator=other_facilitator, status=Class.Status.STOPPED, stop_date=DAY
    )
    for learner in LearnerFactory.create_batch(2):
        EnrolmentFactory(learner=learner, klass=own, start_date=DAY)
    EnrolmentFactory(learner=LearnerFactory(), klass=own, start_date=DAY + datetime.timedelta(1))
    return own, backed, other


def codes(queryset):
    return [klass.code for klass in queryset]


def test_a_facilitator_lists_their_own_and_backed_up_classes_by_code(classes, own_facilitator):
    listed = class_list(user=own_facilitator, day=DAY)

    assert codes(listed) == ["A-BACKUP", "B-OWN"]
    # Enrolled on the day: the third learner starts the day after.
    assert {k.code: k.learner_count for k in listed} == {"A-BACKUP": 0, "B-OWN": 2}


def test_filters_narrow_what_an_admin_sees(classes, admin_user, other_facilitator):
    def listed(**filters):
        return codes(class_list(user=admin_user, day=DAY, filters=ClassFilters(**filters)))

    assert listed() == ["A-BACKUP", "B-OWN", "C-OTHER"]
    assert listed(q="own") == ["B-OWN"]
    assert listed(q="acme") == ["B-OWN"]  # the client's name
    assert listed(status=Class.Status.STOPPED) == ["C-OTHER"]
    assert listed(facilitator=other_facilitator.pk) == ["A-BACKUP", "C-OTHER"]
    assert listed(q="other", status=Class.Status.ACTIVE) == []


def test_filters_never_widen_what_a_facilitator_sees(classes, own_facilitator, other_facilitator):
    filters = ClassFilters(facilitator=other_facilitator.pk)

    assert codes(class_list(user=own_facilitator, day=DAY, filters=filters)) == ["A-BACKUP"]


def test_the_list_is_read_in_a_fixed_number_of_queries(
    classes, admin_user, django_assert_num_queries
):
    for n in range(5):
        ClassFactory(code=f"D-{n}")
    # The classes with their counts, then their recorded sessions.
    with django_assert_num_queries(2):
        listed = list(class_list(user=admin_user, day=DAY))
        assert all(k.session_rows == [] for k in listed)
