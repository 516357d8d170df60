"""Pay and billing in the admin (issue 14).

- Rate cards (facilitator and client): added and viewed, never changed or deleted:
  a change of rate is a new row from its date, which billing.services ends the open
  one for (the day before). The add form is checked by a trial run of that service
  in a savepoint that is always rolled back, so an overlap with an existing period
  (the database's exclusion constraint) or a start in a closed month is a form error;
  the save calls the service again and a refusal there (someone added an
  overlapping rate in between) is a message, never a 500.
- Pay rules: an office admin may change what an outcome pays; the rows themselves
  are fixed (one per outcome).
- Statements, their lines, claim actions and closed months: read-only, as written
  by the services; a stored statement's PDF and CSV download as they were stored.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html

from attendance_project.admin_mixins import ReadOnlyAdminMixin, SafeAutocompleteMixin
from attendance_project.parsing import attachment_header
from billing.models import (
    ClaimAction,
    ClientRate,
    FacilitatorRate,
    PayRule,
    Statement,
    StatementLine,
)
from billing.services import BillingRefused, add_client_rate, add_facilitator_rate
from classes.models import MonthClose

RATE_REFUSED = "The rate was not added: {reason}"
RATE_NOT_SAVED = "The rate could not be saved ({error}); nothing was added."
RATE_ENDED = "The earlier rate ({rate}) now ends on {until}, the day before the new one."
ONE_DAY = datetime.timedelta(days=1)


class _TrialOnly(Exception):
    """Raised to roll back a trial run of a rate service."""


def _unsaved_copy(rate: models.Model) -> models.Model:
    model = type(rate)
    values = {
        field.attname: getattr(rate, field.attname)
        for field in model._meta.concrete_fields
        if not field.primary_key
    }
    return model(**values)


def check_rate(add: Callable[..., Any], rate: models.Model, user) -> None:
    """Run the service that adds `rate` and undo it: BillingRefused if it would
    refuse (an overlapping period, a closed month), nothing written either way."""
    try:
        with transaction.atomic():
            add(rate=_unsaved_copy(rate), created_by=user)
            raise _TrialOnly
    except _TrialOnly:
        pass


class RateAdminMixin(SafeAutocompleteMixin):
    """Add and view; the add goes through the rate service (`add_rate`)."""

    add_rate: Callable[..., Any]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        add_rate = type(self).add_rate

        class CheckedRateForm(form_class):
            def _post_clean(self):
                # After the model's own validation (fields, CHECK constraints): only a
                # rate that is valid in itself is tried against the other periods.
                super()._post_clean()
                if self.errors or self.instance.pk is not None:
                    return
                try:
                    check_rate(add_rate, self.instance, request.user)
                except BillingRefused as refused:
                    self.add_error("valid_from", refused.message)

        return CheckedRateForm

    def save_model(self, request, obj, form, change):
        try:
            type(self).add_rate(rate=obj, created_by=request.user)
        except BillingRefused as refused:
            obj.pk = None
            self.message_user(request, RATE_REFUSED.format(reason=refused.message), messages.ERROR)
        except IntegrityError as error:  # a rule of the table no form check saw
            obj.pk = None
            self.message_user(request, RATE_NOT_SAVED.format(error=error), messages.ERROR)
        else:
            ended = (
                type(obj)
                .objects.filter(**self.same_card(obj), valid_until=obj.valid_from - ONE_DAY)
                .first()
            )
            if ended is not None:
                self.message_user(
                    request,
                    RATE_ENDED.format(rate=ended, until=date_format(ended.valid_until)),
                    messages.INFO,
                )

    def same_card(self, obj) -> dict[str, Any]:
        """The fields that say which rate card a row belongs to."""
        raise NotImplementedError

    def save_related(self, request, form, formsets, change):
        if form.instance.pk is not None:
            super().save_related(request, form, formsets, change)

    def log_addition(self, request, obj, message):
        if obj.pk is not None:
            return super().log_addition(request, obj, message)
        return None

    def response_add(self, request, obj, post_url_continue=None):
        if obj.pk is None:  # refused at the save: the add form again, with the message
            return HttpResponseRedirect(request.path)
        return super().response_add(request, obj, post_url_continue)


@admin.register(FacilitatorRate)
class FacilitatorRateAdmin(RateAdminMixin, admin.ModelAdmin):
    add_rate = staticmethod(add_facilitator_rate)
    fields = [
        "klass",
        "facilitator",
        "basis",
        "amount",
        "travel_allowance_hours",
        "valid_from",
        "valid_until",
        "created_by",
        "created_at",
    ]
    list_display = [
        "klass",
        "facilitator",
        "basis",
        "amount",
        "travel_allowance_hours",
        "valid_from",
        "valid_until",
        "created_by",
    ]
    list_filter = ["basis", "klass__client"]
    list_select_related = ["klass", "facilitator", "created_by"]
    search_fields = [
        "klass__code",
        "facilitator__first_name",
        "facilitator__last_name",
        "facilitator__username",
    ]
    autocomplete_fields = ["klass", "facilitator"]
    ordering = ["klass__code", "facilitator_id", "-valid_from"]

    def same_card(self, obj) -> dict[str, Any]:
        return {"klass_id": obj.klass_id, "facilitator_id": obj.facilitator_id}

    def get_fields(self, request, obj=None):
        if obj is None:  # the end date is set by the next rate, the author by the save
            return [
                "klass",
                "facilitator",
                "basis",
                "amount",
                "travel_allowance_hours",
                "valid_from",
            ]
        return self.fields

    def get_readonly_fields(self, request, obj=None):
        return self.fields if obj is not None else []


@admin.register(ClientRate)
class ClientRateAdmin(RateAdminMixin, admin.ModelAdmin):
    add_rate = staticmethod(add_client_rate)
    fields = [
        "client",
        "programme",
        "basis",
        "amount",
        "cancellation_notice_hours",
        "valid_from",
        "valid_until",
        "created_by",
        "created_at",
    ]
    list_display = [
        "client",
        "programme",
        "basis",
        "amount",
        "cancellation_notice_hours",
        "valid_from",
        "valid_until",
        "created_by",
    ]
    list_filter = ["basis", "client"]
    list_select_related = ["client", "programme", "created_by"]
    search_fields = ["client__name", "programme__code", "programme__name"]
    autocomplete_fields = ["client", "programme"]
    ordering = ["client__name", "programme_id", "-valid_from"]

    def same_card(self, obj) -> dict[str, Any]:
        return {"client_id": obj.client_id, "programme_id": obj.programme_id}

    def get_fields(self, request, obj=None):
        if obj is None:
            return [
                "client",
                "programme",
                "basis",
                "amount",
                "cancellation_notice_hours",
                "valid_from",
            ]
        return self.fields

    def get_readonly_fields(self, request, obj=None):
        return self.fields if obj is not None else []


@admin.register(PayRule)
class PayRuleAdmin(admin.ModelAdmin):
    """What each outcome pays; the outcomes themselves are fixed."""

    list_display = ["outcome", "pays", "description"]
    fields = ["outcome", "description", "pays"]
    readonly_fields = ["outcome", "description"]
    radio_fields = {"pays": admin.VERTICAL}

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _file_response(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = attachment_header(filename)
    return response


@admin.register(Statement)
class StatementAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "month_label",
        "kind",
        "client",
        "facilitator",
        "hours",
        "amount",
        "checksum",
        "files",
    ]
    list_filter = ["kind", "month", "client"]
    list_select_related = ["client", "facilitator"]
    search_fields = ["client__name", "facilitator__first_name", "facilitator__last_name"]
    fields = readonly_fields = (
        "kind",
        "month",
        "client",
        "facilitator",
        "month_close",
        "hours",
        "amount",
        "checksum",
        "created_at",
        "files",
    )

    @admin.display(description="month", ordering="month")
    def month_label(self, obj):
        return f"{obj.month:%Y-%m}"

    @admin.display(description="stored files")
    def files(self, obj):
        return format_html(
            '<a href="{}">PDF</a> · <a href="{}">CSV</a>',
            reverse("admin:billing_statement_pdf", args=[obj.pk]),
            reverse("admin:billing_statement_csv", args=[obj.pk]),
        )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/statement.pdf",
                self.admin_site.admin_view(self.file_view),
                {"kind": "pdf"},
                name="billing_statement_pdf",
            ),
            path(
                "<path:object_id>/statement.csv",
                self.admin_site.admin_view(self.file_view),
                {"kind": "csv"},
                name="billing_statement_csv",
            ),
            *super().get_urls(),
        ]

    def file_view(self, request, object_id, kind):
        """The stored PDF or CSV, byte for byte as the close made it."""
        statement = self.get_object(request, object_id)
        if statement is None:
            raise Http404("No stored statement file.")
        if not self.has_view_permission(request, statement):
            raise PermissionDenied
        name = f"statement-{statement.kind}-{statement.client}-{statement.month:%Y-%m}"
        if statement.facilitator is not None:
            name += f"-{statement.facilitator}"
        if kind == "pdf":
            return _file_response(
                bytes(statement.pdf), filename=f"{name}.pdf", content_type="application/pdf"
            )
        return _file_response(
            bytes(statement.csv), filename=f"{name}.csv", content_type="text/csv; charset=utf-8"
        )


@admin.register(StatementLine)
class StatementLineAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "statement",
        "kind",
        "class_code",
        "session_date",
        "learner",
        "rule",
        "hours",
        "rate",
        "amount",
    ]
    list_filter = ["kind", "statement__kind", "for_month"]
    list_select_related = ["statement", "klass", "learner"]
    search_fields = ["klass__code", "learner__surname", "key"]
    fields = readonly_fields = (
        "statement",
        "kind",
        "key",
        "for_month",
        "class_code",
        "session",
        "learner",
        "session_date",
        "status",
        "rule",
        "hours",
        "hours_present",
        "days",
        "rate",
        "amount",
        "description",
    )

    @admin.display(description="class", ordering="klass__code")
    def class_code(self, obj):
        return obj.klass.code


@admin.register(ClaimAction)
class ClaimActionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "facilitator",
        "client",
        "month",
        "step",
        "action",
        "claimed_hours",
        "payable_hours",
        "payable_amount",
        "acted_by",
        "acted_at",
    ]
    list_filter = ["action", "month", "client"]
    list_select_related = ["facilitator", "client", "acted_by"]
    search_fields = ["facilitator__first_name", "facilitator__last_name", "client__name", "notes"]
    readonly_fields = [f.name for f in ClaimAction._meta.fields]


@admin.register(MonthClose)
class MonthCloseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["client", "month", "closed_by", "closed_at"]
    list_filter = ["month", "client"]
    list_select_related = ["client", "closed_by"]
    search_fields = ["client__name"]
    readonly_fields = [f.name for f in MonthClose._meta.fields]
