"""The portfolio, the dashboard's credit position and the choices kept in the URL, in a real browser (Debian's
Chromium through Playwright) at 1366 px and 390 px: sort, filter and download three buildings; each choice
changes the URL, survives a reload and is undone by Back; no page scrolls sideways on a phone.

Screenshots go to test-artifacts/screenshots/; with UPDATE_SCREENSHOTS=1 the four the repository keeps
(docs/screenshots/portfolio-*.png, dashboard-*.png) are written there instead, as small palette PNGs."""

import csv
import io
import os
import re
from datetime import date
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from buildings.models import Building, BuildingType
from credits.selectors import credit_position
from credits.services import credits_request, credits_retire, credits_verify
from mrv.services import baseline_calculate
from tests.conftest import ARTIFACTS
from tests.metering.helpers import make_building
from tests.mrv import builders
from tests.portal.test_browser import chromium, new_day  # noqa: F401  (the fixture is used by name)

pytestmark = pytest.mark.browser

KEPT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
HEIGHTS = {1366: 800, 390: 844}


def _shot(page, name: str, *, kept: bool = True) -> None:
    """The viewport as a small PNG: 256 colours are plenty for a page of text, tables and flat charts."""
    folder = KEPT if kept and os.environ.get("UPDATE_SCREENSHOTS") == "1" else ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    image = Image.open(io.BytesIO(page.screenshot(full_page=False))).convert("RGB")
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(folder / f"{name}.png", optimize=True)


@pytest.fixture
def three_buildings(make_user, verifier):
    """A measured office with issued, retired and pending credits; a retail store with three months of 15-minute
    data and anomalies in June; and a warehouse with no data yet."""
    owner = make_user(email="ana@harbourview.test")
    office, _ = builders.two_years(owner, interval="1D")
    Building.objects.filter(pk=office.pk).update(
        name="Harbour View Offices", building_type=BuildingType.COMMERCIAL_OFFICE
    )
    office.refresh_from_db()
    baseline_calculate(actor=owner, building=office)
    (block,) = credits_request(
        actor=owner, building=office, period_start=date(2024, 4, 1), period_end=date(2024, 9, 30)
    )
    issued = credits_verify(verifier=verifier, block=block, decision="approve", comment="Checked.")
    credits_retire(actor=owner, block=issued, quantity=5, beneficiary="Harbour View", reason="2024 travel")
    credits_request(actor=owner, building=office, period_start=date(2024, 10, 1), period_end=date(2024, 12, 31))
    store = builders.office_with_june_anomalies(owner)
    Building.objects.filter(pk=store.pk).update(name="Bayside Store", building_type=BuildingType.RETAIL)
    depot = make_building(owner, name="Canal Depot")
    Building.objects.filter(pk=depot.pk).update(building_type=BuildingType.WAREHOUSE)
    return owner, office, store


@pytest.fixture
def signed_in(chromium, live_server, transactional_db, django_db_serialized_rollback, three_buildings, request):  # noqa: F811
    """The owner of the three buildings, logged in to a browser of their own."""
    owner, office, store = three_buildings
    day = new_day(chromium, live_server, request.node.name)
    day.log_in(owner.email)
    expect(day.page.get_by_role("link", name="Portfolio")).to_be_visible()
    return day, owner, office, store


def _names(page) -> list[str]:
    return page.locator("table.portfolio tbody th").all_inner_texts()


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_portfolio_sorts_filters_and_downloads_with_its_choices_in_the_url(signed_in):
    day, owner, _, _ = signed_in
    page = day.page
    page.set_viewport_size({"width": 1366, "height": HEIGHTS[1366]})
    page.get_by_role("link", name="Portfolio").click()
    expect(page.get_by_role("heading", name="Portfolio")).to_be_visible()
    assert _names(page) == ["Bayside Store", "Canal Depot", "Harbour View Offices"]
    office = page.locator("table.portfolio tbody tr", has_text="Harbour View Offices")
    expect(office).to_contain_text("2024-04 to 2025-03")
    expect(office.locator("td").nth(7)).to_have_text(str(_issued(owner)))  # credits issued
    expect(page.locator("table.portfolio tbody tr", has_text="Canal Depot")).to_contain_text("No meter readings")
    _shot(page, "portfolio-1366")

    # Sort by the last twelve months' kWh, then the other way: each order is its own URL.
    page.get_by_role("link", name="12 months kWh", exact=True).click()
    expect(page).to_have_url(re.compile(r"[?&]sort=kwh_12m"))
    assert _names(page) == ["Bayside Store", "Harbour View Offices", "Canal Depot"]  # no data sorts last
    page.get_by_role("link", name="12 months kWh ▲").click()
    expect(page).to_have_url(re.compile(r"[?&]sort=-kwh_12m"))
    assert _names(page) == ["Harbour View Offices", "Bayside Store", "Canal Depot"]
    page.reload()
    expect(page.locator('th[aria-sort="descending"]')).to_contain_text("12 months kWh")
    assert _names(page) == ["Harbour View Offices", "Bayside Store", "Canal Depot"]
    page.go_back()
    expect(page).to_have_url(re.compile(r"\?sort=kwh_12m$"))
    assert _names(page) == ["Bayside Store", "Harbour View Offices", "Canal Depot"]

    # Filter: only warehouses, then only buildings with open issues; the sort rides along.
    page.get_by_label("Type").select_option("warehouse")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"type=warehouse.*sort=kwh_12m"))
    assert _names(page) == ["Canal Depot"]
    page.reload()
    assert _names(page) == ["Canal Depot"]
    expect(page.get_by_label("Type")).to_have_value("warehouse")
    page.go_back()
    expect(page.get_by_label("Type")).to_have_value("")
    assert len(_names(page)) == 3
    page.get_by_label("Name contains").fill("bay")
    page.get_by_role("button", name="Show").click()
    assert _names(page) == ["Bayside Store"]

    # The CSV holds the same rows under the same filters.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    lines = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
    assert [line["building"] for line in lines] == ["Bayside Store"]
    assert download.value.suggested_filename.startswith("portfolio-")

    page.get_by_role("link", name="Clear").click()
    page.set_viewport_size({"width": 390, "height": HEIGHTS[390]})
    expect(page.locator("table.portfolio tbody tr")).to_have_count(3)
    _no_sideways_scroll(page)
    page.locator("table.portfolio").evaluate("table => table.scrollIntoView()")
    _shot(page, "portfolio-390")
    assert not day.errors


def _issued(owner) -> int:
    return credit_position(Building.objects.get(owner=owner, name="Harbour View Offices")).issued


@pytest.mark.parametrize("width", [1366, 390])
def test_the_dashboard_shows_the_credit_position_and_keeps_its_month_in_the_url(signed_in, width):
    day, owner, office, _ = signed_in
    page = day.page
    page.set_viewport_size({"width": width, "height": HEIGHTS[width]})
    day.open(f"/portal/buildings/{office.pk}/")
    expect(page.get_by_role("heading", name="2025-03 at a glance")).to_be_visible()
    position = page.locator("dl.credit-position")

    def card(name):
        return position.locator(".card").filter(has=page.get_by_text(name, exact=True)).locator("dd")

    expect(card("Retired")).to_have_text("5")
    expect(card("Issued")).to_contain_text(f"{_issued(owner)}{_issued(owner) - 5} held")
    expect(card("Pending verification")).to_have_text(re.compile(r"^[1-9]\d*$"))
    expect(card("Creditable now")).to_contain_text("2025-01 to 2025-03")
    # Every month of the reporting period is drawn inside the page: the charts scale, nothing scrolls.
    charts = page.locator(".chart-wide svg" if width > 640 else ".chart-narrow svg")
    expect(charts).to_have_count(4)
    for index in range(4):
        box = charts.nth(index).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
    _no_sideways_scroll(page)
    page.get_by_role("heading", name="Credit position").evaluate("heading => heading.scrollIntoView()")
    _shot(page, f"dashboard-{width}")
    page.get_by_role("heading", name="The long view").evaluate("heading => heading.scrollIntoView()")
    _shot(page, f"dashboard-charts-{width}", kept=False)

    # The month is a choice in the URL: it survives a reload and Back undoes it.
    page.locator("#id_month").fill("2024-06")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"\?month=2024-06$"))
    expect(page.get_by_role("heading", name="2024-06 at a glance")).to_be_visible()
    page.reload()
    expect(page.get_by_role("heading", name="2024-06 at a glance")).to_be_visible()
    page.go_back()
    expect(page.get_by_role("heading", name="2025-03 at a glance")).to_be_visible()
    assert not day.errors


def test_the_readings_interval_is_kept_in_the_url(signed_in):
    day, _, _, store = signed_in
    page = day.page
    day.open(f"/portal/buildings/{store.pk}/data/")
    readings = page.locator("#readings")
    expect(readings.locator("figcaption")).to_contain_text("kWh per day")
    readings.get_by_label("Sum per").select_option("month")  # HTMX swaps the chart and pushes the URL
    expect(page).to_have_url(re.compile(r"\?interval=month$"))
    expect(readings.locator("figcaption")).to_contain_text("kWh per month")
    page.reload()
    expect(page.locator("#readings figcaption")).to_contain_text("kWh per month")
    expect(page.locator("#readings").get_by_label("Sum per")).to_have_value("month")
    page.go_back()
    expect(page).to_have_url(re.compile(r"/data/$"))
    expect(page.locator("#readings figcaption")).to_contain_text("kWh per day")
    expect(page.locator("#readings").get_by_label("Sum per")).to_have_value("day")
    assert not day.errors
