"""Pull typed fields out of a JSON batch (a list of objects, as decoded by json.loads)."""

import math
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from .errors import RowErrors, quoted

_JSON_TYPES = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", int: "a number"}
_JSON_TYPES |= {float: "a number", type(None): "null"}


def _json_type(value: object) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)


def objects_of(items: list[Any], *, expected: str, errors: RowErrors) -> pd.Series:
    """The items as a Series; anything but an object (of `expected` fields) is reported and becomes None."""
    series = pd.Series(items, dtype=object)
    is_object = series.map(lambda item: isinstance(item, dict)).astype(bool)
    errors.add(
        ~is_object,
        column="",
        message=lambda item: f"Expected an object with {expected}, got {_json_type(item)}.",
        item=series,
    )
    objects: pd.Series = series.where(is_object, None)  # type: ignore[call-overload]  # None, not NaN: the stubs lack it
    return objects


def string_field(
    objects: pd.Series,
    *,
    keys: tuple[str, ...],
    errors: RowErrors,
) -> tuple[pd.Series, np.ndarray]:
    """Each object's string under whichever one of `keys` it has (None where reported), and that key."""
    values, column = _field(objects, keys=keys, errors=errors)
    is_string = values.map(lambda value: isinstance(value, str)).astype(bool)
    errors.add(
        values.notna() & ~is_string,
        column=column,
        message=lambda value: f"Expected a string, got {_json_type(value)}.",
        value=values,
    )
    return values.where(is_string, None), column  # type: ignore[call-overload]  # None, as in objects_of


def number_field(objects: pd.Series, *, key: str, errors: RowErrors) -> tuple[pd.Series, pd.Series]:
    """Each object's finite number under `key` as float64 (NaN where reported), and the values as sent."""
    values, _ = _field(objects, keys=(key,), errors=errors)
    # type(), not isinstance: a JSON boolean is a Python bool, which is an int.
    is_number = values.map(type).isin([int, float]).to_numpy()
    errors.add(
        ~is_number & values.notna(),
        column=key,
        message=lambda value: f"Expected a number, got {_json_type(value)}.",
        value=values,
    )
    numbers = values.where(is_number).map(_to_float, na_action="ignore").astype("float64")
    not_finite = is_number & ~np.isfinite(numbers)
    errors.add(
        not_finite,
        column=key,
        message=lambda value: f"{quoted(value)} is not a finite number.",
        value=values,
    )
    return numbers.where(~not_finite), values


def _field(objects: pd.Series, *, keys: tuple[str, ...], errors: RowErrors) -> tuple[pd.Series, np.ndarray]:
    has = np.column_stack([objects.map(partial(_given, key=key)) for key in keys]).astype(bool)
    count = has.sum(axis=1)
    column = np.asarray(keys, dtype=object)[has.argmax(axis=1)]
    errors.add(objects.notna() & (count == 0), column=keys[0], message=f"{' or '.join(keys)} is required.")
    errors.add(count > 1, column=column, message=f"Give only one of {' and '.join(keys)}.")
    values = [item[key] if n == 1 else None for item, key, n in zip(objects, column, count, strict=True)]
    return pd.Series(values, dtype=object), column


def _given(item: object, key: str) -> bool:
    return isinstance(item, dict) and item.get(key) is not None


def _to_float(value: int | float) -> float:
    try:
        return float(value)
    except OverflowError:  # an integer beyond float range
        return math.inf if value > 0 else -math.inf
