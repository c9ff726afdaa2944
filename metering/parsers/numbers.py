"""Turn number text into floats, and flag values outside a quantity's bounds."""

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from .errors import RowErrors, quoted


def parse_numbers(values: pd.Series, *, column: str, decimal_comma: bool, errors: RowErrors) -> pd.Series:
    """Parse strings to float64; bad values are reported and become NaN.

    With `decimal_comma`, `12,5` means 12.5. A value with a `.` in a column that also has commas is an
    error, because `1.234` there most likely groups thousands.
    """
    text = values
    if decimal_comma:
        comma = values.str.contains(",", regex=False)
        if comma.any():
            point = values.str.contains(".", regex=False)
            errors.add(
                point,
                column=column,
                message=lambda value: (
                    f"{quoted(value)} has a '.' but this column uses decimal commas; write numbers without "
                    "thousands separators."
                ),
                value=values,
            )
            text = values.str.replace(",", ".", regex=False).where(~point)
    numbers = _plain_decimals(text)
    if numbers is None:
        numbers = pd.to_numeric(text, errors="coerce").astype("float64")
    empty = values.eq("")
    errors.add(empty, column=column, message="The value is empty.")
    not_finite = text.notna() & ~empty & ~np.isfinite(numbers)
    errors.add(
        not_finite,
        column=column,
        message=lambda value: f"{quoted(value)} is not a finite number.",
        value=values,
    )
    return numbers.where(~not_finite)


# What a plain decimal number is written with; a column of nothing else is read by Python's float(), three times
# quicker than pd.to_numeric and the same number.
_DECIMAL_BYTES = np.zeros(256, dtype=bool)
_DECIMAL_BYTES[list(b"0123456789.eE+-\0")] = True  # NUL: numpy's padding of the shorter values


def _plain_decimals(text: pd.Series) -> pd.Series | None:
    """The column as float64 when every value is a plain decimal number (a typical meter export), else None."""
    try:
        encoded = np.array(text.tolist(), dtype=bytes)
    except (UnicodeEncodeError, TypeError):  # beyond ASCII, or a missing value
        return None
    numbers = decimal_bytes(encoded)
    return None if numbers is None else pd.Series(numbers, index=text.index)


def decimal_bytes(encoded: np.ndarray) -> np.ndarray | None:
    """A numpy bytes array of plain decimal numbers as float64; None if some value is not one."""
    if not encoded.size or not _DECIMAL_BYTES[encoded.view(np.uint8)].all():
        return None
    try:
        numbers: np.ndarray = encoded.astype(float)
    except ValueError:  # "1e", "--1", "", ...: to_numeric's reading, with its NaNs, tells which
        return None
    return numbers


def flag_out_of_range(
    numbers: pd.Series,
    *,
    low: float,
    high: float,
    below: str,
    above: str,
    raw: ArrayLike,
    column: str | np.ndarray,
    errors: RowErrors,
) -> pd.Series:
    """Report numbers below `low` or above `high`, each with its message ({value} is the quoted raw value), and
    blank them."""
    too_low = (numbers < low).to_numpy()
    too_high = (numbers > high).to_numpy()
    errors.add(too_low, column=column, message=lambda value: below.format(value=quoted(value)), value=raw)
    errors.add(too_high, column=column, message=lambda value: above.format(value=quoted(value)), value=raw)
    return numbers.where(~(too_low | too_high))
