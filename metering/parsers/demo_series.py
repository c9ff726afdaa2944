"""A synthetic, physically plausible building, for the demo and for tests and benchmarks.

Weather: an annual sinusoid (coldest in mid-January) plus a diurnal cycle (warmest at 15:00 local) plus
AR(1) anomalies that persist for a day or two. Meter: a constant base load, an occupancy load during
working hours (08:00-18:00 local, weekday or weekend share of `occupied_kw`), heating and cooling that
grow linearly below and above their balance temperatures, ±5 % multiplicative noise, and from the local
midnight starting `retrofit_date` everything scaled down by `retrofit_saving_pct`. Days listed as closed (public
holidays) are occupied like weekends.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

WORKING_HOURS = (8, 18)
# The office the MRV tests and benchmarks measure against (the issues' "office"): a 100 kW base, 200 kW more when
# fully occupied, cooled by 25 kW per °C above 21 °C, never heated; occupied 85 % on weekdays, 20 % at weekends.
OFFICE = {
    "base_kw": 100,
    "occupied_kw": 200,
    "heating_kw_per_degc": 0,
    "cooling_kw_per_degc": 25,
    "cooling_balance_c": 21,
    "weekday_occupancy": 0.85,
    "weekend_occupancy": 0.2,
}


@dataclass(frozen=True)
class Climate:
    mean_c: float  # annual mean temperature
    seasonal_c: float  # amplitude of the annual cycle of daily means
    diurnal_c: float  # amplitude of the day-night cycle
    anomaly_c: float  # standard deviation of the weather anomalies


CLIMATES = {
    "temperate": Climate(mean_c=11.0, seasonal_c=7.0, diurnal_c=4.0, anomaly_c=2.5),  # London
    "continental": Climate(mean_c=12.5, seasonal_c=12.0, diurnal_c=5.0, anomaly_c=3.5),  # New York
    "subtropical": Climate(mean_c=25.0, seasonal_c=9.0, diurnal_c=6.0, anomaly_c=2.0),  # Delhi
    "tropical": Climate(mean_c=27.5, seasonal_c=1.5, diurnal_c=3.5, anomaly_c=1.0),  # Mumbai
}


def generate_weather(
    *, start: str | date, end: str | date, tz: str, seed: int, climate: str = "temperate"
) -> pd.DataFrame:
    """Hourly `ts` (UTC) and `temperature_c` over [start, end); naive start/end are local times in `tz`."""
    params = CLIMATES[climate]
    ts = _instants(start, end, tz=tz, freq="h")
    local = ts.tz_convert(tz)
    hour = local.hour.to_numpy() + local.minute.to_numpy() / 60
    day = local.dayofyear.to_numpy() + hour / 24
    seasonal = -params.seasonal_c * np.cos(2 * np.pi * (day - 15) / 365.25)
    diurnal = params.diurnal_c * np.cos(2 * np.pi * (hour - 15) / 24)
    anomaly = _ar1(np.random.default_rng(seed), len(ts), phi=0.97, sd=params.anomaly_c)
    temperature = params.mean_c + seasonal + diurnal + anomaly
    return pd.DataFrame({"ts": ts, "temperature_c": np.round(temperature, 1)})


def generate_meter(
    *,
    weather: pd.DataFrame,
    start: str | date,
    end: str | date,
    tz: str,
    seed: int,
    interval: str = "15min",
    base_kw: float = 40.0,
    occupied_kw: float = 60.0,
    heating_kw_per_degc: float = 4.0,
    cooling_kw_per_degc: float = 6.0,
    heating_balance_c: float = 15.0,
    cooling_balance_c: float = 20.0,
    weekday_occupancy: float = 0.9,
    weekend_occupancy: float = 0.1,
    retrofit_date: str | date | None = None,
    retrofit_saving_pct: float = 0.0,
    closed_dates: Sequence[date] = (),
) -> pd.DataFrame:
    """`ts` (UTC, interval start) and `kwh` used in each interval over [start, end), driven by `weather`.

    `weather` has `ts` and `temperature_c` sorted by `ts` (as from generate_weather) and must span the whole
    range; it is interpolated linearly to the intervals. Occupancies are shares (0-1) of `occupied_kw`.
    `closed_dates` (local dates, e.g. public holidays) are occupied like weekend days.
    """
    ts = _instants(start, end, tz=tz, freq=interval)
    temperature = _interpolate(weather, ts)
    local = ts.tz_convert(tz)
    hour = local.hour.to_numpy() + local.minute.to_numpy() / 60
    working = (hour >= WORKING_HOURS[0]) & (hour < WORKING_HOURS[1])
    closed = local.normalize().tz_localize(None).isin(pd.DatetimeIndex(list(closed_dates)))
    workday = (local.dayofweek.to_numpy() < 5) & ~closed
    occupancy = np.where(workday, weekday_occupancy, weekend_occupancy) * working
    kw = (
        base_kw
        + occupied_kw * occupancy
        + heating_kw_per_degc * np.clip(heating_balance_c - temperature, 0, None)
        + cooling_kw_per_degc * np.clip(temperature - cooling_balance_c, 0, None)
    )
    kw *= 1 + 0.05 * np.random.default_rng(seed).standard_normal(len(ts))
    if retrofit_date is not None:
        kw[ts >= _local(retrofit_date, tz)] *= 1 - retrofit_saving_pct / 100
    hours = pd.Timedelta(interval) / pd.Timedelta(hours=1)
    return pd.DataFrame({"ts": ts, "kwh": np.round(np.clip(kw, 0, None) * hours, 3)})


def to_csv_bytes(frame: pd.DataFrame, *, tz: str | None = None) -> bytes:
    """CSV with `timestamp` then the frame's other columns: ISO 8601 in UTC, or naive local time in `tz`."""
    local = frame["ts"].dt.tz_convert(tz or "UTC").dt.tz_localize(None)
    text = np.datetime_as_string(local.to_numpy(dtype="datetime64[s]"), unit="s")
    table = frame.drop(columns="ts")
    table.insert(0, "timestamp", text if tz else np.char.add(text, "+00:00"))
    return table.to_csv(index=False, lineterminator="\n").encode()


def _local(value: str | date, tz: str) -> pd.Timestamp:
    stamp = pd.Timestamp(value)
    return stamp.tz_localize(tz) if stamp.tzinfo is None else stamp.tz_convert(tz)


def _instants(start: str | date, end: str | date, *, tz: str, freq: str) -> pd.DatetimeIndex:
    # Steps of fixed length in absolute time, so clock changes neither repeat nor skip an interval.
    return pd.date_range(_local(start, tz), _local(end, tz), freq=freq, inclusive="left").tz_convert("UTC")


def _interpolate(weather: pd.DataFrame, ts: pd.DatetimeIndex) -> np.ndarray:
    known = weather["ts"].dt.tz_convert("UTC").to_numpy(dtype="datetime64[ns]").astype(np.int64)
    wanted = ts.to_numpy(dtype="datetime64[ns]").astype(np.int64)
    if len(wanted) and not (len(known) and known[0] <= wanted[0] and wanted[-1] <= known[-1]):
        raise ValueError("The weather does not cover the whole meter period.")
    temperatures: np.ndarray = np.interp(wanted, known, weather["temperature_c"].to_numpy(dtype=float))
    return temperatures


def _ar1(rng: np.random.Generator, n: int, *, phi: float, sd: float) -> np.ndarray:
    """Stationary AR(1) noise, the recursion unrolled as a convolution with its decaying impulse response."""
    taps = int(np.ceil(np.log(1e-6) / np.log(phi)))
    shocks = rng.normal(0.0, sd * np.sqrt(1 - phi**2), n + taps - 1)
    return np.convolve(shocks, phi ** np.arange(taps), mode="valid")
