"""A station's hourly temperatures are cached under the station's own data version: a building's new data
version (a meter reading) reads them from the cache, new temperatures read them again."""

import pandas as pd
import pytest

from buildings.models import WeatherStation
from buildings.services import building_data_changed
from metering.weather.services import temperatures_ingest
from mrv import inputs
from tests.mrv import builders

pytestmark = pytest.mark.django_db


def test_hours_come_from_the_cache_until_the_station_changes(owner, django_assert_num_queries):
    station = WeatherStation.objects.create(owner=owner, name="S", latitude=28.6, longitude=77.2, timezone=builders.TZ)
    hours = pd.date_range("2024-01-01", periods=48, freq="h", tz=builders.TZ)
    temperatures_ingest(station=station, frame=pd.DataFrame({"ts": hours, "temperature_c": 10.0}))
    b = builders.building(owner, station=station)
    span = {"start": hours[0], "end": hours[-1] + pd.Timedelta(hours=1)}
    first = inputs.hourly_temperatures(building=b, **span)
    assert first is not None and len(first) == 48 and (first == 10.0).all()

    building_data_changed(b)  # new readings: the building's version moves, the station's does not
    with django_assert_num_queries(1):  # the station's version; the hours themselves come from the cache
        again = inputs.hourly_temperatures(building=b, **span)
    pd.testing.assert_series_equal(again, first)

    temperatures_ingest(station=station, frame=pd.DataFrame({"ts": hours, "temperature_c": 12.5}))
    b.refresh_from_db()
    changed = inputs.hourly_temperatures(building=b, **span)
    assert changed is not None and (changed == 12.5).all()
    assert WeatherStation.objects.get(pk=station.pk).data_version == 2
