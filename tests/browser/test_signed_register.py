"""The register on paper and back, in a real browser: the session page's register PDF
and signed-register upload (phone and desktop), and the pages' print stylesheet."""

import pytest
from playwright.sync_api import expect

from classes.models import AttendanceSession
from classes.registers.models import SignedRegister
from classes.registers.scans import SCAN_WRONG_KIND
from tests.browser.conftest import DESKTOP, PHONE, assert_fits_the_screen, log_in
from tests.classes.scan_files import EXE, jpeg

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def capture_first_waiting(page, live_server, klass):
    page.goto(f"{live_server.url}/classes/{klass.pk}/")
    page.get_by_role("link", name="Capture").first.click()
    for index in range(3):
        page.locator("input.hours").nth(index).fill("2")
        page.locator("input.page").nth(index).fill(str(10 + index))
    page.get_by_role("button", name="Save attendance").click()
    expect(page.locator(".message.success")).to_be_visible()


@pytest.mark.parametrize(("size", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_a_facilitator_prints_the_register_and_uploads_it_signed(
    page, live_server, own_facilitator, live_class, screenshot, media_root, tmp_path, size, viewport
):
    page.set_viewport_size(viewport)
    log_in(page, live_server, own_facilitator)
    capture_first_waiting(page, live_server, live_class)

    # The session page: the register to print, and the form for the signed scan.
    section = page.locator(".signed-register")
    expect(section).to_contain_text("Not uploaded yet")
    register = page.get_by_role("link", name="Print the register (PDF)")
    pdf = page.request.get(live_server.url + register.get_attribute("href"))
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF-")
    assert_fits_the_screen(page)
    screenshot(f"signed-register-form-{size}")

    # A program renamed .png: refused, with the reason naming the field.
    program = tmp_path / "register.png"
    program.write_bytes(EXE)
    page.get_by_label("Signed register (photo or PDF, at most 10 MB)").set_input_files(program)
    page.get_by_role("button", name="Upload the signed register").click()
    expect(page.locator(".error-summary")).to_contain_text(
        SCAN_WRONG_KIND.format(name="register.png")
    )
    assert_fits_the_screen(page)
    screenshot(f"signed-register-refused-{size}")

    photo = tmp_path / "IMG_0231.jpg"
    photo.write_bytes(jpeg())
    page.get_by_label("Signed register (photo or PDF, at most 10 MB)").set_input_files(photo)
    page.get_by_role("button", name="Upload the signed register").click()

    expect(page.locator(".message.success")).to_contain_text("signed register")
    expect(section).to_contain_text("Uploaded by Thandi Mokoena")
    expect(page.get_by_role("button", name="Upload a better scan")).to_be_visible()
    link = page.get_by_role("link", name="Download the signed register")
    download = page.request.get(live_server.url + link.get_attribute("href"))
    assert download.body() == jpeg()
    assert_fits_the_screen(page)
    screenshot(f"signed-register-uploaded-{size}")
    scan = SignedRegister.objects.get()
    assert (scan.kind, scan.session.status) == ("jpeg", AttendanceSession.Status.CAPTURED)


def hidden(page, selector) -> bool:
    return page.locator(selector).evaluate_all(
        "els => els.length > 0 && els.every(e => getComputedStyle(e).display === 'none')"
    )


def test_printed_pages_leave_out_the_top_bar_filters_and_buttons(
    page, live_server, admin_user, live_class, screenshot
):
    # A4's width at 96 dpi, less the margins: what a printout lays out in.
    page.set_viewport_size({"width": 718, "height": 1000})
    log_in(page, live_server, admin_user, heading="Classes")
    month = f"{live_server.url}/classes/{live_class.pk}/"
    report = f"{live_server.url}/reports/class-monthly/?class={live_class.pk}"

    for url, name in [(month, "class"), (report, "class-monthly")]:
        page.goto(url)
        page.wait_for_load_state()
        assert not hidden(page, ".topbar")
        page.emulate_media(media="print")
        assert hidden(page, ".topbar"), url
        assert hidden(page, ".button"), url
        if name == "class-monthly":
            assert hidden(page, "form.filters")
            # The table is a table on paper, even at phone width.
            display = page.locator(".report-table").evaluate("e => getComputedStyle(e).display")
            assert display == "table"
        screenshot(f"print-{name}")
        page.emulate_media(media="screen")
