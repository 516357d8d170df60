"""Admin building blocks shared by the apps."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from attendance_project.admin_widgets import SafeAutocompleteSelect, SafeAutocompleteSelectMultiple
from submissions.http import form_key
from submissions.keys import InvalidSubmission, key_from_post

if TYPE_CHECKING:
    # The type ModelAdmin declares for its templates (a name of the stubs only).
    from django.template.response import _TemplateForResponseT


class IdentitySearchMixin:
    """Searching by a learner's ID or passport number only for those who may see them
    (POPIA, issue 16): otherwise a search would tell whose number it is."""

    IDENTITY_FIELDS = ("id_number", "passport_number")
    # learners.models.SPECIAL_INFORMATION (the project package imports no app).
    PERMISSION = "learners.view_special_information"

    def get_search_fields(self, request):
        fields = super().get_search_fields(request)
        if request.user.has_perm(self.PERMISSION):
            return fields
        return [f for f in fields if not any(name in f for name in self.IDENTITY_FIELDS)]


class ReadOnlyAdminMixin:
    """Rows written only by services (ledger, sessions, histories): view, never edit."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# New rows one inline form may add at once: far more than anyone types in.
MAX_NEW_INLINE_ROWS = 100


class BoundedInlineMixin:
    """An inline that builds no more forms than it has rows, plus MAX_NEW_INLINE_ROWS.

    Django builds (and on an error shows) as many forms as a POST's TOTAL_FORMS says,
    up to 1,000 more than max_num: a crafted count made one request build and render
    2,000 rows, seconds of CPU. Counted once per page (one query per inline).
    """

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        rows = 0
        if obj is not None and obj.pk is not None:
            rows = self.get_queryset(request).filter(**{formset.fk.name: obj}).count()
        formset.absolute_max = rows + MAX_NEW_INLINE_ROWS
        return formset


class ReadOnlyInlineMixin(BoundedInlineMixin, ReadOnlyAdminMixin):
    extra = 0
    can_delete = False
    show_change_link = True


class KeyedChangeFormMixin:
    """A change form whose save writes through a service: the form carries a one-time
    submission key (submissions/keys.py), read back by the admin's save hooks."""

    change_form_template: ClassVar[_TemplateForResponseT | None] = (
        "admin/submissions/keyed_change_form.html"
    )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        key = form_key(request)
        extra_context = {**(extra_context or {}), "submission_key": key}
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        purpose = request.path

        class KeyedForm(form_class):
            def clean(self):
                cleaned = super().clean()
                # A keyless or forged submit is refused before anything is saved.
                try:
                    key_from_post(request.POST, user=request.user, purpose=purpose, outcome_url="-")
                except InvalidSubmission as invalid:
                    raise ValidationError(invalid.message) from None
                return cleaned

        return KeyedForm


class SafeAutocompleteMixin:
    """`autocomplete_fields` whose pickers survive a value that is no key (a crafted
    query string or POST): attendance_project.admin_widgets. For ModelAdmins and
    inlines alike; Django uses its own widget only when none is given."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


ROWS_CHANGED = "The rows below changed since this page was shown; reload it and try again."


class CheckedInlineFormSet(BaseInlineFormSet):
    """An inline whose count of existing rows is the one the page was shown with.

    Django trusts the form's INITIAL_FORMS: sent lower than the rows shown, the
    existing rows come back as new ones, and a unique constraint (a programme code
    per class type, a date per schedule) fails in the database: a 500. Refused here
    as a form error instead (also when rows were added or removed meanwhile).
    """

    def clean(self):
        super().clean()
        if self.is_bound and self.initial_form_count() != self.get_queryset().count():
            raise ValidationError(ROWS_CHANGED)


class CheckedInlineMixin(BoundedInlineMixin, SafeAutocompleteMixin):
    """An editable inline, safe with a crafted form: CheckedInlineFormSet, a bounded
    number of forms, and autocomplete pickers that survive a value that is no key."""

    formset: Any = CheckedInlineFormSet
