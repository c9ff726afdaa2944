"""The portfolio a page at a time in a real browser (Debian's Chromium through Playwright): Next and Previous keep
the filter and the order in the URL, Back returns to the first page, and the pager never makes a phone scroll
sideways."""

import re

import pytest
from playwright.sync_api import expect

from buildings.models import Building
from portal.views.portfolio import PAGE_SIZE
from tests.portal.test_browser import chromium, new_day  # noqa: F401  (the fixture is used by name)
from tests.portal.test_portfolio_browser import HEIGHTS, _names, _no_sideways_scroll, _shot

pytestmark = pytest.mark.browser


@pytest.fixture
def signed_in(chromium, live_server, make_user, request):  # noqa: F811
    """A facility manager with a page and a half of sites and one depot, logged in."""
    owner = make_user(email="ana@harbourview.test")
    for number in range(PAGE_SIZE + 3):
        Building.objects.create(owner=owner, name=f"Site {number:02d}", area_sqft=1000)
    Building.objects.create(owner=owner, name="Depot", area_sqft=1000)
    day = new_day(chromium, live_server, request.node.name)
    day.log_in(owner.email)
    expect(day.page.get_by_role("link", name="Portfolio")).to_be_visible()
    return day


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("width", [1366, 390])
def test_the_pages_keep_the_filter_and_the_order(signed_in, width):
    page = signed_in.page
    page.set_viewport_size({"width": width, "height": HEIGHTS[width]})
    page.get_by_role("link", name="Portfolio").click()
    page.get_by_label("Name contains").fill("site")
    page.get_by_label("Sort by").select_option("-name")
    page.get_by_role("button", name="Show").click()
    assert _names(page) == [f"Site {number:02d}" for number in range(PAGE_SIZE + 2, 2, -1)]
    expect(page.locator("table.portfolio caption")).to_have_text(f"{PAGE_SIZE + 3} buildings, 1 to {PAGE_SIZE} here")
    page.get_by_role("link", name="Next").click()
    expect(page).to_have_url(re.compile(r"\?q=site&type=&sort=-name&page=2$"))
    assert _names(page) == ["Site 02", "Site 01", "Site 00"]
    expect(page.get_by_label("Name contains")).to_have_value("site")
    page.locator("nav.pager").scroll_into_view_if_needed()
    _no_sideways_scroll(page)
    _shot(page, f"portfolio-page-2-{width}", kept=False)
    page.go_back()
    assert _names(page)[0] == f"Site {PAGE_SIZE + 2:02d}"
    page.get_by_role("link", name="Next").click()
    page.get_by_role("link", name="Previous").click()
    expect(page).to_have_url(re.compile(r"\?q=site&type=&sort=-name&page=1$"))
    assert not signed_in.errors
