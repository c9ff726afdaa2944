"""Reads that load timestamps as epoch seconds give back the stored instants, on either database."""

from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from metering.readings.models import MeterReading
from metering.readings.selectors import meter_interval, meter_series
from tests.metering.helpers import make_building

pytestmark = pytest.mark.django_db

START = datetime(2025, 3, 1, tzinfo=UTC)


def _store(building, stamps):
    MeterReading.objects.bulk_create(
        MeterReading(building=building, time=stamp, value_kwh=float(i), source="MANUAL")
        for i, stamp in enumerate(stamps)
    )


def test_meter_series_keeps_each_instant_to_the_millisecond(owner):
    building = make_building(owner)
    stamps = [START + timedelta(minutes=15 * i, milliseconds=250 * (i % 2)) for i in range(6)]
    _store(building, stamps)
    series = meter_series(building=building, start=START, end=START + timedelta(days=1))
    assert list(series.index) == [pd.Timestamp(s) for s in stamps]
    assert str(series.index.tz) == "UTC"
    assert list(series) == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]


def test_meter_interval_is_the_commonest_spacing_before_the_bound(owner):
    building = make_building(owner)
    quarter_hours = [START + timedelta(minutes=15 * i) for i in range(20)]
    later_hours = [quarter_hours[-1] + timedelta(hours=h) for h in range(1, 40)]
    _store(building, quarter_hours + later_hours)
    assert meter_interval(building=building, before=quarter_hours[-1] + timedelta(minutes=1)) == pd.Timedelta("15min")
    assert meter_interval(building=building) == pd.Timedelta("1h")
    assert meter_interval(building=make_building(owner)) is None
