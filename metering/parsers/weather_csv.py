"""Outdoor temperatures, from an uploaded CSV or the JSON API, as hourly or daily series.

A value written as a date alone is that local day's mean: `ts` is the local midnight in UTC and
`resolution` is "day". Any other timestamp is a reading at that instant, `resolution` "hour" (the
parser does not require whole hours). Duplicates are checked within each resolution.
"""

from typing import Any

import pandas as pd

from .csv_table import ColumnSpec
from .series import Quantity, parse_csv, parse_items

# The coldest and hottest air temperatures ever measured are -89.2 °C (Vostok) and 56.7 °C (Death Valley).
MIN_TEMPERATURE_C, MAX_TEMPERATURE_C = -90.0, 60.0
_OUTSIDE = f"{{value}} °C is outside the plausible range of {MIN_TEMPERATURE_C:g} to {MAX_TEMPERATURE_C:g} °C."

TEMPERATURE = Quantity(
    column=ColumnSpec(
        key="temperature_c",
        label="temperature (°C)",
        aliases=("temperature_c", "temp_c", "temperature", "temp", "tavg"),
    ),
    low=MIN_TEMPERATURE_C,
    high=MAX_TEMPERATURE_C,
    below=_OUTSIDE,
    above=_OUTSIDE,
)


def parse_temperature_csv(data: bytes, *, tz: str, latest: pd.Timestamp, date_order: str | None = None) -> pd.DataFrame:
    """Parse an upload (CSV or an Excel workbook) into `ts` (UTC), `temperature_c` (float64) and `resolution`,
    sorted by `ts`; a value dated after `latest` is a bad row, `date_order` as for meter files."""
    return parse_csv(
        data, tz=tz, quantity=TEMPERATURE, with_resolution=True, latest=latest, power=None, date_order=date_order
    )


def parse_temperature_items(items: list[Any], *, tz: str, latest: pd.Timestamp) -> pd.DataFrame:
    """Parse `[{"timestamp" or "date": ..., "temperature_c": ...}, ...]` like parse_temperature_csv."""
    return parse_items(
        items,
        tz=tz,
        timestamp_keys=("timestamp", "date"),
        quantity=TEMPERATURE,
        with_resolution=True,
        latest=latest,
        power=None,
    )
