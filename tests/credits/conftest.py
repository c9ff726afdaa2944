import pytest

from mrv.services import baseline_calculate
from tests.mrv import builders


@pytest.fixture
def eligible_building(owner):
    """Daily meter, weather station, retrofit in March 2024, a weather baseline: April 2024 to March 2025
    are eligible months."""
    building, _ = builders.two_years(owner, interval="1D")
    baseline_calculate(actor=owner, building=building)
    return building


def issue(client, building, start="2024-04-01", end="2024-09-30"):
    return client.post(
        "/credits/issue", {"building_id": str(building.pk), "period_start": start, "period_end": end}, format="json"
    )
