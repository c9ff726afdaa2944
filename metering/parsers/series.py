"""The pipeline shared by every parser: a time column and one quantity, from a CSV or a JSON batch.

A plain file or a batch of one machine's output first takes the quick path (`_quick`: plain_csv, iso_bytes), which
reads it without a Python object per value and only ever accepts; anything it cannot vouch for, bad values
included, is read again by the general path, which explains every bad value."""

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from .csv_table import ColumnSpec, read_table
from .errors import InvalidRows, RowErrors, quoted
from .iso_bytes import iso_column
from .json_items import number_field, objects_of, string_field
from .numbers import decimal_bytes, flag_out_of_range, parse_numbers
from .plain_csv import plain_columns
from .plausibility import PowerCeiling, flag_future, flag_over_power
from .timestamps import Instants, localize_wall_clock, parse_timestamps

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


@dataclass(frozen=True)
class Rules:
    """What one parse holds its values to: the quantity and its bounds, the zone of wall-clock times, the latest
    instant a value may be dated, the power ceiling (meter readings only), and whether to keep each value's
    resolution (a date alone is a day's value)."""

    quantity: Quantity
    with_resolution: bool
    tz: str
    latest: pd.Timestamp
    power: PowerCeiling | None


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
    rules = Rules(quantity=quantity, with_resolution=with_resolution, tz=tz, latest=latest, power=power)
    quick = _quick_csv(data, rules=rules)
    if quick is not None:
        return quick
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
        rules=rules,
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
    rules = Rules(quantity=quantity, with_resolution=with_resolution, tz=tz, latest=latest, power=power)
    quick = _quick_items(items, timestamp_keys=timestamp_keys, rules=rules)
    if quick is not None:
        return quick
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
        rules=rules,
        errors=errors,
    )


def _assemble(
    *,
    instants: Instants,
    raw_ts: ArrayLike,
    ts_column: str | np.ndarray,
    numbers: pd.Series,
    raw: ArrayLike,
    column: str,
    rules: Rules,
    errors: RowErrors,
) -> pd.DataFrame:
    quantity, tz, power = rules.quantity, rules.tz, rules.power
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
    ts = flag_future(instants.ts, latest=rules.latest, tz=tz, raw=raw_ts, column=ts_column, errors=errors)
    if power is not None:
        flag_over_power(ts, numbers, date_only=instants.date_only, ceiling=power, raw=raw, column=column, errors=errors)
    frame = pd.DataFrame({"ts": ts, quantity.column.key: numbers.to_numpy()})
    keys = ["ts"]
    if rules.with_resolution:
        frame["resolution"] = np.where(instants.date_only, "day", "hour")
        keys.append("resolution")
    _flag_duplicates(frame, keys=keys, raw_ts=raw_ts, ts_column=ts_column, errors=errors)
    errors.raise_if_any()
    return frame.sort_values(keys, kind="stable", ignore_index=True)


def _flag_duplicates(
    frame: pd.DataFrame, *, keys: list[str], raw_ts: ArrayLike, ts_column: str | np.ndarray, errors: RowErrors
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


def _quick_csv(data: bytes, *, rules: Rules) -> pd.DataFrame | None:
    """parse_csv's frame by the quick path, for a plain CSV (plain_csv) of ISO 8601 timestamps of one shape and
    plain decimal numbers; None for any other file."""
    plain = plain_columns(data, specs=(TIMESTAMP, rules.quantity.column))
    if plain is None:
        return None
    key = rules.quantity.column.key
    numbers = decimal_bytes(plain.values[key])
    if numbers is None:
        return None
    return _quick(
        raw_ts=plain.values[TIMESTAMP.key],
        ts_column=plain.columns[TIMESTAMP.key],
        numbers=numbers,
        raw=plain.values[key],
        column=plain.columns[key],
        errors=RowErrors(plain.lines, noun="line"),
        rules=rules,
    )


def _quick_items(items: list[Any], *, timestamp_keys: tuple[str, ...], rules: Rules) -> pd.DataFrame | None:
    """parse_items' frame by the quick path, for a batch of objects that each have one string timestamp and one
    number; None for any other batch."""
    key = rules.quantity.column.key
    if len(timestamp_keys) != 1 or not items:
        return None
    try:
        raw_ts = [item[timestamp_keys[0]] for item in items]
        raw = [item[key] for item in items]
    except (KeyError, TypeError):  # an item without either field, or not an object
        return None
    if not all(type(value) is str for value in raw_ts) or not all(type(value) in (float, int) for value in raw):
        return None  # by type(), as number_field: a JSON boolean is a Python bool, which is an int
    try:
        encoded, numbers = np.array(raw_ts, dtype=bytes), np.array(raw, dtype=float)
    except (UnicodeEncodeError, OverflowError):
        return None
    errors = RowErrors(np.arange(1, len(items) + 1), noun="reading")
    return _quick(
        raw_ts=encoded,
        ts_column=timestamp_keys[0],
        numbers=numbers,
        raw=raw,
        column=key,
        errors=errors,
        rules=rules,
    )


def _quick(
    *,
    raw_ts: np.ndarray,
    ts_column: str,
    numbers: np.ndarray,
    raw: ArrayLike,
    column: str,
    errors: RowErrors,
    rules: Rules,
) -> pd.DataFrame | None:
    """The frame the general path makes of these values, when their timestamps are of one ISO 8601 shape and none
    is bad; else None, and the general path reads them again and explains what is wrong (the quick one only
    accepts, so it never has to explain)."""
    iso = iso_column(raw_ts)
    if iso is None or not np.isfinite(numbers).all():
        return None
    date_only = np.full(len(numbers), iso.date_only)
    naive = pd.Series(iso.instants)
    ts = (
        naive.dt.tz_localize("UTC")
        if iso.exact
        else localize_wall_clock(
            naive, pd.Series(date_only), tz=rules.tz, values=raw_ts, column=ts_column, errors=errors
        )
    )
    try:
        return _assemble(
            instants=Instants(ts=ts, date_only=date_only),
            raw_ts=raw_ts,
            ts_column=ts_column,
            numbers=pd.Series(numbers),
            raw=raw,
            column=column,
            rules=rules,
            errors=errors,
        )
    except InvalidRows:
        return None
