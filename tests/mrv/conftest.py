import pytest

from mrv.services import baseline_calculate
from tests.mrv import builders


@pytest.fixture
def flat_building(owner):
    """A building with a static baseline of 2,976 kWh/month (a 31-day month at 10 kWh a quarter-hour
    would be exactly that) and the March 2024 retrofit; reporting months of known quality."""
    b = builders.building(owner)
    builders.retrofit(b)
    baseline_calculate(
        actor=owner, building=b, method="static", static_kwh=40_000, months=[{"period": "2024-01", "kwh": 40_000}]
    )
    return b
