"""Who gets what, how: each user's choice per rule (the Notifications page), else the
rule's default for their role."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import Group

from alerts.models import Delivery, Preference, Rule
from classes.roles import OFFICE_ADMINS

# The rules each role receives (the Notifications page lists these).
FACILITATOR_RULES = (Rule.CAPTURE_REMINDER, Rule.AT_RISK, Rule.REGISTER_MISSING)
OFFICE_RULES = (Rule.CAPTURE_ESCALATION, Rule.AT_RISK, Rule.EXCESSIVE_HOURS)

WHY = {
    Rule.CAPTURE_REMINDER: "you facilitate this class (or stand in for its facilitator)",
    Rule.CAPTURE_ESCALATION: "you are an office admin and the session is days overdue",
    Rule.AT_RISK: "you facilitate this learner's class, or are an office admin",
    Rule.EXCESSIVE_HOURS: "you are an office admin",
    Rule.REGISTER_MISSING: "you facilitate this class (or stand in for its facilitator)",
}


def is_office_admin(user) -> bool:
    return user.groups.filter(name=OFFICE_ADMINS).exists()


def default_delivery(*, office: bool) -> str:
    return Delivery.DIGEST if office and settings.ALERTS_OFFICE_DIGEST else Delivery.EMAIL


def rules_for(user) -> tuple[str, ...]:
    office = is_office_admin(user)
    rules = list(OFFICE_RULES if office else FACILITATOR_RULES)
    # An office admin who also teaches a class gets its reminders too.
    if office and user.facilitated_classes.exists():
        rules = [*FACILITATOR_RULES, *(r for r in OFFICE_RULES if r not in FACILITATOR_RULES)]
    return tuple(rules)


def deliveries(users: Iterable, rule: str) -> dict[int, str]:
    """Each user's delivery for `rule`, in two queries whatever their number."""
    users = list(users)
    chosen = dict(
        Preference.objects.filter(user__in=[u.pk for u in users], rule=rule).values_list(
            "user_id", "delivery"
        )
    )
    office_ids = set(
        Group.objects.filter(name=OFFICE_ADMINS, user__in=[u.pk for u in users]).values_list(
            "user", flat=True
        )
    )
    return {
        user.pk: chosen.get(user.pk) or default_delivery(office=user.pk in office_ids)
        for user in users
    }


def choices_of(user) -> dict[str, str]:
    """The user's delivery for each of their rules."""
    office = is_office_admin(user)
    chosen = dict(Preference.objects.filter(user=user).values_list("rule", "delivery"))
    return {rule: chosen.get(rule) or default_delivery(office=office) for rule in rules_for(user)}
