"""Signals about learners that the apps above react to.

`learner_anonymised` (POPIA retention, issue 16): sent by records.anonymise inside the
transaction that removes the learner's identity, with `learner` (already renamed) and
`old_name` (the name as it was shown, e.g. "Thandi Dlamini"), so that an app holding
texts that name the learner (the alerts) replaces the name in the same transaction.
"""

from django.dispatch import Signal

learner_anonymised = Signal()
