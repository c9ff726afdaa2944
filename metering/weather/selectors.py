"""Reads of a station's temperatures: daily means per local calendar day."""

from datetime import datetime

import pandas as pd
from django.db.models import Avg, Count

from buildings.models import WeatherStation

from ..readings.timeseries import EpochSeconds, bucket_expression, instants
from .models import TemperatureReading, TemperatureResolution


def hourly_daily_means(*, station: WeatherStation, start: datetime, end: datetime, min_hours: int = 12) -> pd.DataFrame:
    """`time` (local midnight) and `temperature_c`: the mean of each local day's hourly readings, for days
    with at least `min_hours` of them, computed in SQL."""
    rows = (
        TemperatureReading.objects.filter(
            station=station, resolution=TemperatureResolution.HOUR, time__gte=start, time__lt=end
        )
        .annotate(day=bucket_expression("day", station.timezone))
        .values("day")
        .annotate(mean=Avg("temperature_c"), hours=Count("id"))
        .filter(hours__gte=min_hours)
        .values_list("day", "mean")
    )
    frame = pd.DataFrame.from_records(list(rows), columns=["time", "temperature_c"])
    frame["time"] = pd.to_datetime(frame["time"], utc=True)
    return frame


def station_daily_means(*, station: WeatherStation, start: datetime, end: datetime) -> pd.Series:
    """Daily mean °C per local calendar day of the station: stored daily means win over means of hourly rows."""
    rows = (
        TemperatureReading.objects.filter(
            station=station,
            time__gte=start,
            time__lt=end,
            resolution__in=[TemperatureResolution.DAY, TemperatureResolution.MEAN],
        )
        .order_by("time", "-resolution")  # "mean" < "day": the stored daily value comes last and wins
        .values_list(EpochSeconds("time"), "temperature_c")
    )
    frame = pd.DataFrame.from_records(list(rows), columns=["day", "temperature_c"])
    days = instants(frame["day"]).tz_convert(station.timezone).normalize()
    series = pd.Series(frame["temperature_c"].to_numpy(dtype=float), index=days)
    return series[~series.index.duplicated(keep="last")].rename("temperature_c")
