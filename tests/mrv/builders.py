"""Buildings with stored data of a known truth, for the MRV tests."""

import numpy as np
import pandas as pd

from buildings.models import Building, EventType, ProjectEvent, WeatherStation
from metering.parsers.demo_series import OFFICE, generate_meter, generate_weather
from metering.readings.services import meter_readings_ingest
from metering.weather.services import temperatures_ingest
from mrv.calc.daytypes import public_holidays

TZ = "Asia/Kolkata"


def building(owner, *, timezone=TZ, region="IN", station=None) -> Building:
    return Building.objects.create(
        owner=owner,
        name="MRV test",
        area_sqft=80_000,
        timezone=timezone,
        grid_region=region,
        weather_station=station,
        occupancy_weekday=90,
        occupancy_weekend=20,
    )


def retrofit(b: Building, start="2024-03-04", end="2024-03-29") -> None:
    ProjectEvent.objects.create(
        building=b, event_type=EventType.RETROFIT, start_date=start, end_date=end, recorded_by=b.owner
    )


def store_meter(b: Building, frame: pd.DataFrame) -> None:
    meter_readings_ingest(building=b, frame=frame[["ts", "kwh"]], source="MANUAL")


def two_years(
    owner,
    *,
    interval="15min",
    hotter_by_c=0.0,
    saving_pct=20.0,
    seed=11,
    climate="subtropical",
    occupancy=(0.9, 0.1),
    closed_on_holidays=False,
    read_daily=False,
    missing=(),
    changed_from=None,
):
    """A building with a station, a 2023-03..2024-02 baseline year, a retrofit in March 2024 and a
    reporting year 2024-04..2025-03 that may be hotter. `occupancy` is the (weekday, weekend) share of the
    occupied load the meter follows; the building declares the same profile only when it differs from the
    default. With `closed_on_holidays` the office is occupied like a weekend on India's public holidays.
    With `read_daily` the meter stores one reading per local day (the day's total) instead of each interval.
    `missing` lists local [start, end) spans whose readings are never stored (truth still counts them).
    `changed_from` = (local date, factor) scales all use from that date: a change nobody records.
    Returns the building and the true monthly savings."""
    weather, actual, counterfactual = office_series(
        interval=interval,
        hotter_by_c=hotter_by_c,
        saving_pct=saving_pct,
        seed=seed,
        climate=climate,
        occupancy=occupancy,
        closed_on_holidays=closed_on_holidays,
    )
    station = WeatherStation.objects.create(owner=owner, name="Synthetic", latitude=28.6, longitude=77.2, timezone=TZ)
    temperatures_ingest(station=station, frame=weather)
    b = building(owner, station=station)
    if occupancy != (0.9, 0.1):
        b.occupancy_weekday, b.occupancy_weekend = round(occupancy[0] * 100), round(occupancy[1] * 100)
        b.save(update_fields=["occupancy_weekday", "occupancy_weekend"])
    retrofit(b)
    if changed_from is not None:
        actual = actual.assign(
            kwh=actual["kwh"].where(
                actual["ts"] < pd.Timestamp(changed_from[0], tz=TZ), actual["kwh"] * changed_from[1]
            )
        )
    kept = np.ones(len(actual), dtype=bool)
    for start, end in missing:
        kept &= ~((actual["ts"] >= pd.Timestamp(start, tz=TZ)) & (actual["ts"] < pd.Timestamp(end, tz=TZ))).to_numpy()
    stored = actual[kept]
    store_meter(b, daily_totals(stored) if read_daily else stored)
    months = actual["ts"].dt.tz_convert(TZ).dt.tz_localize(None).dt.to_period("M")
    truth = (counterfactual["kwh"] - actual["kwh"]).groupby(months.to_numpy()).sum()
    return b, truth


def office_series(
    *,
    interval="15min",
    hotter_by_c=0.0,
    saving_pct=20.0,
    seed=11,
    climate="subtropical",
    occupancy=(0.9, 0.1),
    closed_on_holidays=False,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """two_years' weather, metered use and use without the retrofit, every reading included."""
    weather = generate_weather(start="2023-03-01", end="2025-04-02", tz=TZ, seed=seed, climate=climate)
    reporting = weather["ts"] >= pd.Timestamp("2024-04-01", tz=TZ)
    weather.loc[reporting, "temperature_c"] += hotter_by_c
    params = dict(
        weather=weather,
        start="2023-03-01",
        end="2025-04-01",
        tz=TZ,
        seed=seed,
        interval=interval,
        **(OFFICE | {"weekday_occupancy": occupancy[0], "weekend_occupancy": occupancy[1]}),
        closed_dates=sorted(day.date() for day in public_holidays("IN", (2023, 2024, 2025)))
        if closed_on_holidays
        else (),
    )
    actual = generate_meter(**params, retrofit_date="2024-04-01", retrofit_saving_pct=saving_pct)
    counterfactual = generate_meter(**params)
    return weather, actual, counterfactual


def daily_totals(frame: pd.DataFrame) -> pd.DataFrame:
    """One reading per local day, at local midnight, holding the day's kWh."""
    days = frame["ts"].dt.tz_convert(TZ).dt.tz_localize(None).dt.normalize()
    totals = frame.groupby(days.to_numpy())["kwh"].sum()
    return pd.DataFrame({"ts": totals.index.tz_localize(TZ).tz_convert("UTC"), "kwh": totals.to_numpy()})


def monthly_values(months: list[str], kwh: list[float]) -> list[dict]:
    return [{"period": p, "kwh": k} for p, k in zip(months, kwh, strict=True)]


def rng(seed=0):
    return np.random.default_rng(seed)


def month_frame(
    month: str, *, missing_every: int | None = None, kwh: float = 10.0, daily_swing: float = 0.2
) -> pd.DataFrame:
    """15-minute readings of one Kolkata month averaging `kwh`, with every n-th reading dropped. Each day rises
    and falls by `daily_swing` around `kwh` (a whole day sums to 96 × `kwh`): one value all month long
    (`daily_swing=0`) is a stuck meter, which anomaly detection flags."""
    period = pd.Period(month, freq="M")
    ts = pd.date_range(period.start_time, (period + 1).start_time, freq="15min", inclusive="left", tz=TZ)
    daily_cycle = 1 + daily_swing * np.sin(2 * np.pi * np.arange(len(ts)) / 96)
    frame = pd.DataFrame({"ts": ts.tz_convert("UTC"), "kwh": kwh * daily_cycle})
    if missing_every:
        frame = frame[frame.index % missing_every != 0]
    return frame


def office_with_june_anomalies(owner) -> Building:
    """Three months of a 15-minute office (2024-04..06) with a stuck register and a dropout in June."""
    weather = generate_weather(start="2024-04-01", end="2024-07-02", tz=TZ, seed=3, climate="subtropical")
    meter = generate_meter(
        weather=weather,
        start="2024-04-01",
        end="2024-07-01",
        tz=TZ,
        seed=3,
        weekday_occupancy=0.85,
        weekend_occupancy=0.2,
    )
    local = meter["ts"].dt.tz_convert(TZ)
    stuck = (local >= pd.Timestamp("2024-06-04 01:00", tz=TZ)) & (local < pd.Timestamp("2024-06-04 09:00", tz=TZ))
    meter.loc[stuck, "kwh"] = 12.5
    dropout = (local >= pd.Timestamp("2024-06-12 10:00", tz=TZ)) & (local < pd.Timestamp("2024-06-12 13:00", tz=TZ))
    meter.loc[dropout, "kwh"] = 0.0
    b = building(owner)
    store_meter(b, meter)
    return b
