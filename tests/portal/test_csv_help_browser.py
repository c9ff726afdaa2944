"""CSV help in a real browser (issue 16, missing item 4): on the data page a facility manager downloads a template
and uploads it as it is, uploads an Excel workbook, and answers the day-first / month-first question that a file of
ambiguous dates asks once; the page stays within 390 px with the question shown."""

from datetime import datetime

import pytest
from playwright.sync_api import expect

from metering.readings.models import MeterReading
from tests.metering.helpers import make_building, workbook
from tests.portal.test_browser import chromium, new_day  # noqa: F401  (the fixture is used by name)

pytestmark = pytest.mark.browser
METER_FIELD = "Meter data (CSV, Excel or Green Button)"


def _upload(page, path) -> None:
    page.get_by_label(METER_FIELD).set_input_files(path)
    page.get_by_role("button", name="Upload", exact=True).click()


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", [1366, 390])
def test_a_template_an_excel_file_and_the_date_order_question_on_the_data_page(
    chromium,  # noqa: F811
    live_server,
    transactional_db,
    django_db_serialized_rollback,
    make_user,
    tmp_path,
    width,
):
    owner = make_user(email=f"csv-help-{width}@example.test")
    building = make_building(owner, timezone="Europe/London", name="Harbour View Offices")
    day = new_day(chromium, live_server, f"csv-help-{width}")
    page = day.page
    page.set_viewport_size({"width": width, "height": 844 if width == 390 else 800})
    day.log_in(owner.email)
    day.open(f"/portal/buildings/{building.pk}/data/")

    # A template, downloaded from the page and uploaded back as it is.
    templates = page.locator("p.upload-templates")
    expect(templates).to_contain_text("three example rows in Europe/London")
    with page.expect_download() as downloading:
        templates.get_by_role("link", name="15-minute").click()
    download = downloading.value
    assert download.suggested_filename == "carbonexia-15min-template-Europe-London.csv"
    template = tmp_path / download.suggested_filename
    download.save_as(template)
    # 50,000 sq ft at 50 W per sq ft can draw 2,500 kW: a tenth of it for a quarter hour is 62.5 kWh.
    assert template.read_text().splitlines()[:2] == ["timestamp,kwh", "2025-01-06T00:00:00+00:00,62.5"]
    _upload(page, template)
    expect(page.locator("#upload-result")).to_contain_text("3 readings stored (3 new, 0 replaced)")
    day.shot("template-stored")

    # An Excel workbook, read from its first sheet in the building's zone.
    book = tmp_path / "july.xlsx"
    book.write_bytes(
        workbook(("Timestamp", "kWh"), (datetime(2025, 7, 1, 0, 0), 40), (datetime(2025, 7, 1, 0, 15), 42.5))
    )
    _upload(page, book)
    expect(page.locator("#upload-result")).to_contain_text(
        "2 readings stored (2 new, 0 replaced), 2025-07-01 00:00 Europe/London to 2025-07-01 00:15 Europe/London"
    )

    # Dates that read both ways: one question on the date-order field, not a row error per line.
    ambiguous = tmp_path / "april.csv"
    ambiguous.write_text("timestamp,kwh\n03/04/2025 00:00,1\n04/04/2025 00:00,2\n05/04/2025 00:00,3\n")
    _upload(page, ambiguous)
    summary = page.locator("#upload-form .error-summary")
    expect(summary).to_contain_text("which is 3 April 2025 read day-first or 4 March 2025 read month-first")
    expect(page.locator("#id_date_order_error")).to_have_text(
        "Choose the order of the dates in this file: day first or month first."
    )
    expect(page.locator("#upload-result .row-errors")).to_have_count(0)
    day.shot("date-order-question")
    assert _fits(page), "the question must not widen the page"
    page.get_by_label("Day first (03/04/2025 is 3 April)").check()
    _upload(page, ambiguous)
    expect(page.locator("#upload-result")).to_contain_text(
        "3 readings stored (3 new, 0 replaced), 2025-04-03 00:00 Europe/London to 2025-04-05 00:00 Europe/London"
    )
    day.shot("date-order-chosen")
    assert _fits(page)
    assert MeterReading.objects.filter(building=building).count() == 8
    assert not day.errors
