"""Pull typed fields out of a JSON batch (a list of objects, as decoded by json.loads)."""

import math
from typing import Any

import numpy as np
import pandas as pd

from .errors import RowErrors, quoted

_JSON_TYPES = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", int: "a number"}
_JSON_TYPES |= {float: "a number", type(None): "null"}
_NUMBERS = (int, float)  # by type(), not isinstance: a JSON boolean is a Python bool, which is an int


def _json_type(value: object) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)


def objects_of(items: list[Any], *, expected: str, errors: RowErrors) -> pd.Series:
    """The items as a Series; anything but an object (of `expected` fields) is reported and becomes None."""
    series = pd.Series(items, dtype=object)
    is_object = pd.Series([isinstance(item, dict) for item in items], dtype=bool)
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
    is_string = pd.Series([isinstance(value, str) for value in values.tolist()], dtype=bool)
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
    is_number = np.array([type(value) in _NUMBERS for value in values.tolist()], dtype=bool)
    errors.add(
        ~is_number & values.notna(),
        column=key,
        message=lambda value: f"Expected a number, got {_json_type(value)}.",
        value=values,
    )
    numbers = pd.Series(
        [_to_float(value) if number else math.nan for value, number in zip(values.tolist(), is_number, strict=True)],
        dtype="float64",
    )
    not_finite = is_number & ~np.isfinite(numbers)
    errors.add(
        not_finite,
        column=key,
        message=lambda value: f"{quoted(value)} is not a finite number.",
        value=values,
    )
    return numbers.where(~not_finite), values


def _field(objects: pd.Series, *, keys: tuple[str, ...], errors: RowErrors) -> tuple[pd.Series, np.ndarray]:
    items = objects.tolist()
    found = [[item.get(key) if isinstance(item, dict) else None for item in items] for key in keys]
    has = np.array([[value is not None for value in values] for values in found], dtype=bool).reshape(len(keys), -1).T
    count = has.sum(axis=1)
    chosen = has.argmax(axis=1)
    column = np.asarray(keys, dtype=object)[chosen]
    errors.add(objects.notna() & (count == 0), column=keys[0], message=f"{' or '.join(keys)} is required.")
    errors.add(count > 1, column=column, message=f"Give only one of {' and '.join(keys)}.")
    # Where no key is given the value is None already; where several are, none is taken.
    values = (
        found[0]
        if len(keys) == 1
        else [found[k][i] if n == 1 else None for i, (k, n) in enumerate(zip(chosen, count, strict=True))]
    )
    return pd.Series(values, dtype=object), column


def _to_float(value: int | float) -> float:
    try:
        return float(value)
    except OverflowError:  # an integer beyond float range
        return math.inf if value > 0 else -math.inf
