"""The small form the resolution view parses its POST with (issue 10, point 3). Its
fields never fail: the service judges the kind and the notes and words the refusal."""

from __future__ import annotations

from django import forms

from classes.forms import FreeText

NOTES_MAX = 4000


class ResolutionForm(forms.Form):
    kind = FreeText(max_length=50)
    notes = FreeText(max_length=NOTES_MAX)
