"""What billing adds to the roles (the roles are classes/roles.py), after every
`migrate` (billing/apps.py). Idempotent; only adds.

It also writes the default pay rules where a row is missing (ensure_pay_rules).

Office admins manage rate cards (a change is a new row: add, never change or delete
in the admin), read the pay rules and may change what an outcome pays, read the
stored statements and claims, review claims and close months. Facilitators need no
permission: they see their own statements by being their facilitator.
"""

from django.apps import apps as global_apps

from classes.roles import OFFICE_ADMINS, grant_permissions

OFFICE_ADMIN_PERMISSIONS = {
    "billing": {
        "facilitatorrate": ("view", "add"),
        "clientrate": ("view", "add"),
        "payrule": ("view", "change"),
        "statement": ("view", "review_claim"),
        "statementline": ("view",),
        "claimaction": ("view",),
    },
    "classes": {"monthclose": ("view", "close_month")},
}


def ensure_billing_roles(apps=global_apps, using: str = "default", strict: bool = True) -> None:
    grant_permissions(
        OFFICE_ADMINS, OFFICE_ADMIN_PERMISSIONS, apps=apps, using=using, strict=strict
    )
    ensure_pay_rules(apps=apps, using=using)


def ensure_pay_rules(apps=global_apps, using: str = "default") -> None:
    """Every outcome has its pay rule row, the default where none is (after every
    `migrate`, and after a flush, which empties the table the data migration filled).
    An existing row, as an office admin may have changed it, is left as it is."""
    from billing.rules import DEFAULT_RULES, DESCRIPTIONS

    pay_rule = apps.get_model("billing", "PayRule")
    for outcome, pays in DEFAULT_RULES.items():
        pay_rule.objects.using(using).get_or_create(
            outcome=outcome.value,
            defaults={"pays": pays.value, "description": DESCRIPTIONS[outcome]},
        )
