from decimal import Decimal

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.utils import timezone

from learners.models import Learner
from progression.models import MAX_HOURS_PER_LOG_ROW, HoursLog, LearningProgramme, Progression


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
    # Shown only after the service found the same entry already logged.
    same_entry_confirmed = forms.BooleanField(
        required=False, label="Log it again", widget=forms.HiddenInput
    )

    def ask_to_confirm_same_entry(self, message: str) -> None:
        field = self.fields["same_entry_confirmed"]
        field.widget = forms.CheckboxInput()
        field.help_text = "This is another lesson with the same hours on the same day."
        self.add_error("same_entry_confirmed", message)

    # Which dates are allowed (not in the future, not before the progression started)
    # is ProgressionService's rule; the view shows its message as this form's error.


def _date_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label, initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )


class StatusActionForm(forms.Form):
    """The input of a progression status action; `selected` is how many progressions
    the action applies to."""

    def __init__(self, *args, selected: int = 1, **kwargs):
        super().__init__(*args, **kwargs)
        self.selected = selected


class HoldForm(StatusActionForm):
    effective_date = _date_field("On hold from")
    reason = forms.CharField(
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Optional; kept in the progression's notes.",
    )


class ResumeForm(StatusActionForm):
    effective_date = _date_field("In progress again from")


class CompleteForm(StatusActionForm):
    completion_date = _date_field("Completed on")
    portfolio = forms.FileField(
        required=False,
        label="Portfolio of evidence",
        help_text="Optional: a PDF, DOC or DOCX file of at most 10 MB.",
        widget=forms.FileInput(attrs={"accept": ".pdf,.doc,.docx"}),
    )

    def __init__(self, *args, selected: int = 1, **kwargs):
        super().__init__(*args, selected=selected, **kwargs)
        if selected != 1:
            # A portfolio is one learner's work: attach it when completing one.
            del self.fields["portfolio"]


class StartProgrammeForm(StatusActionForm):
    programme = forms.ModelChoiceField(
        queryset=LearningProgramme.objects.select_related("class_type"),
        label="Learning programme",
        widget=AutocompleteSelect(Progression._meta.get_field("programme"), admin.site),
    )
    start_date = _date_field("Start date")
    # The progression's own foreign key makes the field (as a ModelForm would): the
    # class model belongs to the classes app, above this one, and is not named here.
    klass = Progression._meta.get_field("klass").formfield(
        required=False,
        label="Class",
        widget=AutocompleteSelect(Progression._meta.get_field("klass"), admin.site),
        help_text=(
            "Optional: the class the learner follows it in. To put them on a class's "
            "roster, enrol them in the class instead; that starts the programme too."
        ),
    )
