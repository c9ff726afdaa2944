"""Meter readings from an uploaded CSV: a header row, a timestamp column and a kWh column."""

import pandas as pd

from .csv_table import ColumnSpec
from .plausibility import MAX_READING_KWH, PowerCeiling
from .series import Quantity, parse_csv

KWH = Quantity(
    column=ColumnSpec(
        key="kwh",
        label="kWh",
        aliases=(
            "kwh",
            "value_kwh",
            "energy_kwh",
            "consumption_kwh",
            "usage_kwh",
            "consumption",
            "energy",
            "value",
        ),
    ),
    low=0.0,
    high=MAX_READING_KWH,
    below="{value} is negative; kWh must be zero or more.",
    above=f"{{value}} kWh is more than any meter reading can be (at most {MAX_READING_KWH:,.0f} kWh).",
)


def parse_meter_csv(
    data: bytes, *, tz: str, latest: pd.Timestamp, power: PowerCeiling, date_order: str | None = None
) -> pd.DataFrame:
    """Parse a whole upload into `ts` (datetime64[ns, UTC]) and `kwh` (float64), sorted by `ts`.

    Raises InvalidFile if the bytes are not a CSV with recognisable columns, and InvalidRows (every bad
    value, by line number) if any row is bad: the file is taken whole or not at all. A reading dated after
    `latest`, or drawing more power than `power` allows (see plausibility), is a bad row. An Excel workbook's first
    sheet is read like a CSV; `date_order` is the sender's order of slashed dates (see timestamps).
    """
    return parse_csv(
        data, tz=tz, quantity=KWH, with_resolution=False, latest=latest, power=power, date_order=date_order
    )
