"""The funder files' filters: a period and, optionally, a client, programme or class."""

from __future__ import annotations

import datetime

from django import forms

from classes.models import Class
from learners.models import Client
from progression.models import LearningProgramme

END_BEFORE_START = "Period: the end ({end}) is before the start ({start})."


class FunderFilesForm(forms.Form):
    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))
    client = forms.ModelChoiceField(
        Client.objects.all(), required=False, empty_label="Every client"
    )
    programme = forms.ModelChoiceField(
        LearningProgramme.objects.order_by("code"),
        required=False,
        label="Learning programme",
        empty_label="Every programme",
    )
    klass = forms.ModelChoiceField(
        Class.objects.order_by("code"), required=False, label="Class", empty_label="Every class"
    )

    def __init__(self, data, *, today: datetime.date):
        data = data.copy()
        data.setdefault("start", datetime.date(today.year, 1, 1).isoformat())
        data.setdefault("end", datetime.date(today.year, 12, 31).isoformat())
        super().__init__(data)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            raise forms.ValidationError(END_BEFORE_START.format(start=start, end=end))
        return cleaned
