from django import forms

from alerts.models import Delivery, Rule


class PreferencesForm(forms.Form):
    """One choice per rule the user receives."""

    def __init__(self, *args, rules: tuple[str, ...], initial_choices: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for rule in rules:
            self.fields[rule] = forms.ChoiceField(
                label=Rule(rule).label,
                choices=Delivery.choices,
                initial=initial_choices.get(rule),
                widget=forms.RadioSelect,
            )
