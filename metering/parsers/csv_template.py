"""Example files the parsers take as they are: the header they want and three rows in the building's zone.

Interval data is written as ISO 8601 wall-clock times with the zone's offset at that instant (so the file states its
zone, and reads the same wherever it is opened); daily and monthly data as dates alone, which are days in the
building's zone (the file name says which). Meter values are a tenth of the most the building can draw over each
interval, so the bounds of plausibility.py always pass; a month runs to the next row, as stored readings do.
"""

from dataclasses import dataclass

import pandas as pd

from .meter_csv import KWH
from .weather_csv import TEMPERATURE

# Long past, so no example is refused as dated in the future: a Monday, and for months the 1st.
_START = pd.Timestamp("2025-01-06")
_MONTH_START = pd.Timestamp("2025-01-01")
_SHARE_OF_CEILING = (0.10, 0.12, 0.11)
_TEMPERATURES_C = (4.5, 5.0, 3.5)


@dataclass(frozen=True)
class Granularity:
    label: str  # what it is among its kind (meter readings or temperatures)
    step: pd.DateOffset | pd.Timedelta
    dates_only: bool
    meter: bool  # kWh readings; else temperatures (°C)


GRANULARITIES: dict[str, Granularity] = {
    "15min": Granularity("15-minute", pd.Timedelta(minutes=15), dates_only=False, meter=True),
    "hourly": Granularity("hourly", pd.Timedelta(hours=1), dates_only=False, meter=True),
    "daily": Granularity("daily", pd.Timedelta(days=1), dates_only=True, meter=True),
    "monthly": Granularity("monthly", pd.DateOffset(months=1), dates_only=True, meter=True),
    "temperature_hourly": Granularity("hourly", pd.Timedelta(hours=1), dates_only=False, meter=False),
    "temperature_daily": Granularity("daily means", pd.Timedelta(days=1), dates_only=True, meter=False),
}


def csv_template(granularity: str, *, tz: str, max_kw: float) -> bytes:
    """A CSV of `granularity` (a key of GRANULARITIES) for a building in `tz` that can draw at most `max_kw`."""
    kind = GRANULARITIES[granularity]
    first = _MONTH_START if isinstance(kind.step, pd.DateOffset) else _START
    starts = [first + kind.step * i for i in range(len(_SHARE_OF_CEILING) + 1)]
    if kind.dates_only:
        stamps = [start.strftime("%Y-%m-%d") for start in starts[:-1]]
    else:
        stamps = [start.tz_localize(tz).isoformat() for start in starts[:-1]]
    if kind.meter:
        hours = [(end - start) / pd.Timedelta(hours=1) for start, end in zip(starts, starts[1:], strict=False)]
        values = [_decimal(share * max_kw * span) for share, span in zip(_SHARE_OF_CEILING, hours, strict=True)]
        column = KWH.column.key
    else:
        values = [_decimal(value) for value in _TEMPERATURES_C]
        column = TEMPERATURE.column.key
    header = f"{'date' if kind.dates_only else 'timestamp'},{column}"
    return "".join(
        f"{line}\n" for line in [header, *(f"{s},{v}" for s, v in zip(stamps, values, strict=True))]
    ).encode()


def _decimal(value: float) -> str:
    """At most three decimals, no trailing zeros, never an exponent."""
    return f"{value:.3f}".rstrip("0").rstrip(".")
