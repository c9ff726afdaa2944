"""The spans of time in the URL, in a real browser (Debian's Chromium through Playwright): the dashboard's long view
and the data page's readings each change the URL when a range is chosen, show the same range after a reload, go
back to the previous one with Back, say what is wrong with a bad range in the URL instead of failing, and do not
scroll sideways on a phone.

Screenshots go to test-artifacts/screenshots/; with UPDATE_SCREENSHOTS=1 the two of the long view the
repository keeps (docs/screenshots/dashboard-long-view-*.png) are written there instead, as small palette PNGs."""

import re

import pytest
from playwright.sync_api import expect

from mrv.services import baseline_calculate
from tests.mrv import builders
from tests.portal.test_browser import chromium, new_day  # noqa: F401  (the fixture is used by name)
from tests.portal.test_portfolio_browser import HEIGHTS, _no_sideways_scroll, _shot

pytestmark = pytest.mark.browser


@pytest.fixture
def signed_in(chromium, live_server, transactional_db, django_db_serialized_rollback, make_user, request):  # noqa: F811
    """A manager of a measured office (baseline 2023-03..2024-02, readings to 2025-03), logged in."""
    owner = make_user(email="ana@harbourview.test")
    office, _ = builders.two_years(owner, interval="1D")
    baseline_calculate(actor=owner, building=office)
    day = new_day(chromium, live_server, request.node.name)
    day.log_in(owner.email)
    expect(day.page.get_by_role("link", name=office.name).first).to_be_visible()
    return day, office


def _span(page):
    return page.locator("#span-heading")


@pytest.mark.parametrize("width", [1366, 390])
def test_the_dashboards_range_lives_in_the_url(signed_in, width):
    day, office = signed_in
    page = day.page
    page.set_viewport_size({"width": width, "height": HEIGHTS[width]})
    day.open(f"/portal/buildings/{office.pk}/")
    expect(_span(page)).to_have_text("Reporting period, 2024-03 to 2025-03")
    long_view = page.locator("#long-view")

    # A quick choice swaps the long view and pushes its URL.
    long_view.get_by_role("link", name="Last 12 months").click()
    expect(page).to_have_url(re.compile(r"/\?range=12m$"))
    expect(_span(page)).to_have_text("Last 12 months, 2024-04 to 2025-03")
    expect(long_view.get_by_role("link", name="Last 12 months")).to_have_attribute("aria-current", "true")

    # Months of one's own: the figures and the chart follow.
    long_view.get_by_label("From").fill("2024-06")
    long_view.get_by_label("To").fill("2024-09")
    long_view.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"/\?start=2024-06&end=2024-09$"))
    expect(_span(page)).to_have_text("2024-06 to 2024-09")
    expect(long_view.locator("figcaption").first).to_contain_text("2024-06 to 2024-09")
    _no_sideways_scroll(page)
    page.get_by_role("heading", name="The long view").evaluate("heading => heading.scrollIntoView()")
    _shot(page, f"dashboard-range-{width}", kept=False)

    page.reload()
    expect(_span(page)).to_have_text("2024-06 to 2024-09")
    expect(page.locator("#long-view").get_by_label("From")).to_have_value("2024-06")
    page.go_back()
    expect(page).to_have_url(re.compile(r"/\?range=12m$"))
    expect(_span(page)).to_have_text("Last 12 months, 2024-04 to 2025-03")
    page.go_back()
    expect(page).to_have_url(re.compile(rf"/buildings/{office.pk}/$"))
    expect(_span(page)).to_have_text("Reporting period, 2024-03 to 2025-03")

    # The month at a glance keeps the range, and the range keeps the month.
    page.locator("#long-view").get_by_role("link", name="This year vs last").click()
    expect(page).to_have_url(re.compile(r"\?range=years$"))
    page.locator("#id_month").fill("2024-06")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"\?month=2024-06&range=years$"))
    expect(page.get_by_role("heading", name="2024-06 at a glance")).to_be_visible()
    expect(_span(page)).to_have_text("This year vs last, 2024-01 to 2025-03")
    _no_sideways_scroll(page)
    page.get_by_role("heading", name="The long view").evaluate("heading => heading.scrollIntoView()")
    _shot(page, f"dashboard-long-view-{width}")
    assert not day.errors


def test_a_bad_range_in_the_url_is_said_on_the_page(signed_in):
    day, office = signed_in
    page = day.page
    page.set_viewport_size({"width": 390, "height": HEIGHTS[390]})
    day.open(f"/portal/buildings/{office.pk}/?start=2025-02&end=2024-01")
    alert = page.locator("#long-view").get_by_role("alert")
    expect(alert).to_have_text(
        "The period ends before it starts. Showing the reporting period (2024-03 to 2025-03) instead."
    )
    expect(_span(page)).to_have_text("Reporting period, 2024-03 to 2025-03")
    page.get_by_role("heading", name="The long view").evaluate("heading => heading.scrollIntoView()")
    _shot(page, "dashboard-bad-range-390", kept=False)
    day.open(f"/portal/buildings/{office.pk}/?end=2199-12")
    expect(page.locator("#long-view").get_by_role("alert")).to_contain_text("2199-12 has not ended yet in Asia/Kolkata")
    day.open(f"/portal/buildings/{office.pk}/data/?interval=hour&start=2024-01-01&end=2024-12-31")
    expect(page.locator("#readings").get_by_role("alert")).to_contain_text(
        "Summed per hour, a chart shows at most 41 days"
    )
    expect(page.locator("#readings figcaption")).to_have_text("kWh per hour, 2025-03-29 to 2025-03-31 (Asia/Kolkata)")
    _no_sideways_scroll(page)
    assert not day.errors


def test_the_readings_days_live_in_the_url(signed_in):
    day, office = signed_in
    page = day.page
    page.set_viewport_size({"width": 390, "height": HEIGHTS[390]})
    day.open(f"/portal/buildings/{office.pk}/data/")
    readings = page.locator("#readings")
    expect(readings.locator("figcaption")).to_have_text("kWh per day, 2025-01-01 to 2025-03-31 (Asia/Kolkata)")
    # Each change swaps the chart and pushes its URL: wait for one before making the next.
    readings.get_by_label("From").fill("2024-06-01")
    expect(page).to_have_url(re.compile(r"\?interval=day&start=2024-06-01$"))
    expect(readings.locator("figcaption")).to_have_text("kWh per day, 2024-06-01 to 2025-03-31 (Asia/Kolkata)")
    readings.get_by_label("To").fill("2024-06-30")
    expect(page).to_have_url(re.compile(r"\?interval=day&start=2024-06-01&end=2024-06-30$"))
    expect(readings.locator("figcaption")).to_have_text("kWh per day, 2024-06-01 to 2024-06-30 (Asia/Kolkata)")
    readings.get_by_label("Sum per").select_option("hour")
    expect(page).to_have_url(re.compile(r"\?interval=hour&start=2024-06-01&end=2024-06-30$"))
    expect(readings.locator("figcaption")).to_have_text("kWh per hour, 2024-06-01 to 2024-06-30 (Asia/Kolkata)")
    _no_sideways_scroll(page)
    readings.evaluate("section => section.scrollIntoView()")
    _shot(page, "readings-range-390", kept=False)

    page.reload()
    expect(page.locator("#readings figcaption")).to_have_text("kWh per hour, 2024-06-01 to 2024-06-30 (Asia/Kolkata)")
    expect(page.locator("#readings").get_by_label("To")).to_have_value("2024-06-30")
    page.go_back()
    expect(page).to_have_url(re.compile(r"\?interval=day&start=2024-06-01&end=2024-06-30$"))
    expect(page.locator("#readings figcaption")).to_have_text("kWh per day, 2024-06-01 to 2024-06-30 (Asia/Kolkata)")
    expect(page.locator("#readings").get_by_label("Sum per")).to_have_value("day")
    assert not day.errors
