"""Reads a building's stored data into the plain inputs the calculation core takes.

Whole months come from SQL month buckets (sum and count); only months with gaps load their raw
readings, so a multi-year query stays close to the cost of the aggregation it rests on.
"""

import functools
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar, cast

import pandas as pd
from django.core.cache import cache

from buildings.models import Building, WeatherStation
from metering.bills.selectors import confirmed_bill_months
from metering.readings.selectors import meter_bucket_totals, meter_interval, meter_series
from metering.weather.selectors import station_daily_means, station_hourly_means
from mrv import calc

from .models import CALCULATION_VERSION

# A daily meter's readings are 23–25 h apart around clock changes; anything sparser is not daily.
DST_SHIFT = pd.Timedelta(hours=1)
DAILY_METER_SPACING = pd.Timedelta(days=1) + DST_SHIFT
STATION_CACHE_SECONDS = 24 * 3600
T = TypeVar("T")


def months_between(first: pd.Period, last: pd.Period) -> list[pd.Period]:
    return list(pd.period_range(first, last, freq="M"))


def span_of(building: Building, months: list[pd.Period]) -> tuple[pd.Timestamp, pd.Timestamp]:
    return calc.month_bounds(months[0], building.timezone)[0], calc.month_bounds(months[-1], building.timezone)[1]


def month_qualities(
    *,
    building: Building,
    months: list[pd.Period],
    expected_use: calc.ExpectedUse | Callable[[], calc.ExpectedUse | None] | None = None,
) -> dict[pd.Period, calc.MonthQuality | None]:
    """Each month's quality and kWh total: from meter readings, else from confirmed utility bills; None
    where the month has neither. Gaps are filled in the shape of ``expected_use`` (the baseline model's),
    else of the readings' own weekly profile over the month and the weeks around it. ``expected_use`` may
    be a function that computes it: it is then called once, and only when some month has gaps."""
    shape = expected_use if not callable(expected_use) else functools.cache(expected_use)
    starts, ends = calc.months_bounds(months, building.timezone)
    totals = meter_bucket_totals(building=building, interval="month", start=starts[0], end=ends[-1])
    found = {
        bucket.tz_localize(None).to_period("M"): (kwh, count) for bucket, kwh, count in totals.itertuples(index=False)
    }
    return qualities_from_totals(
        building=building,
        months=months,
        found=found,
        interval=meter_interval(building=building, before=ends[-1]),
        expected_use=shape,
    )


def qualities_from_totals(
    *,
    building: Building,
    months: list[pd.Period],
    found: dict[pd.Period, tuple[float, int]],
    interval: pd.Timedelta | None,
    expected_use: calc.ExpectedUse | Callable[[], calc.ExpectedUse | None] | None,
) -> dict[pd.Period, calc.MonthQuality | None]:
    """`month_qualities` from the month totals (kWh, readings) already read (`found`, by month) and the meter's
    interval; only months with gaps read their raw readings (and call `expected_use` when it is a function)."""
    if interval is None:
        return _from_bills(building, dict.fromkeys(months))
    starts, ends = calc.months_bounds(months, building.timezone)
    expected = calc.expected_readings_per_month(months=months, timezone=building.timezone, interval=interval)
    qualities: dict[pd.Period, calc.MonthQuality | None] = {}
    for month, month_start, month_end, complete_count in zip(months, starts, ends, expected, strict=True):
        if month not in found:
            qualities[month] = None
            continue
        kwh, count = found[month]
        if count == complete_count:
            qualities[month] = calc.complete_month(total_kwh=float(kwh), count=count, interval=interval)
        else:
            around = pd.Timedelta(days=calc.CONTEXT_DAYS)
            raw = meter_series(building=building, start=month_start - around, end=month_end + around)
            qualities[month] = calc.assess_month(
                readings=raw,
                month=month,
                timezone=building.timezone,
                interval=interval,
                expected_use=expected_use() if callable(expected_use) else expected_use,
            )
    return _from_bills(building, qualities)


def _from_bills(building: Building, qualities: dict) -> dict[pd.Period, calc.MonthQuality | None]:
    """Months without readings take their kWh from the building's confirmed bills, where bills cover them."""
    unread = [month for month, quality in qualities.items() if quality is None]
    for month, billed in confirmed_bill_months(building=building, months=unread).items():
        qualities[month] = calc.billed_month(kwh=billed.kwh, covered_days=billed.covered_days, days=billed.days)
    return qualities


def complete_days(*, building: Building, first: date, last: date) -> pd.Series | None:
    """kWh per local calendar day from `first` to `last` (both included), only for days with every reading
    present (naive dates): every interval of the day for an interval meter, the day's reading for a daily one.
    None for meters read less often than daily, or without readings."""
    start = pd.Timestamp(first).tz_localize(building.timezone, nonexistent="shift_forward")
    end = (pd.Timestamp(last) + pd.Timedelta(days=1)).tz_localize(building.timezone, nonexistent="shift_forward")
    interval = meter_interval(building=building, before=end)
    if interval is None or interval > DAILY_METER_SPACING:
        return None
    days = meter_bucket_totals(building=building, interval="day", start=start, end=end)
    if days.empty:
        return None
    local = pd.DatetimeIndex(days["bucket"]).tz_localize(None)
    count = days["count"].to_numpy()
    if interval >= pd.Timedelta(days=1) - DST_SHIFT:
        whole = count >= 1
    else:
        next_midnight = (local + pd.Timedelta(days=1)).tz_localize(
            building.timezone,
            nonexistent="shift_forward",
            ambiguous=True,  # type: ignore[arg-type]  # pandas takes one bool for every instant; the stubs do not
        )
        length = next_midnight - pd.DatetimeIndex(days["bucket"])
        whole = count == (length / interval).to_numpy()
    return pd.Series(days["kwh"].to_numpy(dtype=float)[whole], index=local[whole])


def daily_temperatures(*, building: Building, months: list[pd.Period]) -> pd.Series | None:
    """Daily mean °C of the building's weather station per local date, or None without a station."""
    station = building.weather_station
    if station is None:
        return None
    start, end = span_of(building, months)
    means = station_daily_means(station=station, start=start, end=end)
    if means.empty:
        return None
    dates = pd.DatetimeIndex(means.index).tz_convert(building.timezone).tz_localize(None).normalize()
    return pd.Series(means.to_numpy(), index=dates)


def hourly_kwh(*, building: Building, start: pd.Timestamp, end: pd.Timestamp) -> pd.Series | None:
    """kWh per local clock hour over [start, end), only for hours with every reading present, on a
    zone-aware index in the building's zone; None for a meter read less often than hourly."""
    interval = meter_interval(building=building, before=end)
    if interval is None or interval > pd.Timedelta(hours=1):
        return None
    hours = meter_bucket_totals(building=building, interval="hour", start=start, end=end)
    whole = hours["count"].to_numpy() == pd.Timedelta(hours=1) / interval
    return pd.Series(hours["kwh"].to_numpy(dtype=float)[whole], index=pd.DatetimeIndex(hours["bucket"])[whole])


def hourly_temperatures(*, building: Building, start: pd.Timestamp, end: pd.Timestamp) -> pd.Series | None:
    """Mean °C of the station's hourly readings per local clock hour over [start, end), or None without
    a station or hourly readings."""
    station = building.weather_station
    if station is None:
        return None
    # Years of hours take longer to load than the rest of a savings run.
    means = station_cached(
        building,
        f"hours:{start.isoformat()}:{end.isoformat()}",
        lambda: station_hourly_means(station=station, start=start, end=end, timezone=building.timezone),
    )
    return None if means.empty else means


def station_cached(building: Building, name: str, compute: Callable[[], T]) -> T:
    """``compute()``, cached under the building's weather station, the station's own data version and the
    building's zone: for what rests on the station's temperatures alone (and on what is never rewritten, such
    as a stored baseline), which a new meter reading, a new data version of the building only, leaves as it was.
    Computed each time for a building without a station."""
    station = building.weather_station
    if station is None:
        return compute()
    version = WeatherStation.objects.filter(pk=station.pk).values_list("data_version", flat=True).get()
    key = f"station:{CALCULATION_VERSION}:{station.pk}:{version}:{building.timezone}:{name}"
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, timeout=STATION_CACHE_SECONDS)
    return cast(T, found)


def model_conditions(*, building: Building, months: list[pd.Period], model: dict, events) -> dict[str, Any]:
    """The conditions of `months` a stored baseline model reads, as keyword arguments of
    `calc.adjusted_baselines_kwh` and `calc.expected_use`: hourly temperatures for an hourly (towt) model,
    else daily temperatures and occupancy."""
    if model.get("granularity") == "hourly":
        start, end = span_of(building, months)
        return {"hourly_temperature_c": hourly_temperatures(building=building, start=start, end=end)}
    return {
        "daily_temperature_c": daily_temperatures(building=building, months=months),
        "daily_occupancy": daily_occupancy(building=building, months=months, events=events),
    }


def calc_events(building: Building) -> list[calc.ProjectEvent]:
    return [
        calc.ProjectEvent(event_type=e.event_type, start=e.start_date, end=e.end_date, occupancy_pct=e.occupancy_pct)
        for e in building.events.all()
    ]


def daily_occupancy(*, building: Building, months: list[pd.Period], events) -> pd.Series:
    return calc.daily_occupancy(
        start=calc.first_day(months[0]),
        end=calc.last_day(months[-1]),
        weekday_pct=building.occupancy_weekday,
        weekend_pct=building.occupancy_weekend,
        events=events,
    )
