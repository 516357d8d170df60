"""The hours log (the ledger) in the admin: read-only, fast at a million rows, with a
CSV export of exactly the rows the filters select and a form for manual hours."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.db import connections
from django.db.models import Case, CharField, F, Func, Value, When
from django.db.models.functions import Concat
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator

from attendance_project.admin_filters import (
    DateRangeFilter,
    facilitator_filter,
    selected_only_filter,
)
from attendance_project.admin_lists import LargeTableAdminMixin, filtered_queryset
from attendance_project.admin_mixins import IdentitySearchMixin, ReadOnlyAdminMixin
from attendance_project.csv_export import FORMULA_REGEX, copy_csv_response, csv_response
from attendance_project.parsing import parse_id
from learners import access
from learners.models import SPECIAL_INFORMATION, Learner
from progression.forms import ManualHoursForm
from progression.models import HoursLog
from progression.services import (
    ProgressionError,
    SameEntryLogged,
    log_manual_hours,
)
from submissions.http import form_key, replay_response, submitted_key
from submissions.keys import AlreadySubmitted, InvalidSubmission

MANUAL_HOURS_LOGGED = "Logged {present} of {trained} hours for {learner}."
# The ledger list's marker of a reversal row (a correction's or a void's negative
# copy of an earlier row), linking to the row it cancels.
REVERSAL_MARKER = "Reversal of entry {entry}"
# Notes longer than this are cut in the list (the row's page shows them whole).
REASON_PREVIEW_CHARS = 80

# The CSV's columns: header and the field each is read from (one query, no model
# instances: rows are streamed straight from the database cursor).
EXPORT_COLUMNS = [
    ("entry", "pk"),
    ("session date", "log_date"),
    ("learner surname", "learner__surname"),
    ("learner first names", "learner__first_names"),
    ("SA ID number", "learner__id_number"),
    ("passport number", "learner__passport_number"),
    ("LP code", "programme__code"),
    ("LP", "programme__name"),
    ("class", "klass__code"),
    ("client", "klass__client__name"),
    ("facilitator", "klass__facilitator__username"),
    ("hours trained", "hours_trained"),
    ("hours present", "hours_present"),
    ("source", "source"),
    ("session", "session_id"),
    ("recorded by", "created_by__username"),
    ("reverses entry", "reverses_id"),
    ("notes", "notes"),
    ("recorded at", "created_at"),
]
# Special personal information (POPIA, issue 16): exported only for those who may see it.
IDENTITY_COLUMNS = {"learner__id_number", "learner__passport_number"}
EXPORT_CHUNK_SIZE = 2000
# Columns a person typed (names, codes, notes): only these can smuggle a spreadsheet
# formula, so only these pass through the CSV formula guard.
EXPORT_TEXT_FIELDS = {
    "learner__surname",
    "learner__first_names",
    "learner__id_number",
    "learner__passport_number",
    "programme__code",
    "programme__name",
    "klass__code",
    "klass__client__name",
    "klass__facilitator__username",
    "created_by__username",
    "notes",
}


def hours(value: Decimal) -> str:
    """Hours without trailing zeros: 42, 42.5, 120, -3."""
    return f"{value.normalize():f}"


LearnerFilter = selected_only_filter(
    title="learner", parameter_name="learner", model=Learner, field="learner_id"
)


@admin.register(HoursLog)
class HoursLogAdmin(
    IdentitySearchMixin, LargeTableAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin
):
    """The ledger, read-only: rows are added by ProgressionService and never changed.

    What needs the classes app above this one (the class filter, the links to the
    sessions and to the attendance not credited) is added by the classes app's
    extension of this admin (classes/admin_progression.py): progression does not
    reach into classes (DESIGN §5).
    """

    list_display = [
        "learner",
        "programme_code",
        "klass",
        "session_date",
        "trained",
        "present",
        "source_and_entry",
        "reason",
        "recorded_by",
    ]
    list_filter = [
        "source",
        ("log_date", DateRangeFilter.titled("session date")),
        # The facilitator is the class's: ledger rows carry the class (`klass`) whether
        # or not they came from a session, so manual rows are found too. (The class
        # filter itself comes with the classes app's extension, after the dates.)
        facilitator_filter("klass__facilitator"),
        ("klass__client", admin.RelatedFieldListFilter),
        LearnerFilter,
    ]
    list_select_related = ["learner", "programme", "klass", "session", "created_by"]
    search_fields = [
        "learner__surname",
        "learner__first_names",
        "=learner__id_number",
        "=learner__passport_number",
        "klass__code",
    ]
    search_help_text = "Learner name, SA ID or passport number (exact), or class code."
    # Served by the (log_date, id) index read backwards: no sort of the whole ledger.
    ordering = ["-log_date", "-id"]
    # Other columns would sort a million rows for every page.
    sortable_by = ["session_date"]
    readonly_fields = [f.name for f in HoursLog._meta.fields]
    actions = ["export_csv"]

    class Media:
        css = {"all": ["css/admin.css"]}

    @admin.display(description="LP", ordering="programme__code")
    def programme_code(self, obj):
        return obj.programme.code

    @admin.display(description="session date", ordering="log_date")
    def session_date(self, obj):
        return obj.log_date

    @admin.display(description="trained")
    def trained(self, obj):
        return hours(obj.hours_trained)

    @admin.display(description="present")
    def present(self, obj):
        return hours(obj.hours_present)

    @admin.display(description="source")
    def source_and_entry(self, obj):
        """The source, and on a reversal row a marker: its hours are the negatives of
        the row it cancels, which the marker links to."""
        source = obj.get_source_display()
        if obj.reverses_id is None:
            return source
        url = reverse("admin:progression_hourslog_change", args=[obj.reverses_id])
        return format_html(
            '{}<br><span class="reversal">↩ <a href="{}">{}</a></span>',
            source,
            url,
            REVERSAL_MARKER.format(entry=obj.reverses_id),
        )

    @admin.display(description="reason")
    def reason(self, obj):
        """Why the row was written: a correction's or a void's reason, a manual entry's
        notes (empty for hours credited by a capture)."""
        return Truncator(obj.notes).chars(REASON_PREVIEW_CHARS) or None

    @admin.display(description="recorded by")
    def recorded_by(self, obj):
        user = obj.created_by
        return (user.get_full_name() or user.get_username()) if user else None

    def get_urls(self):
        return [
            path(
                "manual/",
                self.admin_site.admin_view(self.manual_hours_view),
                name="progression_hourslog_manual",
            ),
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="progression_hourslog_export",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_log_manual_hours": request.user.has_perm("progression.add_hourslog"),
            # (label, URL) of lists elsewhere that belong with the ledger; apps above
            # this one add theirs (classes: the attendance not credited).
            "related_links": self.related_links(request),
        }
        return super().changelist_view(request, extra_context)

    def related_links(self, request) -> list[tuple[str, str]]:
        return []

    @admin.action(description="Export selected rows to CSV")
    def export_csv(self, request, queryset):
        return self._export(request, queryset)

    def _export(self, request, queryset):
        columns = export_columns(request.user)
        if columns is EXPORT_COLUMNS:  # with the identity numbers: logged (POPIA)
            access.record(
                queryset,
                action=access.EXPORTED,
                what=access.HOURS_LOG,
                page=request.path,
                user=request.user,
            )
        return export_response(queryset, columns=columns)

    def export_view(self, request):
        """Every row the list's current filters and search select, as CSV."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            queryset = filtered_queryset(self, request)
        except IncorrectLookupParameters:
            return redirect(reverse("admin:progression_hourslog_changelist") + "?e=1")
        return self._export(request, queryset)

    def manual_hours_view(self, request):
        # The ledger's add permission is the right to credit hours by hand.
        if not request.user.has_perm("progression.add_hourslog"):
            raise PermissionDenied
        form = ManualHoursForm(request.POST or None, initial=manual_hours_initial(request.GET))
        key = form_key(request)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            done_url = (
                reverse("admin:progression_hourslog_changelist") + f"?learner={data['learner'].pk}"
            )
            try:
                log_manual_hours(
                    learner=data["learner"],
                    log_date=data["log_date"],
                    hours_trained=data["hours_trained"],
                    hours_present=data["hours_present"],
                    notes=data["notes"],
                    created_by=request.user,
                    submission=submitted_key(request, outcome_url=done_url),
                    same_entry_confirmed=data["same_entry_confirmed"],
                )
            except AlreadySubmitted as replay:
                return replay_response(request, replay)
            except InvalidSubmission as invalid:
                form.add_error(None, invalid.message)
            except SameEntryLogged as same:
                form.ask_to_confirm_same_entry(same.message)
            except ProgressionError as error:
                form.add_error(None, error.message)
            else:
                self.message_user(
                    request,
                    MANUAL_HOURS_LOGGED.format(
                        present=data["hours_present"],
                        trained=data["hours_trained"],
                        learner=data["learner"],
                    ),
                    messages.SUCCESS,
                )
                return redirect(done_url)
        context = {
            **self.admin_site.each_context(request),
            "title": "Log manual hours",
            "form": form,
            "submission_key": key,
            "opts": self.model._meta,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/progression/hourslog/manual_hours.html", context)


def manual_hours_initial(query) -> dict:
    """What a link may fill in: the learner (?learner=ID, from the list's link).
    Anything else, or an id that does not read as one, leaves the form blank."""
    learner_id = parse_id(query.get("learner"))
    return {} if learner_id is None else {"learner": learner_id}


def export_columns(user) -> list[tuple[str, str]]:
    """The export's columns for `user`: without identity numbers unless they may see them."""
    if user.has_perm(SPECIAL_INFORMATION):
        return EXPORT_COLUMNS
    return [(name, field) for name, field in EXPORT_COLUMNS if field not in IDENTITY_COLUMNS]


def export_response(queryset, columns=EXPORT_COLUMNS):
    """Stream the rows as CSV with flat memory however many rows the filters select:
    on PostgreSQL straight from COPY, elsewhere (the SQLite of `make run`) row by row
    from the cursor, 2,000 at a time."""
    filename = f"hours-log-{timezone.localdate().isoformat()}.csv"
    header = [name for name, _ in columns]
    if connections[queryset.db].vendor == "postgresql":
        return copy_csv_response(filename, header, export_queryset(queryset, columns))
    return export_row_by_row(queryset, filename, header, columns)


def export_row_by_row(queryset, filename, header, columns=EXPORT_COLUMNS):
    fields = [field for _, field in columns]
    recorded_at = fields.index("created_at")
    local = timezone.get_current_timezone()  # once, not per row

    def rows():
        for row in queryset.values_list(*fields).iterator(chunk_size=EXPORT_CHUNK_SIZE):
            row = list(row)
            row[recorded_at] = row[recorded_at].astimezone(local).strftime("%Y-%m-%d %H:%M")
            yield row

    text_columns = [i for i, field in enumerate(fields) if field in EXPORT_TEXT_FIELDS]
    return csv_response(filename, header, rows(), text_columns=text_columns)


def export_queryset(queryset, columns=EXPORT_COLUMNS):
    """The export's columns computed by PostgreSQL, in order: typed text through the
    formula guard, the recording time in the site's time zone, the rest as stored."""
    local = timezone.get_current_timezone_name()
    computed = {}
    for index, (_, field) in enumerate(columns):
        if field in EXPORT_TEXT_FIELDS:
            expression = Case(
                When(
                    **{f"{field}__regex": FORMULA_REGEX},
                    then=Concat(Value("'"), F(field), output_field=CharField()),
                ),
                default=F(field),
                output_field=CharField(),
            )
        elif field == "created_at":
            expression = Func(
                Func(Value(local), F(field), function="timezone"),
                Value("YYYY-MM-DD HH24:MI"),
                function="to_char",
                output_field=CharField(),
            )
        else:
            expression = F(field)
        computed[f"c{index}"] = expression
    return (
        queryset.order_by()
        .annotate(**computed)
        .order_by(*queryset.query.order_by)
        .values_list(*computed)
    )
