"""The alerts' part of anonymising a learner (POPIA retention, issue 16): the titles
and bodies of the alerts about the learner's progressions name them; the name is
replaced by the anonymised one, in the retention run's transaction."""

from django.db.models import Value
from django.db.models.functions import Replace

from alerts.models import Alert
from alerts.rules import progression_subject
from progression.models import Progression


def forget_learner_name(sender, *, learner, old_name: str, **kwargs) -> int:
    subjects = [
        progression_subject(pk)
        for pk in Progression.objects.filter(learner=learner).values_list("pk", flat=True)
    ]
    if not subjects or not old_name:
        return 0
    new_name = str(learner)
    return Alert.objects.filter(subject__in=subjects).update(
        title=Replace("title", Value(old_name), Value(new_name)),
        body=Replace("body", Value(old_name), Value(new_name)),
    )
