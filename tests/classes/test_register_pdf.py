"""The printable registers: a session's (before and after capture) and a class-month's,
read back from the PDF the page serves (pypdf's text extraction)."""

import datetime
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from classes.registers import sheets
from classes.registers.pdf import ASSETS, AssetsOnly
from classes.services import mark_session_not_held
from learners.models import Learner
from tests.classes.conftest import MONDAY, WEDNESDAY, capture_monday
from tests.factories import EnrolmentFactory, LearnerFactory

pytestmark = pytest.mark.usefixtures("ledger_checked", "may_see_identity")


@pytest.fixture
def may_see_identity(own_facilitator):
    """These registers are printed by someone who may see identity numbers (the
    permission, issue 16); test_a_facilitator_s_register_has_no_identity_numbers
    is the facilitator's own, without it."""
    from django.contrib.auth.models import Permission

    own_facilitator.user_permissions.add(
        Permission.objects.get(codename="view_special_information")
    )


def pdf_text(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline; filename=")
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def register_url(klass, day=MONDAY):
    return reverse("classes:register_pdf", args=[klass.pk, day])


def learners(klass) -> list[Learner]:
    return [e.learner for e in klass.enrolments.order_by("learner__surname")]


def test_before_capture_the_register_lists_the_roster_with_id_numbers(
    client, scheduled_class, own_facilitator
):
    client.force_login(own_facilitator)

    text = pdf_text(client.get(register_url(scheduled_class)))

    assert f"Attendance register – {scheduled_class.code}, Monday 2 March 2026" in text
    assert "Before capture." in text
    assert "Learner's signature" in text
    assert "Facilitator's signature" in text
    assert "Thandi Mokoena" in text  # the facilitator, to sign
    for learner in learners(scheduled_class):
        assert f"{learner.surname}, {learner.first_names}" in text
        assert learner.id_number in text
    assert "Captured by" not in text


def test_a_facilitator_s_register_has_no_identity_numbers(client, scheduled_class):
    # POPIA (issue 16): a facilitator without the permission sees names and hours only.
    from django.contrib.auth.models import Permission

    scheduled_class.facilitator.user_permissions.remove(
        Permission.objects.get(codename="view_special_information")
    )
    client.force_login(scheduled_class.facilitator)

    text = pdf_text(client.get(register_url(scheduled_class)))

    assert "ID / passport number" not in text
    for learner in learners(scheduled_class):
        assert f"{learner.surname}, {learner.first_names}" in text
        assert learner.id_number not in text


def test_after_capture_the_register_shows_each_learners_hours_and_page(
    client, scheduled_class, own_facilitator
):
    capture_monday(scheduled_class, own_facilitator, hours=("3", "2.5", "0"), pages=("12", "9", ""))
    client.force_login(own_facilitator)

    text = pdf_text(client.get(register_url(scheduled_class)))

    assert "Captured by Thandi Mokoena" in text
    lines = text.splitlines()
    expected = [("3", "0", "12"), ("2.5", "0.5", "9"), ("0", "3", "–")]
    for learner, (present, absent, page) in zip(learners(scheduled_class), expected, strict=True):
        row = next(line for line in lines if learner.id_number in line)
        # The learner's row: name, ID number, hours present, hours absent, page.
        assert row.split(learner.id_number, 1)[1].split() == [present, absent, page], row
        assert f"{learner.surname}, {learner.first_names}" in text


def test_the_captured_roster_is_printed_whoever_is_enrolled_today(
    client, scheduled_class, own_facilitator
):
    capture_monday(scheduled_class, own_facilitator)
    late = EnrolmentFactory(klass=scheduled_class, start_date=WEDNESDAY).learner
    client.force_login(own_facilitator)

    assert late.id_number not in pdf_text(client.get(register_url(scheduled_class)))
    assert late.id_number in pdf_text(client.get(register_url(scheduled_class, WEDNESDAY)))


def test_a_learner_with_a_passport_and_no_id_number(client, scheduled_class, own_facilitator):
    visitor = LearnerFactory(id_number=None, passport_number="MZ1234567", surname="Okafor")
    EnrolmentFactory(klass=scheduled_class, learner=visitor)
    client.force_login(own_facilitator)

    assert "Passport MZ1234567" in pdf_text(client.get(register_url(scheduled_class)))


def test_a_session_not_held_says_so(client, scheduled_class, own_facilitator):
    mark_session_not_held(
        klass=scheduled_class,
        session_date=MONDAY,
        recorded_by=own_facilitator,
        status="client_cancelled",
        notes="Plant closed for stocktaking",
    )
    client.force_login(own_facilitator)

    text = pdf_text(client.get(register_url(scheduled_class)))

    assert "Not held: Client cancelled" in text
    assert "Plant closed for stocktaking" in text


def test_no_register_for_a_day_without_a_session(client, scheduled_class, own_facilitator):
    client.force_login(own_facilitator)
    tuesday = datetime.date(2026, 3, 3)
    assert client.get(register_url(scheduled_class, tuesday)).status_code == 404


def test_the_month_register_has_a_column_per_session_and_the_hours(
    client, scheduled_class, own_facilitator
):
    capture_monday(scheduled_class, own_facilitator, hours=("3", "2.5", "0"), pages=("12", "9", ""))
    client.force_login(own_facilitator)
    url = reverse("classes:month_register_pdf", args=[scheduled_class.pk])

    response = client.get(url, {"month": "2026-03"})

    text = pdf_text(response)
    assert f"register-{scheduled_class.code}-2026-03.pdf" in response["Content-Disposition"]
    assert f"Attendance register – {scheduled_class.code}, March 2026" in text
    # Mondays and Wednesdays of March 2026: 2, 4, 9, 11, ... 30.
    assert "9 sessions this month" in text
    for learner, total in zip(
        learners(scheduled_class), ["3 / 3", "2.5 / 3", "0 / 3"], strict=True
    ):
        row = next(line for line in text.splitlines() if learner.id_number in line)
        assert total in row, row
    # A bad month is this month (pinned: March 2026), not an error.
    assert "March 2026" in pdf_text(client.get(url, {"month": "2026-13"}))


def test_the_month_sheet_greys_out_days_a_learner_was_not_enrolled(
    scheduled_class, own_facilitator
):
    capture_monday(scheduled_class, own_facilitator)
    late = EnrolmentFactory(klass=scheduled_class, start_date=WEDNESDAY).learner

    sheet = sheets.month_sheet(klass=scheduled_class, year=2026, month=3)

    line = next(line for line in sheet.lines if line.learner == late)
    on_roster = {cell.column.date: cell.on_roster for cell in line.cells}
    assert on_roster[MONDAY] is False  # captured without them
    assert on_roster[WEDNESDAY] is True
    assert sheet.columns[0].captured


def test_after_capture_the_register_shows_each_learners_absence_reason(
    client, scheduled_class, own_facilitator
):
    capture_monday(
        scheduled_class,
        own_facilitator,
        hours=("3", "2.5", "0"),
        pages=("12", "9", ""),
        absences=[("", ""), ("late", ""), ("sick", "clinic")],
    )
    client.force_login(own_facilitator)

    text = pdf_text(client.get(register_url(scheduled_class)))

    assert "Absence reason" in text
    lines = text.splitlines()
    expected = [[], ["Late", "arrival"], ["Sick", "–", "clinic"]]
    for learner, reason in zip(learners(scheduled_class), expected, strict=True):
        row = next(line for line in lines if learner.id_number in line)
        # After the hours present, hours absent and page: the reason and remark.
        assert row.split(learner.id_number, 1)[1].split()[3:] == reason, row


def test_before_capture_the_register_has_a_blank_absence_reason_column(
    client, scheduled_class, own_facilitator
):
    client.force_login(own_facilitator)

    text = pdf_text(client.get(register_url(scheduled_class)))

    assert "Absence reason" in text
    for learner in learners(scheduled_class):
        row = next(line for line in text.splitlines() if learner.id_number in line)
        assert row.split(learner.id_number, 1)[1].split() == [], row


def test_the_renderer_reads_only_its_own_files():
    fetcher = AssetsOnly()
    response = fetcher.fetch((ASSETS / "register.css").as_uri())
    assert b"@font-face" in response.read()
    response.close()
    for url in ["file:///etc/passwd", (ASSETS / ".." / "pdf.py").as_uri(), "http://example.org/"]:
        with pytest.raises(ValueError, match="reads only its own files"):
            fetcher.fetch(url)


def test_the_pdf_embeds_the_vendored_font_only(client, scheduled_class, own_facilitator):
    client.force_login(own_facilitator)
    reader = PdfReader(io.BytesIO(client.get(register_url(scheduled_class)).content))
    fonts = {
        font.get_object()["/BaseFont"]
        for page in reader.pages
        for font in page["/Resources"].get_object()["/Font"].get_object().values()
    }
    # Subsets of the @font-face files (classes/registers/assets/fonts), named after
    # the stylesheet's family: no font of the machine's.
    assert fonts
    assert all("Register-Sans" in str(name) for name in fonts), fonts
