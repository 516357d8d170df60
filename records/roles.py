"""What records add to the roles (classes/roles.py), after every `migrate`.

Office admins submit the funders' files, so they hold the separate permission to
see special personal information (learners.view_special_information: ID numbers,
race, disability ratings) and may produce a learner's subject-access file; they
read the access log. A provider that wants a narrower office role makes a group
without these. Facilitators get none of it: they see names and hours only.
"""

from django.apps import apps as global_apps

from classes.roles import OFFICE_ADMINS, grant_permissions
from learners.models import SPECIAL_INFORMATION

SUBJECT_ACCESS = "records.produce_subject_access"

OFFICE_ADMIN_PERMISSIONS = {
    "learners": {
        "learner": ("view_special_information",),
        "lookupversion": ("view",),
        "lookupcode": ("view",),
    },
    "records": {"accesslog": ("view", "produce_subject_access")},
}


def ensure_records_roles(apps=global_apps, using: str = "default", strict: bool = True) -> None:
    grant_permissions(
        OFFICE_ADMINS, OFFICE_ADMIN_PERMISSIONS, apps=apps, using=using, strict=strict
    )


def may_see_special(user) -> bool:
    return user.has_perm(SPECIAL_INFORMATION)
