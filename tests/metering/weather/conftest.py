"""A local GHCNh server with three stations around a located building (see source.py)."""

from datetime import UTC, datetime

import pytest

from buildings.models import Building
from metering.weather.source import INVENTORY_PATH, STATION_LIST_PATH, hourly_path

from ..helpers import make_building
from .source import CHOSEN, CLOSE_PATCHY, FAR, FULL_2025, GhcnhServer, hourly, inventory, station_list


@pytest.fixture
def ghcnh(settings):
    """Three stations around a building at 40.70 N, 73.90 W, 20 m up, and two year files of the chosen one."""
    server = GhcnhServer().start()
    settings.WEATHER_SOURCE_URL = server.url
    settings.WEATHER_HISTORY_YEARS = 2
    server.put(STATION_LIST_PATH, station_list([CLOSE_PATCHY, CHOSEN, FAR]))
    server.put(
        INVENTORY_PATH,
        inventory([(CLOSE_PATCHY[0], 2025, [m // 2 for m in FULL_2025]), (CHOSEN[0], 2025, FULL_2025)]),
    )
    server.put(hourly_path(CHOSEN[0], 2025), hourly(CHOSEN[0], datetime(2025, 12, 31, 0, tzinfo=UTC), 24))
    server.put(hourly_path(CHOSEN[0], 2026), hourly(CHOSEN[0], datetime(2025, 12, 31, 23, 59, tzinfo=UTC), 36))
    yield server
    server.stop()


@pytest.fixture
def located(owner):
    building = make_building(owner, timezone="America/New_York")
    Building.objects.filter(pk=building.pk).update(latitude=40.70, longitude=-73.90, elevation_m=20.0)
    building.refresh_from_db()
    return building
