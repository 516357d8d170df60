"""Which portfolio files are accepted: PDF, DOC, DOCX up to 10 MB, judged by content."""

import pytest

from progression.services import (
    MAX_PORTFOLIO_BYTES,
    PORTFOLIO_NOT_WHAT_IT_SAYS,
    PORTFOLIO_TOO_LARGE,
    PORTFOLIO_WRONG_TYPE,
    PortfolioRejected,
)
from progression.services.portfolio import checked_portfolio_kind
from tests.progression.files import DOC, EXE, PDF, docx, upload, xlsx


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("portfolio.pdf", PDF, "pdf"),
        ("Portfolio Final.PDF", PDF, "pdf"),
        ("evidence.doc", DOC, "doc"),
        ("evidence.docx", docx(), "docx"),
    ],
)
def test_documents_of_each_kind_are_accepted(name, content, kind):
    file = upload(name, content)

    assert checked_portfolio_kind(file) == kind
    assert file.read(5) == content[:5]  # left at the start, ready to be stored


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("portfolio.docx", PDF, "DOCX"),  # a PDF renamed .docx
        ("portfolio.pdf", EXE, "PDF"),  # a program renamed .pdf
        ("portfolio.doc", PDF, "DOC"),
        ("portfolio.docx", xlsx(), "DOCX"),  # a ZIP, but not a Word document
        ("portfolio.docx", b"PK\x03\x04 broken archive", "DOCX"),
        ("portfolio.pdf", b"", "PDF"),
    ],
)
def test_a_file_whose_content_is_not_what_its_name_says_is_refused(name, content, kind):
    with pytest.raises(PortfolioRejected) as refused:
        checked_portfolio_kind(upload(name, content))

    assert refused.value.message == PORTFOLIO_NOT_WHAT_IT_SAYS.format(name=name, kind=kind)


@pytest.mark.parametrize("name", ["setup.exe", "portfolio.txt", "portfolio", "scan.pdf.exe"])
def test_other_kinds_of_file_are_refused_by_name(name):
    with pytest.raises(PortfolioRejected) as refused:
        checked_portfolio_kind(upload(name, PDF))

    assert refused.value.message == PORTFOLIO_WRONG_TYPE.format(name=name)


def test_a_file_over_10_mb_is_refused_and_10_mb_is_not():
    at_limit = upload("big.pdf", PDF + b"0" * (MAX_PORTFOLIO_BYTES - len(PDF)))
    over = upload("bigger.pdf", PDF + b"0" * (MAX_PORTFOLIO_BYTES + 1 - len(PDF)))

    assert checked_portfolio_kind(at_limit) == "pdf"
    with pytest.raises(PortfolioRejected) as refused:
        checked_portfolio_kind(over)
    assert refused.value.message == PORTFOLIO_TOO_LARGE.format(name="bigger.pdf", size="10.0")
