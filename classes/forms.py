"""The small forms the attendance views parse a POST with (issue 10, point 3).

They turn text into values and nothing more, and never fail: every rule (which
statuses, which hours, whether a reason is needed) is the services', whose messages
the pages show. The per-learner fields (`hours_<id>`, `page_<id>`) keep their own
parser, `classes.views.forms.entries_from_post`, because their names carry the learner.
"""

from __future__ import annotations

from django import forms

from attendance_project.parsing import clean_text, parse_choice, parse_id, parse_int

TEXT_MAX = 2000
# No session has this version: an unreadable one is answered "changed meanwhile".
UNKNOWN_VERSION = -1
# Longer than any class code or client name.
SEARCH_MAX_LENGTH = 200


class FreeText(forms.CharField):
    """Typed text as PostgreSQL can store it: NUL characters (never typed by a person,
    sent by broken or hostile clients) dropped, cut at `max_length`."""

    def __init__(self, *, max_length: int = TEXT_MAX, **kwargs):
        super().__init__(required=False, strip=False, **kwargs)
        self.cut_at = max_length
        self.validators = []  # nothing to refuse: the service judges the text

    def to_python(self, value):
        return super().to_python(value).replace("\x00", "")[: self.cut_at]


class Ticked(forms.Field):
    """A confirmation checkbox of ours: ticked only when it sends the value "yes"."""

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value) -> bool:
        return value == "yes"


class Version(forms.Field):
    """The session version a correction or void form was shown with."""

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value) -> int:
        version = parse_int(value)
        return UNKNOWN_VERSION if version is None else version


class CaptureForm(forms.Form):
    """The confirmations of the capture form."""

    everyone_absent = Ticked()
    confirm_lower_pages = Ticked()
    # The "Save, marking the rest absent" button: empty hours fields become 0.
    rest_absent = Ticked()


class CorrectionForm(CaptureForm):
    reason = FreeText()
    version = Version()


class NotHeldForm(forms.Form):
    status = FreeText(max_length=30)
    notes = FreeText()


class VoidForm(forms.Form):
    reason = FreeText()
    version = Version()


class SearchText(forms.Field):
    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value) -> str:
        return clean_text(value, max_length=SEARCH_MAX_LENGTH)


class OptionalId(forms.Field):
    """A picked id; what does not parse is no pick."""

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value) -> int | None:
        return parse_id(value)


class ClassFilterForm(forms.Form):
    """The office's filters on My classes. What does not parse is no filter: the page
    shows the search text back as given and the others as "any"."""

    q = SearchText()
    status = FreeText(max_length=30)
    facilitator = OptionalId()

    def __init__(self, data, *, statuses):
        super().__init__(data)
        self.statuses = statuses

    def clean_status(self) -> str:
        return parse_choice(self.cleaned_data["status"], self.statuses) or ""


def parse(form_class: type[forms.Form], data, **kwargs) -> dict:
    """The values of a POST or query string (the fields above accept anything)."""
    form = form_class(data, **kwargs)
    if not form.is_valid():  # the fields above accept anything
        raise AssertionError(form.errors)
    return form.cleaned_data
