"""Outdoor temperatures, from an uploaded CSV or the JSON API, as hourly or daily series.

A value written as a date alone is that local day's mean: `ts` is the local midnight in UTC and
`resolution` is "day". Any other timestamp is a reading at that instant, `resolution` "hour" (the
parser does not require whole hours). Duplicates are checked within each resolution.
"""

from typing import Any

import pandas as pd

from .csv_table import ColumnSpec
from .series import Quantity, parse_csv, parse_items

TEMPERATURE = Quantity(
    column=ColumnSpec(
        key="temperature_c",
        label="temperature (°C)",
        aliases=("temperature_c", "temp_c", "temperature", "temp", "tavg"),
    ),
    low=-90.0,
    high=60.0,
    out_of_range="{value} °C is outside the plausible range of -90 to 60 °C.",
)


def parse_temperature_csv(data: bytes, *, tz: str) -> pd.DataFrame:
    """Parse an upload into `ts` (UTC), `temperature_c` (float64) and `resolution`, sorted by `ts`."""
    return parse_csv(data, tz=tz, quantity=TEMPERATURE, with_resolution=True)


def parse_temperature_items(items: list[Any], *, tz: str) -> pd.DataFrame:
    """Parse `[{"timestamp" or "date": ..., "temperature_c": ...}, ...]` like parse_temperature_csv."""
    return parse_items(
        items,
        tz=tz,
        timestamp_keys=("timestamp", "date"),
        quantity=TEMPERATURE,
        with_resolution=True,
    )
