"""Anomalies in a real browser: the facility manager's dashboard marks the month and lists the stuck register
with a chart of the days around it, at 1366 px and 390 px."""

import pytest
from playwright.sync_api import expect

from tests.mrv import builders
from tests.portal.test_browser import chromium, new_day  # noqa: F401  (the fixture is used by name)

pytestmark = pytest.mark.browser
TZ = builders.TZ


@pytest.mark.parametrize("width", [1366, 390])
def test_the_dashboard_marks_and_lists_a_stuck_register(
    chromium,  # noqa: F811
    live_server,
    transactional_db,
    django_db_serialized_rollback,
    make_user,
    width,
):
    owner = make_user(email=f"owner{width}@example.test")
    b = builders.office_with_june_anomalies(owner)
    day = new_day(chromium, live_server, f"anomalies-{width}")
    day.page.set_viewport_size({"width": width, "height": 900})
    day.log_in(owner.email)
    day.open(f"/portal/buildings/{b.pk}/?month=2024-06")
    rows = day.page.locator("table.anomalies tbody tr")
    expect(rows.filter(has_text="Stuck reading")).to_have_count(1)
    expect(rows.filter(has_text="Stuck reading")).to_contain_text("12.500 kWh, 32 times in a row")
    expect(rows.filter(has_text="Stuck reading").locator("svg")).to_be_visible()
    # One month is marked, in the chart drawn for this width (the other copy is hidden).
    expect(day.page.locator('figure.chart svg circle[fill="#b3261e"]:visible')).to_have_count(1)
    day.shot("dashboard-anomalies")
    # The list and its chart fit the page: they add no sideways scroll of their own.
    table_width = day.page.locator("table.anomalies").evaluate("table => table.getBoundingClientRect().right")
    assert table_width <= width
    assert not day.errors
