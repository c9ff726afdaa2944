"""The portal's month table shows how much of each month's actual use fills missing readings."""

import re

import pytest

from mrv.services import baseline_calculate
from tests.mrv import builders

pytestmark = pytest.mark.django_db


def test_the_month_table_shows_filled_kwh(portal, outsider_portal, owner):
    building = builders.building(owner)
    builders.retrofit(building)
    baseline_calculate(
        actor=owner,
        building=building,
        method="static",
        static_kwh=40_000,
        months=[{"period": "2024-01", "kwh": 40_000}],
    )
    # August: every 10th of 2,976 quarter-hours missing (298, FLAGGED), each filled back to 10 kWh.
    builders.store_meter(building, builders.month_frame("2024-08", missing_every=10))
    html = portal.get(f"/portal/buildings/{building.pk}/?month=2024-08").content.decode()
    assert "Filled (kWh)" in html
    row = re.search(r'<th scope="row">2024-08</th>(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r'<td class="num">([^<]*)</td>', row)[:3] == ["40,000", "29,760", "2,980"]
    assert outsider_portal.get(f"/portal/buildings/{building.pk}/?month=2024-08").status_code == 404
