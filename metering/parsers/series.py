"""The pipeline shared by every parser: a time column and one quantity, from a CSV or a JSON batch."""

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .csv_table import ColumnSpec, read_table
from .errors import RowErrors, quoted
from .json_items import number_field, objects_of, string_field
from .numbers import flag_out_of_range, parse_numbers
from .plausibility import PowerCeiling, flag_future, flag_over_power
from .timestamps import Instants, parse_timestamps

TIMESTAMP = ColumnSpec(
    key="ts",
    label="timestamp",
    aliases=(
        "timestamp",
        "datetime",
        "date_time",
        "reading_time",
        "interval_start",
        "ts",
        ("date", "time"),
        "date",
        "time",
    ),
    dates=True,
)


@dataclass(frozen=True)
class Quantity:
    column: ColumnSpec  # its key names the output column and the JSON field
    low: float
    high: float
    below: str  # message templates for a value below `low` and above `high`; {value} is the value as written
    above: str


def parse_csv(
    data: bytes,
    *,
    tz: str,
    quantity: Quantity,
    with_resolution: bool,
    latest: pd.Timestamp,
    power: PowerCeiling | None,
    date_order: str | None = None,
) -> pd.DataFrame:
    """A file of timestamps and one quantity; `latest` is the latest instant a value may be dated, `power` the
    ceiling meter readings are held to (None for other quantities), `date_order` the sender's order of slashed
    dates (None: read off the file, AmbiguousDates if it cannot be)."""
    table = read_table(data, specs=(TIMESTAMP, quantity.column))
    errors = RowErrors(table.lines, noun="line")
    raw_ts = table.values[TIMESTAMP.key]
    ts_column = table.columns[TIMESTAMP.key]
    raw = table.values[quantity.column.key]
    column = table.columns[quantity.column.key]
    instants = parse_timestamps(raw_ts, tz=tz, column=ts_column, errors=errors, date_order=date_order, ask_order=True)
    numbers = parse_numbers(raw, column=column, decimal_comma=table.decimal_comma, errors=errors)
    return _assemble(
        instants=instants,
        raw_ts=raw_ts,
        ts_column=ts_column,
        numbers=numbers,
        raw=raw,
        column=column,
        quantity=quantity,
        with_resolution=with_resolution,
        tz=tz,
        latest=latest,
        power=power,
        errors=errors,
    )


def parse_items(
    items: list[Any],
    *,
    tz: str,
    timestamp_keys: tuple[str, ...],
    quantity: Quantity,
    with_resolution: bool,
    latest: pd.Timestamp,
    power: PowerCeiling | None,
) -> pd.DataFrame:
    key = quantity.column.key
    errors = RowErrors(np.arange(1, len(items) + 1), noun="reading")
    objects = objects_of(items, expected=f"{' or '.join(timestamp_keys)} and {key}", errors=errors)
    raw_ts, ts_column = string_field(objects, keys=timestamp_keys, errors=errors)
    instants = parse_timestamps(raw_ts, tz=tz, column=ts_column, errors=errors)
    numbers, raw = number_field(objects, key=key, errors=errors)
    return _assemble(
        instants=instants,
        raw_ts=raw_ts,
        ts_column=ts_column,
        numbers=numbers,
        raw=raw,
        column=key,
        quantity=quantity,
        with_resolution=with_resolution,
        tz=tz,
        latest=latest,
        power=power,
        errors=errors,
    )


def _assemble(
    *,
    instants: Instants,
    raw_ts: pd.Series,
    ts_column: str | np.ndarray,
    numbers: pd.Series,
    raw: pd.Series,
    column: str,
    quantity: Quantity,
    with_resolution: bool,
    tz: str,
    latest: pd.Timestamp,
    power: PowerCeiling | None,
    errors: RowErrors,
) -> pd.DataFrame:
    numbers = flag_out_of_range(
        numbers,
        low=quantity.low,
        high=quantity.high,
        below=quantity.below,
        above=quantity.above,
        raw=raw,
        column=column,
        errors=errors,
    )
    ts = flag_future(instants.ts, latest=latest, tz=tz, raw=raw_ts, column=ts_column, errors=errors)
    if power is not None:
        flag_over_power(ts, numbers, date_only=instants.date_only, ceiling=power, raw=raw, column=column, errors=errors)
    frame = pd.DataFrame({"ts": ts, quantity.column.key: numbers.to_numpy()})
    keys = ["ts"]
    if with_resolution:
        frame["resolution"] = np.where(instants.date_only, "day", "hour")
        keys.append("resolution")
    _flag_duplicates(frame, keys=keys, raw_ts=raw_ts, ts_column=ts_column, errors=errors)
    errors.raise_if_any()
    return frame.sort_values(keys, kind="stable", ignore_index=True)


def _flag_duplicates(
    frame: pd.DataFrame, *, keys: list[str], raw_ts: pd.Series, ts_column: str | np.ndarray, errors: RowErrors
) -> None:
    repeated = frame.duplicated(subset=keys, keep="first").to_numpy() & frame["ts"].notna().to_numpy()
    if not repeated.any():
        return
    first = pd.Series(errors.rows).groupby([frame[key] for key in keys], dropna=False).transform("min")
    errors.add(
        repeated,
        column=ts_column,
        message=lambda value, first: f"{quoted(value)} duplicates {errors.noun} {first} (same UTC instant).",
        value=raw_ts,
        first=first,
    )
