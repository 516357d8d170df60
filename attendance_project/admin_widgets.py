"""The admin's autocomplete pickers, safe with any value a request carries.

Django's AutocompleteSelect looks up the selected value to show its label
(`queryset.filter(pk__in=[value])`). A value that is no key of the remote model —
`?facilitator=²` on an add page, or a POST re-shown with its "Select a valid choice"
error — made that lookup raise, and the page a 500. These widgets leave such values
out: the picker shows nothing chosen, and the form's own error says why.
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError

from attendance_project.parsing import has_nul


class KeyValuesOnlyMixin:
    field: Any  # the autocomplete widget's model field (AutocompleteMixin sets it)

    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, [v for v in value if self._is_key(v)], attr)

    def _is_key(self, value) -> bool:
        remote = self.field.remote_field
        opts = remote.model._meta
        key = opts.get_field(getattr(remote, "field_name", None) or opts.pk.name)
        if isinstance(value, str) and has_nul(value):
            return False
        try:
            key.get_prep_value(key.to_python(value))
        except (ValidationError, ValueError, TypeError, OverflowError):
            return False
        return True


class SafeAutocompleteSelect(KeyValuesOnlyMixin, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(KeyValuesOnlyMixin, AutocompleteSelectMultiple):
    pass
