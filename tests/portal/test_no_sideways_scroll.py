"""No portal page scrolls sideways, on a phone (390 x 844) or a laptop (1366 x 800).

Every page comes from portal/urls.py, so a page added later is checked without touching this file; its path
parameters are filled with the demo-like facility manager's own objects. Only endpoints that are not pages are
left out, each with its reason. At 1366 px nothing is hidden in a table's own scroll area either (the demo's
"Retire" link once sat past its edge)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from portal import urls
from tests.conftest import ARTIFACTS, PASSWORD
from tests.portal.demo_manager import demo_manager
from tests.portal.test_browser import chromium, new_day  # noqa: F401  (the fixture is used by name)

pytestmark = pytest.mark.browser

NOT_PAGES = {
    "logout": "POST only: it signs the user out",
    "upload": "POST only: the data page's meter file form posts here",
    "upload-status": "an HTMX fragment the data page polls; a plain GET redirects to the data page",
    "station-link": "POST only: a form on the data page",
    "station-add": "POST only: a form on the data page",
    "temperatures": "POST only: a form on the data page",
    "event-create": "POST only: a form on the data page",
    "report-status": "an HTMX fragment the reports page polls; a plain GET redirects to the reports page",
    "report-download": "a PDF download, not a page",
    "portfolio-csv": "a CSV download of the portfolio page's rows, not a page",
    "upload-template": "a CSV template download, not a page",
    "meter-delete": "POST only: a button on the meters page",
    "webhook-delete": "POST only: a button on the webhooks page",
    "webhook-test": "POST only: a button on the webhooks and deliveries pages",
}
SIGNED_OUT = {"login", "register"}  # a signed-in user is sent on from these
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1366, "height": 800}}
SHOTS = ARTIFACTS / "screenshots" / "no-sideways-scroll"


def portal_pages() -> list:
    return [pattern for pattern in urls.urlpatterns if pattern.name not in NOT_PAGES]


def test_every_endpoint_left_out_exists():
    names = {pattern.name for pattern in urls.urlpatterns}
    assert set(NOT_PAGES) <= names
    assert SIGNED_OUT <= names


def _path(pattern, demo) -> str:
    """The page's path with each parameter filled with the manager's own object; a new parameter fails here."""
    objects = {
        "building_id": demo.building.pk,
        "credit_id": demo.issued.pk,
        "report_id": demo.report.public_id,
        "bill_id": demo.bill.public_id,
        "meter_id": demo.meter.pk,
        "webhook_id": demo.webhook.pk,
    }
    kwargs = {name: objects[name] for name in pattern.pattern.converters}
    return reverse(f"portal:{pattern.name}", kwargs=kwargs)


# Widths as the page lays itself out; and, on a laptop, table scroll areas that hide part of their table.
MEASURE = """() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    hidden: [...document.querySelectorAll('.table-wrap')]
        .filter(wrap => wrap.scrollWidth > wrap.clientWidth + 1)
        .map(wrap => (wrap.querySelector('caption, th') || wrap).textContent.trim().slice(0, 40)),
})"""


def _measure(day, name: str, path: str, viewport: str) -> dict:
    response = day.open(path)
    assert response.status == 200, f"{name}: {response.status}"
    day.page.wait_for_load_state("networkidle")
    SHOTS.mkdir(parents=True, exist_ok=True)
    day.page.screenshot(path=SHOTS / f"{viewport}-{name}.png", full_page=True)
    return day.page.evaluate(MEASURE)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_no_portal_page_scrolls_sideways(
    chromium,  # noqa: F811
    live_server,
    transactional_db,
    django_db_serialized_rollback,
    make_user,
    viewport,
):
    demo = demo_manager(make_user)
    day = new_day(chromium, live_server, f"sideways-{viewport}")
    day.page.set_viewport_size(VIEWPORTS[viewport])
    pages = portal_pages()
    measured = {p.name: _measure(day, p.name, _path(p, demo), viewport) for p in pages if p.name in SIGNED_OUT}
    day.open("/portal/login/")
    day.page.get_by_label("Email").fill(demo.user.email)
    day.page.get_by_label("Password").fill(PASSWORD)
    day.page.get_by_role("button", name="Log in").click()
    expect(day.page.get_by_role("link", name=demo.building.name).first).to_be_visible()
    for p in pages:
        if p.name not in SIGNED_OUT:
            measured[p.name] = _measure(day, p.name, _path(p, demo), viewport)
    wide = {name: m["scrollWidth"] for name, m in measured.items() if m["scrollWidth"] > m["innerWidth"]}
    assert not wide, f"pages wider than the {VIEWPORTS[viewport]['width']} px window: {wide}"
    if viewport == "laptop":
        hidden = {name: m["hidden"] for name, m in measured.items() if m["hidden"]}
        assert not hidden, f"tables that hide columns in a scroll area at 1366 px: {hidden}"
    assert not day.errors
