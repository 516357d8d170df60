import datetime

from django.urls import path, register_converter

from classes import views
from classes.views import imports, offline, registers


class IsoDateConverter:
    """YYYY-MM-DD; an impossible date (2026-02-30) is a 404, not a 500."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> datetime.date:
        return datetime.date.fromisoformat(value)  # ValueError → no match → 404

    def to_url(self, value: datetime.date) -> str:
        return value.isoformat()


register_converter(IsoDateConverter, "isodate")

app_name = "classes"
urlpatterns = [
    path("", views.my_classes, name="my_classes"),
    path("waiting/", views.waiting, name="waiting"),
    path("offline-pages.json", offline.offline_pages, name="offline_pages"),
    path("import-unsent/", imports.import_unsent, name="import_unsent"),
    path("<int:class_id>/", views.class_attendance, name="attendance"),
    path("<int:class_id>/learners/", views.class_learners_page, name="learners"),
    path(
        "<int:class_id>/sessions/<isodate:session_date>/",
        views.session_detail,
        name="session_detail",
    ),
    path(
        "<int:class_id>/sessions/<isodate:session_date>/capture/",
        views.capture,
        name="capture",
    ),
    path(
        "<int:class_id>/sessions/<isodate:session_date>/not-held/",
        views.not_held,
        name="not_held",
    ),
    path(
        "<int:class_id>/sessions/<isodate:session_date>/correct/",
        views.correct,
        name="correct",
    ),
    path(
        "<int:class_id>/sessions/<isodate:session_date>/undo-not-held/",
        views.undo_not_held_view,
        name="undo_not_held",
    ),
    path(
        "<int:class_id>/sessions/<isodate:session_date>/void/",
        views.void,
        name="void",
    ),
    # The register on paper and back (issue 12).
    path(
        "<int:class_id>/sessions/<isodate:session_date>/register.pdf",
        registers.register_pdf,
        name="register_pdf",
    ),
    path("<int:class_id>/register.pdf", registers.month_register, name="month_register_pdf"),
    path(
        "<int:class_id>/sessions/<isodate:session_date>/signed-register/",
        registers.upload,
        name="upload_signed_register",
    ),
    path(
        "<int:class_id>/sessions/<isodate:session_date>/signed-register/<int:register_id>/",
        registers.signed_register_file,
        name="signed_register",
    ),
]
