"""Small files for the signed-register tests: real photos (made with Pillow), a PDF,
and things that only look like them."""

import io

from PIL import Image

from tests.progression.files import EXE, upload

__all__ = ["EXE", "PDF", "fake_png", "jpeg", "pdf_of_size", "png", "upload"]

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def _image(kind: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (250, 250, 245)).save(buffer, kind)
    return buffer.getvalue()


def jpeg() -> bytes:
    return _image("JPEG")


def png() -> bytes:
    return _image("PNG")


def fake_png() -> bytes:
    """A PNG's first eight bytes, then a program."""
    return b"\x89PNG\r\n\x1a\n" + EXE


def pdf_of_size(size: int) -> bytes:
    """A PDF of exactly `size` bytes: padding inside, the end marker at the end."""
    head, tail = b"%PDF-1.7\n%", b"\n%%EOF\n"
    return head + b"0" * (size - len(head) - len(tail)) + tail
