"""A local GHCNh server with three stations around a located building (see source.py)."""

import pytest

from buildings.models import Building

from ..helpers import make_building
from .source import three_stations


@pytest.fixture
def ghcnh(settings):
    """Three stations around a building at 40.70 N, 73.90 W, 20 m up, and two year files of the chosen one."""
    server = three_stations().start()
    settings.WEATHER_SOURCE_URL = server.url
    settings.WEATHER_HISTORY_YEARS = 2
    yield server
    server.stop()


@pytest.fixture
def located(owner):
    building = make_building(owner, timezone="America/New_York")
    Building.objects.filter(pk=building.pk).update(latitude=40.70, longitude=-73.90, elevation_m=20.0)
    building.refresh_from_db()
    return building
