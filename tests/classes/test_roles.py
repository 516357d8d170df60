import pytest
from django.contrib.auth.models import Group

from classes.roles import FACILITATORS, OFFICE_ADMINS, ensure_roles
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_roles_exist_after_migrate_and_ensure_roles_is_idempotent():
    admins = Group.objects.get(name=OFFICE_ADMINS)
    before = set(admins.permissions.values_list("codename", flat=True))
    assert {"capture_any_class", "add_hourslog", "view_hourslog", "change_class"} <= before
    # The ledger is never changed or deleted in the admin, even by office admins.
    assert not {"change_hourslog", "delete_hourslog", "delete_attendancesession"} & before
    assert Group.objects.filter(name=FACILITATORS).exists()

    ensure_roles()

    assert set(admins.permissions.values_list("codename", flat=True)) == before
    assert Group.objects.filter(name__in=[FACILITATORS, OFFICE_ADMINS]).count() == 2


def test_an_office_admin_may_capture_any_class_and_a_facilitator_may_not():
    admin = UserFactory(is_staff=True)
    admin.groups.add(Group.objects.get(name=OFFICE_ADMINS))
    facilitator = UserFactory()
    facilitator.groups.add(Group.objects.get(name=FACILITATORS))

    assert admin.has_perm("classes.capture_any_class")
    assert admin.has_perm("progression.add_hourslog")
    assert not facilitator.has_perm("classes.capture_any_class")
