"""A station's hourly temperatures are cached under the station's own data version: a building's new data
version (a meter reading) reads them from the cache, new temperatures read them again."""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from buildings.models import WeatherStation
from buildings.services import building_data_changed
from metering.weather.services import temperatures_ingest
from mrv import inputs
from mrv.services import baseline_calculate
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


def test_a_towt_baseline_follows_new_temperatures_and_not_new_readings(owner, as_owner):
    """The towt adjusted baseline is cached under the station's data version too: new readings leave it, new
    temperatures change it."""
    station = WeatherStation.objects.create(owner=owner, name="S", latitude=28.6, longitude=77.2, timezone=builders.TZ)
    hours = pd.date_range("2024-01-01", "2024-03-01", freq="h", inclusive="left", tz=builders.TZ)
    temperature = 20 + 8 * np.sin(2 * np.pi * np.arange(len(hours)) / 24)
    temperatures_ingest(station=station, frame=pd.DataFrame({"ts": hours, "temperature_c": temperature}))
    b = builders.building(owner, station=station)
    readings = pd.DataFrame({"ts": hours.tz_convert("UTC"), "kwh": 10 + 2 * temperature})
    builders.store_meter(b, readings[hours < pd.Timestamp("2024-02-20", tz=builders.TZ)])
    baseline_calculate(
        actor=owner, building=b, method="towt", baseline_start=date(2024, 1, 1), baseline_end=date(2024, 1, 31)
    )
    url = f"/mrv/{b.pk}/savings?start=2024-02&end=2024-02"

    def february() -> float:
        return as_owner.get(url).json()["months"][0]["adjusted_baseline_kwh"]

    before = february()
    assert before == pytest.approx(sum(10 + 2 * temperature[(hours.month == 2)]), rel=1e-6)  # the model is exact
    builders.store_meter(b, readings[hours >= pd.Timestamp("2024-02-20", tz=builders.TZ)])  # the rest of February
    assert february() == before
    warmer = pd.DataFrame({"ts": hours[hours.month == 2], "temperature_c": temperature[hours.month == 2] + 1})
    temperatures_ingest(station=station, frame=warmer)
    # 2 kWh per °C for each of its hours (to 0.01 %: the warmest hours now lie past the baseline's warmest)
    assert february() == pytest.approx(before + 2 * 29 * 24, rel=1e-4)
