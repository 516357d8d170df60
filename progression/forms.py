from decimal import Decimal

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.utils import timezone

from learners.models import Learner
from progression.models import MAX_HOURS_PER_LOG_ROW, HoursLog


class ManualHoursForm(forms.Form):
    """Hours an office admin credits by hand (e.g. a catch-up lesson outside the schedule)."""

    learner = forms.ModelChoiceField(
        queryset=Learner.objects.all(),
        widget=AutocompleteSelect(HoursLog._meta.get_field("learner"), admin.site),
        help_text="The hours go to this learner's programme in progress.",
    )
    log_date = forms.DateField(
        label="Date trained",
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    hours_trained = forms.DecimalField(
        min_value=Decimal("0.01"), max_value=MAX_HOURS_PER_LOG_ROW, decimal_places=2
    )
    hours_present = forms.DecimalField(
        min_value=Decimal("0"), max_value=MAX_HOURS_PER_LOG_ROW, decimal_places=2
    )
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why these hours are added by hand; auditors read this.",
    )

    def clean_log_date(self):
        log_date = self.cleaned_data["log_date"]
        if log_date > timezone.localdate():
            raise forms.ValidationError("Hours cannot be logged for a future date.")
        return log_date
