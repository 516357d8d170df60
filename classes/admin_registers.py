"""Signed registers in the admin: listed, read-only (they are uploaded on the session
page and never changed), each downloadable by staff who may view them, and shown on
their session's admin page."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.defaultfilters import filesizeformat
from django.urls import path, reverse
from django.utils.html import format_html

from attendance_project.admin_filters import DateRangeFilter, facilitator_filter
from attendance_project.admin_mixins import ReadOnlyAdminMixin, ReadOnlyInlineMixin
from classes.registers.files import scan_download
from classes.registers.models import SignedRegister


def _download_link(scan: SignedRegister) -> str:
    url = reverse("admin:classes_signedregister_file", args=[scan.pk])
    label = f"Download ({scan.get_kind_display()}, {filesizeformat(scan.size_bytes)})"
    return format_html('<a href="{}">{}</a>', url, label)


class SignedRegisterInline(ReadOnlyInlineMixin, admin.TabularInline):
    """On the session's admin page: every upload, the latest first."""

    model = SignedRegister
    fields = readonly_fields = ("uploaded_at", "uploaded_by", "original_name", "download")
    ordering = ["-uploaded_at", "-id"]
    show_change_link = False
    verbose_name = "signed register"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by")

    @admin.display(description="file")
    def download(self, obj):
        return _download_link(obj) if obj.pk else ""


@admin.register(SignedRegister)
class SignedRegisterAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["session", "uploaded_at", "uploaded_by", "kind", "size", "download"]
    list_filter = [
        "kind",
        ("session__session_date", DateRangeFilter),
        facilitator_filter("session__klass__facilitator"),
    ]
    list_select_related = ["session__klass", "uploaded_by"]
    search_fields = ["session__klass__code"]
    ordering = ["-uploaded_at", "-id"]
    readonly_fields = [*(f.name for f in SignedRegister._meta.fields), "download"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("session__klass", "uploaded_by")

    @admin.display(description="size")
    def size(self, obj):
        return filesizeformat(obj.size_bytes)

    @admin.display(description="file")
    def download(self, obj):
        return _download_link(obj)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/file/",
                self.admin_site.admin_view(self.file_view),
                name="classes_signedregister_file",
            ),
            *super().get_urls(),
        ]

    def file_view(self, request, object_id):
        """The scan, for staff who may view signed registers: media files are never
        served publicly. Read through the storage API (disk or S3)."""
        scan = self.get_object(request, object_id)
        if scan is None:
            raise Http404("No signed register.")
        if not self.has_view_permission(request, scan):
            raise PermissionDenied
        return scan_download(scan)
