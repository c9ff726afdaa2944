"""Reads of a station's temperatures: daily means per local calendar day, hourly means per local clock hour."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pandas as pd
from django.db.models import Avg, Count

from buildings.models import Building, WeatherStation

from ..readings.timeseries import EpochSeconds, bucket_expression, bucket_starts, instants
from .models import BuildingWeather, TemperatureReading, TemperatureResolution


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


@dataclass(frozen=True)
class MonthCoverage:
    period: str  # "2025-01", a UTC calendar month
    hours: int  # hours with a stored temperature
    expected: int  # hours of the month, up to now for the current one
    coverage: float  # hours / expected, 0..1


def monthly_coverage(*, station: WeatherStation, now: datetime) -> list[MonthCoverage]:
    """Hourly temperatures stored per UTC month, from the station's first stored month to the current one."""
    rows = dict(
        TemperatureReading.objects.filter(station=station, resolution=TemperatureResolution.HOUR, time__lte=now)
        .annotate(month=bucket_expression("month", "UTC"))
        .values("month")
        .annotate(hours=Count("id"))
        .values_list("month", "hours")
    )
    if not rows:
        return []
    counts = {_utc_month(month): hours for month, hours in rows.items()}
    current = pd.Timestamp(now).tz_convert("UTC").tz_localize(None)
    months = pd.period_range(min(counts), current.to_period("M"), freq="M")
    result = []
    for period in months:
        start = period.start_time
        end = min(period.end_time + pd.Timedelta(1, "ns"), current.floor("h") + pd.Timedelta(hours=1))
        expected = max(1, int((end - start) / pd.Timedelta(hours=1)))
        hours = counts.get(period, 0)
        result.append(MonthCoverage(str(period), hours, expected, round(min(1.0, hours / expected), 4)))
    return result


RECENT_DAYS = 30


def recent_coverage(*, station: WeatherStation, now: datetime) -> float:
    """The share of the last RECENT_DAYS days' hours with a stored hourly temperature, 0..1."""
    start = now - timedelta(days=RECENT_DAYS)
    hours = TemperatureReading.objects.filter(
        station=station, resolution=TemperatureResolution.HOUR, time__gt=start, time__lte=now
    ).count()
    return min(1.0, hours / (RECENT_DAYS * 24))


def _utc_month(instant: datetime) -> pd.Period:
    stamp = pd.Timestamp(instant)
    return (stamp.tz_convert("UTC").tz_localize(None) if stamp.tzinfo else stamp).to_period("M")


def building_weather(building: Building, *, now: datetime) -> dict[str, Any]:
    """What the API and the portal show of a building's weather: the station, why it was chosen, the last fetch
    and the coverage per month of the station the building is linked to (fetched or filled by hand)."""
    record = BuildingWeather.objects.filter(building=building).first()
    station = building.weather_station
    if not building.located:
        status = "not_located"  # also after the coordinates were cleared: nothing is fetched any more
    else:
        status = record.status if record is not None else "not_requested"
    return {
        "building_id": building.pk,
        "latitude": building.latitude,
        "longitude": building.longitude,
        "elevation_m": building.elevation_m,
        "status": status,
        "message": record.message if record else "",
        "requested_at": record.requested_at if record else None,
        "last_attempt_at": record.last_attempt_at if record else None,
        "last_success_at": record.last_success_at if record else None,
        "station": None
        if station is None
        else {
            "station_id": station.pk,
            "source_id": station.source_id,
            "name": station.name,
            "latitude": station.latitude,
            "longitude": station.longitude,
        },
        "chosen_because": record.chosen_because if record else "",
        "candidates": record.candidates if record else [],
        "coverage": monthly_coverage(station=station, now=now) if station else [],
    }


def station_hourly_means(*, station: WeatherStation, start: datetime, end: datetime, timezone: str) -> pd.Series:
    """Mean °C of the station's hourly readings per clock hour of `timezone` over [start, end), in SQL;
    indexed by the hour's start, zone-aware in `timezone`. Empty for a station with daily values only."""
    rows = (
        TemperatureReading.objects.filter(
            station=station, resolution=TemperatureResolution.HOUR, time__gte=start, time__lt=end
        )
        .annotate(hour=EpochSeconds(bucket_expression("hour", timezone)))  # years of hours: loaded in C
        .values("hour")
        .annotate(mean=Avg("temperature_c"))
        .order_by("hour")
        .values_list("hour", "mean")
    )
    frame = pd.DataFrame.from_records(list(rows), columns=["hour", "temperature_c"])
    hours = bucket_starts(frame["hour"], timezone)
    return pd.Series(frame["temperature_c"].to_numpy(dtype=float), index=hours, name="temperature_c")
