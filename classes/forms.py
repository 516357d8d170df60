"""The small forms the attendance views parse a POST with (issue 10, point 3).

They turn text into values and nothing more, and never fail: every rule (which
statuses, which hours, whether a reason is needed) is the services', whose messages
the pages show. The per-learner fields (`hours_<id>`, `page_<id>`) keep their own
parser, `classes.views.forms.entries_from_post`, because their names carry the learner.
"""

from __future__ import annotations

from django import forms

# A session's version is a small counter; anything else can match no session.
MAX_VERSION = 2**31 - 1
NO_VERSION = -1
TEXT_MAX = 2000


class FreeText(forms.CharField):
    """Typed text as PostgreSQL can store it: NUL characters (never typed by a person,
    sent by broken or hostile clients) dropped, cut at `max_length`."""

    def __init__(self, *, max_length: int = TEXT_MAX, **kwargs):
        super().__init__(required=False, strip=False, **kwargs)
        self.cut_at = max_length
        self.validators = []  # nothing to refuse: the service judges the text

    def to_python(self, value):
        return super().to_python(value).replace("\x00", "")[: self.cut_at]


class Version(forms.Field):
    """The session version a correction or void form was based on."""

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value) -> int:
        text = value if isinstance(value, str) else ""
        if text.isascii() and text.isdigit() and int(text) <= MAX_VERSION:
            return int(text)
        return NO_VERSION


class Ticked(forms.Field):
    """A confirmation checkbox of ours: ticked only when it sends the value "yes"."""

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value) -> bool:
        return value == "yes"


class CaptureForm(forms.Form):
    """The confirmations of the capture form."""

    everyone_absent = Ticked()
    confirm_lower_pages = Ticked()


class CorrectionForm(CaptureForm):
    reason = FreeText()
    version = Version()


class NotHeldForm(forms.Form):
    status = FreeText(max_length=30)
    notes = FreeText()


class VoidForm(forms.Form):
    reason = FreeText()
    version = Version()


def parse(form_class: type[forms.Form], data) -> dict:
    """The values of a POST (or of nothing: a GET's empty form)."""
    form = form_class(data)
    if not form.is_valid():  # the fields above accept anything
        raise AssertionError(form.errors)
    return form.cleaned_data
