"""Meter readings from the JSON API: `[{"timestamp": ..., "kwh": ...}, ...]`."""

from typing import Any

import pandas as pd

from .meter_csv import KWH
from .plausibility import PowerCeiling
from .series import parse_items


def parse_readings(items: list[Any], *, tz: str, latest: pd.Timestamp, power: PowerCeiling) -> pd.DataFrame:
    """Parse a batch into `ts` and `kwh` like parse_meter_csv; a single reading is passed as `[reading]`.

    Errors name the 1-based position in `items` and the JSON field; timestamps must be strings and kWh
    JSON numbers (a string or boolean is an error). Extra fields are ignored.
    """
    return parse_items(
        items, tz=tz, timestamp_keys=("timestamp",), quantity=KWH, with_resolution=False, latest=latest, power=power
    )
