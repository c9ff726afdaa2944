"""Reads of meter and weather data."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from django.db import connection
from django.db.models import Avg, Count, DateTimeField, F, FloatField, Func, Sum, Value
from django.db.models.functions import TruncDay, TruncHour, TruncMonth
from django.utils import timezone

from accounts.roles import sees_all_buildings
from buildings.models import WeatherStation
from carbonexia.common.errors import NotFound

from .models import MeterReading, TemperatureReading, TemperatureResolution, Upload

INTERVALS = {"hour": ("1 hour", TruncHour), "day": ("1 day", TruncDay), "month": ("1 month", TruncMonth)}


class TimeBucket(Func):
    """TimescaleDB's time_bucket(width, ts, timezone): calendar buckets in the building's zone."""

    function = "time_bucket"
    output_field = DateTimeField()

    def __init__(self, width: str, expression, tz: str):
        super().__init__(expression, Value(tz), width=width)

    def as_sql(self, compiler, connection, **extra):
        width = self.extra["width"]
        assert width in {spec[0] for spec in INTERVALS.values()}  # a literal from our own table, never input
        return super().as_sql(compiler, connection, template=f"time_bucket('{width}'::interval, %(expressions)s)")


class EpochSeconds(Func):
    """Seconds since 1970 as a float: a column of them loads in C, where Django's time-zone-aware timestamp
    loader runs Python per value (about 6 µs a row)."""

    output_field = FloatField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="EXTRACT(EPOCH FROM %(expressions)s)::float8", **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="(julianday(%(expressions)s) - 2440587.5) * 86400.0", **extra)


def instants(epoch_seconds) -> pd.DatetimeIndex:
    """UTC instants from `EpochSeconds` values, to the millisecond (SQLite's julianday carries no finer)."""
    milliseconds = np.round(np.asarray(epoch_seconds, dtype=float) * 1000).astype("int64")
    return pd.DatetimeIndex(pd.to_datetime(milliseconds, unit="ms", utc=True))


def bucket_expression(interval: str, tz: str):
    width, trunc = INTERVALS[interval]
    if connection.vendor == "postgresql":
        return TimeBucket(width, F("time"), tz)
    return trunc("time", tzinfo=ZoneInfo(tz))


# --- uploads -------------------------------------------------------------------------------------
def upload_for_read(*, user, upload_id, kinds: tuple[str, ...]) -> Upload:
    uploads = Upload.objects.filter(kind__in=kinds)
    if not sees_all_buildings(user):
        uploads = uploads.filter(uploaded_by=user)
    upload = uploads.filter(pk=upload_id).first() if upload_id else None
    if upload is None:
        raise NotFound("No such upload.")
    return upload


# --- meter readings ------------------------------------------------------------------------------
def readings_page(
    *, building, start: datetime | None, end: datetime | None, interval: str, after: datetime | None, limit: int
) -> pd.DataFrame:
    """Up to `limit` rows (`timestamp`, `kwh`) after the cursor, raw or summed per calendar bucket."""
    readings = MeterReading.objects.filter(building=building)
    if start is not None:
        readings = readings.filter(time__gte=start)
    if end is not None:
        readings = readings.filter(time__lt=end)
    if interval == "raw":
        if after is not None:
            readings = readings.filter(time__gt=after)
        rows = readings.order_by("time").values_list("time", "value_kwh")[:limit]
    else:
        bucketed = readings.annotate(bucket=bucket_expression(interval, building.timezone))
        if after is not None:
            bucketed = bucketed.filter(bucket__gt=after)
        rows = bucketed.values("bucket").annotate(kwh=Sum("value_kwh")).order_by("bucket").values_list("bucket", "kwh")
        rows = rows[:limit]
    frame = pd.DataFrame.from_records(list(rows), columns=["timestamp", "kwh"])
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True)
    return frame


# --- weather -------------------------------------------------------------------------------------
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


def meter_bucket_totals(*, building, interval: str, start: datetime, end: datetime) -> pd.DataFrame:
    """kWh and reading count per calendar hour/day/month in the building's zone over [start, end), in SQL."""
    rows = (
        MeterReading.objects.filter(building=building, time__gte=start, time__lt=end)
        .annotate(bucket=bucket_expression(interval, building.timezone))
        .values("bucket")
        .annotate(kwh=Sum("value_kwh"), count=Count("id"))
        .order_by("bucket")
        .values_list("bucket", "kwh", "count")
    )
    frame = pd.DataFrame.from_records(list(rows), columns=["bucket", "kwh", "count"])
    frame["bucket"] = pd.to_datetime(frame["bucket"], utc=True).dt.tz_convert(building.timezone)
    return frame


def meter_series(*, building, start: datetime, end: datetime) -> pd.Series:
    """Raw kWh per interval over [start, end), for the few months whose gaps must be filled."""
    rows = MeterReading.objects.filter(building=building, time__gte=start, time__lt=end).order_by("time")
    frame = pd.DataFrame.from_records(
        list(rows.values_list(EpochSeconds("time"), "value_kwh")), columns=["time", "kwh"]
    )
    return pd.Series(frame["kwh"].to_numpy(dtype=float), index=instants(frame["time"]))


def meter_interval(*, building, before: datetime | None = None, sample: int = 100) -> pd.Timedelta | None:
    """The meter's reading interval, from the modal spacing of its latest readings (before `before`)."""
    readings = MeterReading.objects.filter(building=building)
    if before is not None:
        readings = readings.filter(time__lt=before)
    # The latest month usually holds the sample; bounding the scan keeps it to one or two chunks.
    recent = readings.filter(time__gte=(before or timezone.now()) - timedelta(days=31)) if before else readings
    times = list(recent.order_by("-time").values_list(EpochSeconds("time"), flat=True)[:sample])
    if len(times) < 2 and recent is not readings:
        times = list(readings.order_by("-time").values_list(EpochSeconds("time"), flat=True)[:sample])
    if len(times) < 2:
        return None
    spacing = -pd.Series(instants(times)).diff().dropna()
    return spacing.mode().iloc[0]
