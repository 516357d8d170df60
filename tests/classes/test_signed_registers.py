"""Uploading a session's signed register: the service, the session page's form, the
download, who may do each, and what the database keeps."""

import pytest
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.template.defaultfilters import filesizeformat
from django.test import Client
from django.urls import reverse

from classes.registers.models import MAX_SIGNED_REGISTER_BYTES, SignedRegister
from classes.registers.scans import (
    SCAN_MISSING,
    SCAN_TOO_LARGE,
    SCAN_WRONG_KIND,
    UPLOAD_FIELD,
    ScanRejected,
)
from classes.services import NotAllowed, mark_session_not_held
from classes.services.signed_registers import (
    NOT_CAPTURED,
    NOT_CAPTURED_STATUS,
    SignedRegisterRefused,
    upload_signed_register,
)
from classes.views.registers import UPLOADED_MESSAGE
from submissions.keys import FIELD_NAME, issue_key
from tests.classes.conftest import MONDAY, NOW, WEDNESDAY, capture_monday
from tests.classes.scan_files import EXE, PDF, jpeg, pdf_of_size, png, upload
from tests.factories import UserFactory

pytestmark = pytest.mark.usefixtures("ledger_checked", "media_root")


@pytest.fixture
def captured(scheduled_class, own_facilitator):
    return capture_monday(scheduled_class, own_facilitator)


def upload_url(klass, day=MONDAY):
    return reverse("classes:upload_signed_register", args=[klass.pk, day])


def detail_url(klass, day=MONDAY):
    return reverse("classes:session_detail", args=[klass.pk, day])


def stored_files() -> list[str]:
    if not default_storage.exists("signed-registers"):
        return []
    found = []
    for folder in default_storage.listdir("signed-registers")[0]:
        found += default_storage.listdir(f"signed-registers/{folder}")[1]
    return found


# ---- The service


def test_a_photo_is_stored_under_a_name_of_our_own(scheduled_class, own_facilitator, captured):
    scan = upload_signed_register(
        klass=scheduled_class,
        session_date=MONDAY,
        file=upload("IMG 0231 (2).JPG", jpeg()),
        uploaded_by=own_facilitator,
    )

    assert (scan.session, scan.kind, scan.uploaded_by) == (captured, "jpeg", own_facilitator)
    assert scan.original_name == "IMG 0231 (2).JPG"
    assert scan.uploaded_at == NOW  # the app's (pinned) clock, as for captured_at
    assert scan.size_bytes == len(jpeg())
    assert scan.file.name.startswith(f"signed-registers/class-{scheduled_class.pk}/2026-03-02-")
    assert scan.file.name.endswith(".jpeg")
    with scan.file.open("rb") as stored:
        assert stored.read() == jpeg()


def test_a_renamed_program_is_refused_and_nothing_is_stored(
    scheduled_class, own_facilitator, captured
):
    with pytest.raises(ScanRejected) as refused:
        upload_signed_register(
            klass=scheduled_class,
            session_date=MONDAY,
            file=upload("register.png", EXE),
            uploaded_by=own_facilitator,
        )

    assert refused.value.message == SCAN_WRONG_KIND.format(name="register.png")
    assert not SignedRegister.objects.exists()
    assert stored_files() == []


def test_only_a_captured_session_has_a_register_to_sign(scheduled_class, own_facilitator):
    with pytest.raises(SignedRegisterRefused) as pending:
        upload_signed_register(
            klass=scheduled_class,
            session_date=MONDAY,
            file=upload("register.pdf", PDF),
            uploaded_by=own_facilitator,
        )
    assert pending.value.message == NOT_CAPTURED.format(date="2 March 2026")

    mark_session_not_held(
        klass=scheduled_class,
        session_date=WEDNESDAY,
        recorded_by=own_facilitator,
        status="agent_absent",
    )
    with pytest.raises(SignedRegisterRefused) as not_held:
        upload_signed_register(
            klass=scheduled_class,
            session_date=WEDNESDAY,
            file=upload("register.pdf", PDF),
            uploaded_by=own_facilitator,
        )
    assert not_held.value.message == NOT_CAPTURED_STATUS.format(
        date="4 March 2026", status="Facilitator absent"
    )
    assert not SignedRegister.objects.exists()
    assert stored_files() == []


def test_the_service_holds_who_may_upload(scheduled_class, other_facilitator, captured):
    with pytest.raises(NotAllowed):
        upload_signed_register(
            klass=scheduled_class,
            session_date=MONDAY,
            file=upload("register.pdf", PDF),
            uploaded_by=other_facilitator,
        )
    assert not SignedRegister.objects.exists()


def test_the_table_is_append_only(scheduled_class, own_facilitator, captured):
    scan = upload_signed_register(
        klass=scheduled_class,
        session_date=MONDAY,
        file=upload("register.pdf", PDF),
        uploaded_by=own_facilitator,
    )
    with connection.cursor() as cursor:
        # The insert's deferred foreign-key checks now: a TRUNCATE would be refused
        # for them ("pending trigger events"), not by the guard.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for statement in [
        "UPDATE class_attendance_signed_registers SET kind = 'png'",
        "DELETE FROM class_attendance_signed_registers",
        "TRUNCATE class_attendance_signed_registers",
    ]:
        with (
            pytest.raises(IntegrityError, match="is append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
    scan.refresh_from_db()
    assert scan.kind == "pdf"


# ---- The session page and the upload form


def test_the_session_page_offers_the_register_and_the_upload_form(
    client, scheduled_class, own_facilitator, captured
):
    client.force_login(own_facilitator)

    content = client.get(detail_url(scheduled_class)).content.decode()

    assert reverse("classes:register_pdf", args=[scheduled_class.pk, MONDAY]) in content
    assert 'enctype="multipart/form-data"' in content
    assert f'action="{upload_url(scheduled_class)}"' in content
    assert f'name="{UPLOAD_FIELD}"' in content
    assert "Not uploaded yet" in content
    assert 'accept="image/jpeg,image/png,application/pdf"' in content


def test_no_upload_form_before_capture(client, scheduled_class, own_facilitator):
    client.force_login(own_facilitator)
    content = client.get(detail_url(scheduled_class)).content.decode()
    assert "Print the register (PDF)" in content
    assert 'enctype="multipart/form-data"' not in content


def test_upload_shows_the_scan_and_a_better_one_replaces_it_on_the_page(
    client, scheduled_class, own_facilitator, captured
):
    client.force_login(own_facilitator)

    first = client.post(
        upload_url(scheduled_class), {UPLOAD_FIELD: upload("register.jpg", jpeg())}, follow=True
    )

    assert first.redirect_chain == [(detail_url(scheduled_class), 302)]
    content = first.content.decode()
    size = filesizeformat(len(jpeg()))
    assert UPLOADED_MESSAGE.format(date="2 March 2026", kind="JPEG photo", size=size) in content
    assert "Uploaded by Thandi Mokoena" in content
    assert "Upload a better scan" in content

    client.post(upload_url(scheduled_class), {UPLOAD_FIELD: upload("register.pdf", PDF)})

    scans = list(SignedRegister.objects.order_by("pk"))
    assert [s.kind for s in scans] == ["jpeg", "pdf"]  # the first is kept as it was
    page = client.get(detail_url(scheduled_class))
    assert page.context["signed_register"] == scans[1]
    assert page.context["earlier_signed_registers"] == [scans[0]]
    assert "Earlier uploads (1)" in page.content.decode()


def test_a_replayed_upload_stores_one_scan(client, scheduled_class, own_facilitator, captured):
    client.force_login(own_facilitator)
    key = issue_key(user=own_facilitator, purpose=upload_url(scheduled_class))

    for _ in range(2):
        response = client.post(
            upload_url(scheduled_class),
            {UPLOAD_FIELD: upload("register.png", png()), FIELD_NAME: key},
            follow=True,
        )

    assert "it was saved once, and this copy changed nothing" in response.content.decode()
    assert SignedRegister.objects.count() == 1
    assert len(stored_files()) == 1


def test_a_renamed_program_is_refused_with_the_reason_on_the_page(
    client, scheduled_class, own_facilitator, captured
):
    client.force_login(own_facilitator)

    response = client.post(upload_url(scheduled_class), {UPLOAD_FIELD: upload("setup.png", EXE)})

    assert response.status_code == 400
    content = response.content.decode()
    assert SCAN_WRONG_KIND.format(name="setup.png") in content
    assert "The signed register was not uploaded" in content
    assert 'aria-invalid="true"' in content
    assert not SignedRegister.objects.exists()
    # The form is there again, with its unused key, to try another file.
    assert f'action="{upload_url(scheduled_class)}"' in content


def test_a_file_over_10_mb_is_refused_with_the_reason_on_the_page(
    client, scheduled_class, own_facilitator, captured
):
    client.force_login(own_facilitator)
    big = upload("register.pdf", pdf_of_size(MAX_SIGNED_REGISTER_BYTES + 1))

    response = client.post(upload_url(scheduled_class), {UPLOAD_FIELD: big})

    assert response.status_code == 400
    assert SCAN_TOO_LARGE.format(name="register.pdf", size="10.0") in response.content.decode()
    assert not SignedRegister.objects.exists()
    assert stored_files() == []


def test_a_body_far_over_the_limit_is_refused_before_it_is_read(
    client, scheduled_class, own_facilitator, captured
):
    client.force_login(own_facilitator)
    response = client.post(upload_url(scheduled_class), {}, CONTENT_LENGTH=str(30 * 1024 * 1024))
    assert response.status_code == 413


def test_a_submit_without_a_file_or_with_two_is_refused(
    client, scheduled_class, own_facilitator, captured
):
    client.force_login(own_facilitator)

    none = client.post(upload_url(scheduled_class), {})
    two = client.post(
        upload_url(scheduled_class),
        {UPLOAD_FIELD: [upload("a.pdf", PDF), upload("b.pdf", PDF)]},
    )

    assert none.status_code == two.status_code == 400
    assert SCAN_MISSING in none.content.decode()
    assert "choose one file; 2 were sent" in two.content.decode()
    assert not SignedRegister.objects.exists()


def test_an_upload_needs_its_key_and_the_csrf_token(scheduled_class, own_facilitator, captured):
    plain = Client()
    plain.force_login(own_facilitator)
    keyless = plain.post(upload_url(scheduled_class), {UPLOAD_FIELD: upload("r.pdf", PDF)})
    assert keyless.status_code == 400
    assert "without its one-time key" in keyless.content.decode()

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(own_facilitator)
    assert (
        strict.post(upload_url(scheduled_class), {UPLOAD_FIELD: upload("r.pdf", PDF)}).status_code
        == 403
    )
    assert not SignedRegister.objects.exists()


# ---- Who may upload and download


@pytest.fixture
def scan(scheduled_class, own_facilitator, captured):
    return upload_signed_register(
        klass=scheduled_class,
        session_date=MONDAY,
        file=upload("register.pdf", PDF),
        uploaded_by=own_facilitator,
    )


def file_url(scan):
    return reverse("classes:signed_register", args=[scan.session.klass_id, MONDAY, scan.pk])


@pytest.mark.parametrize("persona", ["own_facilitator", "backup", "office_admin", "admin_user"])
def test_the_class_facilitators_and_the_office_download_the_scan(request, client, scan, persona):
    if persona == "backup":
        user = UserFactory()
        scan.session.klass.backup_facilitators.add(user)
    else:
        user = request.getfixturevalue(persona)
    client.force_login(user)

    response = client.get(file_url(scan))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == PDF
    assert "no-store" in response["Cache-Control"]


def test_another_facilitator_gets_404_for_the_scan_and_the_upload(
    client, scheduled_class, other_facilitator, scan
):
    client.force_login(other_facilitator)

    assert client.get(file_url(scan)).status_code == 404
    assert (
        client.post(upload_url(scheduled_class), {UPLOAD_FIELD: upload("r.pdf", PDF)}).status_code
        == 404
    )
    assert (
        client.get(reverse("classes:register_pdf", args=[scheduled_class.pk, MONDAY])).status_code
        == 404
    )
    month = reverse("classes:month_register_pdf", args=[scheduled_class.pk])
    assert client.get(month).status_code == 404
    assert SignedRegister.objects.count() == 1


def test_a_scan_is_found_only_at_its_own_session(client, scheduled_class, own_facilitator, scan):
    client.force_login(own_facilitator)
    wrong_date = reverse("classes:signed_register", args=[scheduled_class.pk, WEDNESDAY, scan.pk])
    assert client.get(wrong_date).status_code == 404


def test_anonymous_users_are_sent_to_log_in(scheduled_class, scan):
    anonymous = Client()
    for response in [
        anonymous.get(file_url(scan)),
        anonymous.post(upload_url(scheduled_class), {UPLOAD_FIELD: upload("r.pdf", PDF)}),
    ]:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_media_folder_is_not_served(client, own_facilitator, scan):
    client.force_login(own_facilitator)
    assert client.get(f"/media/{scan.file.name}").status_code == 404
    assert client.get(f"/{scan.file.name}").status_code == 404


def test_the_upload_and_download_refuse_other_methods(
    client, scheduled_class, own_facilitator, scan
):
    client.force_login(own_facilitator)
    assert client.get(upload_url(scheduled_class)).status_code == 405
    assert client.post(file_url(scan)).status_code == 405


# ---- The admin


def test_the_admin_shows_the_scans_of_a_session_and_downloads_them(client, office_admin, scan):
    client.force_login(office_admin)
    change = reverse("admin:classes_attendancesession_change", args=[scan.session_id])
    download = reverse("admin:classes_signedregister_file", args=[scan.pk])

    page = client.get(change).content.decode()
    listing = client.get(reverse("admin:classes_signedregister_changelist")).content.decode()

    assert download in page
    assert download in listing
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert (
        client.get(reverse("admin:classes_signedregister_file", args=[999999])).status_code == 404
    )


def test_facilitators_cannot_use_the_admin_download(client, own_facilitator, scan):
    client.force_login(own_facilitator)
    response = client.get(reverse("admin:classes_signedregister_file", args=[scan.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
