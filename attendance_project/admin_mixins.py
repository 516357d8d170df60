"""Admin building blocks shared by the apps."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.core.exceptions import ValidationError

from submissions.keys import InvalidSubmission, key_from_post, reissue_or_keep

if TYPE_CHECKING:
    # The type ModelAdmin declares for its templates (a name of the stubs only).
    from django.template.response import _TemplateForResponseT


class ReadOnlyAdminMixin:
    """Rows written only by services (ledger, sessions, histories): view, never edit."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInlineMixin(ReadOnlyAdminMixin):
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
        key = reissue_or_keep(request.POST, user=request.user, purpose=request.path)
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
