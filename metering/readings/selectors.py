"""Reads of meter readings, raw or summed per calendar bucket of the building's time zone."""

from datetime import datetime, timedelta

import pandas as pd
from django.db import connection
from django.db.models import Count, Sum
from django.utils import timezone

from .models import MeterReading
from .rollup import Window, bucket_totals
from .timeseries import EpochSeconds, bucket_expression, instants

# The rows one page of readings holds unless asked for more (GET /meter/{id}/readings), and as many points as the
# portal's readings chart draws.
RAW_PAGE = 1000


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


def meter_bucket_totals(*, building, interval: str, start: datetime, end: datetime) -> pd.DataFrame:
    """kWh and reading count per calendar hour/day/month in the building's zone over [start, end), in SQL: on
    PostgreSQL by `rollup.bucket_totals` (from the day rows where it can), elsewhere from the readings."""
    tz = building.timezone
    if connection.vendor == "postgresql":
        totals = bucket_totals({str(building.pk): Window(start, end, tz)}, interval)
        frame = pd.DataFrame([row[1:] for row in totals], columns=["bucket", "kwh", "count"])
        frame["bucket"] = instants(frame["bucket"]).tz_convert(tz)
        return frame
    rows = (
        MeterReading.objects.filter(building=building, time__gte=start, time__lt=end)
        .annotate(bucket=bucket_expression(interval, tz))
        .values("bucket")
        .annotate(kwh=Sum("value_kwh"), count=Count("id"))
        .order_by("bucket")
        .values_list("bucket", "kwh", "count")
    )
    frame = pd.DataFrame.from_records(list(rows), columns=["bucket", "kwh", "count"])
    frame["bucket"] = pd.to_datetime(frame["bucket"], utc=True).dt.tz_convert(tz)
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
    return modal_spacing(times)


def modal_spacing(latest_first_epoch_seconds) -> pd.Timedelta | None:
    """The most common spacing of readings given newest first (as `EpochSeconds`); None with fewer than two."""
    if len(latest_first_epoch_seconds) < 2:
        return None
    spacing = -pd.Series(instants(latest_first_epoch_seconds)).diff().dropna()
    return spacing.mode().iloc[0]
