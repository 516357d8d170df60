"""Which signed registers are accepted: JPEG, PNG or PDF up to 10 MB, by content."""

import pytest

from classes.registers.models import MAX_SIGNED_REGISTER_BYTES
from classes.registers.scans import (
    SCAN_EMPTY,
    SCAN_MISSING,
    SCAN_TOO_LARGE,
    SCAN_WRONG_KIND,
    ScanRejected,
    checked_scan_kind,
)
from tests.classes.scan_files import EXE, PDF, fake_png, jpeg, pdf_of_size, png, upload


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("register.jpg", jpeg(), "jpeg"),
        ("IMG_2031.JPEG", jpeg(), "jpeg"),
        ("register.png", png(), "png"),
        ("Scan 2 March.pdf", PDF, "pdf"),
        # The name says nothing: a photo sent as "scan.pdf" is a photo.
        ("scan.pdf", jpeg(), "jpeg"),
        ("register", png(), "png"),
    ],
)
def test_photos_and_pdfs_are_accepted_by_their_content(name, content, kind):
    file = upload(name, content)

    assert checked_scan_kind(file) == kind
    assert file.read(3) == content[:3]  # left at the start, ready to be stored


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("register.png", EXE),  # a program renamed .png
        ("register.jpg", EXE),
        ("register.pdf", EXE),
        ("register.png", fake_png()),  # a PNG's signature, then a program
        ("register.jpg", b"\xff\xd8\xff" + b"\x00" * 200),  # a JPEG's, then nothing
        ("register.pdf", PDF[:-8]),  # a PDF cut off before its end
        ("register.png", png()[:-20]),  # a PNG cut off
        ("register.gif", b"GIF89a" + b"\x00" * 40),
        ("notes.txt", b"Signed by everyone, honest"),
    ],
)
def test_anything_else_is_refused_naming_the_field(name, content):
    with pytest.raises(ScanRejected) as refused:
        checked_scan_kind(upload(name, content))

    assert refused.value.message == SCAN_WRONG_KIND.format(name=name)
    assert refused.value.message.startswith("Signed register: ")


def test_no_file_and_an_empty_file_are_refused():
    with pytest.raises(ScanRejected) as refused:
        checked_scan_kind(None)
    assert refused.value.message == SCAN_MISSING
    with pytest.raises(ScanRejected) as refused:
        checked_scan_kind(upload("register.jpg", b""))
    assert refused.value.message == SCAN_EMPTY.format(name="register.jpg")


def test_a_file_over_10_mb_is_refused_and_10_mb_is_not():
    at_limit = upload("big.pdf", pdf_of_size(MAX_SIGNED_REGISTER_BYTES))
    over = upload("bigger.pdf", pdf_of_size(MAX_SIGNED_REGISTER_BYTES + 1))

    assert checked_scan_kind(at_limit) == "pdf"
    with pytest.raises(ScanRejected) as refused:
        checked_scan_kind(over)
    assert refused.value.message == SCAN_TOO_LARGE.format(name="bigger.pdf", size="10.0")


def test_a_folder_in_the_uploaded_name_is_not_shown():
    with pytest.raises(ScanRejected) as refused:
        checked_scan_kind(upload("../../etc/evil.png", EXE))
    assert "evil.png" in refused.value.message
    assert "etc" not in refused.value.message
