"""ISO 8601 timestamps of one shape, read from their bytes by numpy: the quick path for the usual file or batch.

`timestamps.parse_timestamps` reads every form a sender may use and explains every bad value. Most files and
batches, though, are one machine's output: each value has the same shape (`2024-03-31T14:45:00`, or with an offset
`…-04:00`). Such a column is read here as a matrix of bytes, a column of digits at a time, with no Python object per
value. Anything else — mixed shapes, fractions of a second, an invalid date, a year far from now — returns None, and
the caller takes the general path, which reads and explains it. What this accepts, the general path reads to the
same instants (tests/metering/test_quick_parse.py holds the two to that).
"""

import re
from dataclasses import dataclass

import numpy as np

_SHAPE = re.compile(rb"(?P<date>9999-99-99)(?:(?P<sep>[T ])99:99(?P<seconds>:99)?(?P<zone>Z|[+-]99:?99)?)?")
_DIGIT_LOW, _DIGIT_HIGH = ord("0"), ord("9")
# Years the general path reads alike and a meter reading can carry; others are left to it.
_FIRST_YEAR, _LAST_YEAR = 1900, 2200
_LONGEST_OFFSET_MINUTES = 14 * 60  # UTC+14, the furthest zone from UTC


@dataclass(frozen=True)
class IsoColumn:
    instants: np.ndarray  # datetime64[ns]: UTC when `exact`, else wall-clock time
    exact: bool  # every value carries its UTC offset
    date_only: bool  # every value is a date alone (the first instant of that local day)


def iso_column(encoded: np.ndarray) -> IsoColumn | None:
    """The instants of `encoded` (a numpy bytes array, NUL-padded as numpy pads) when every value has one shape
    this reads, else None."""
    if not len(encoded) or encoded.dtype.kind != "S":
        return None
    width = encoded.dtype.itemsize
    octets = encoded.view(np.uint8).reshape(len(encoded), width)
    first = octets[0]
    shape = np.where((first >= _DIGIT_LOW) & (first <= _DIGIT_HIGH), ord("9"), first).astype(np.uint8).tobytes()
    form = _SHAPE.fullmatch(shape)
    if form is None or not _one_shape(octets, shape, form):
        return None
    year, month, day = _number(octets, 0, 4), _number(octets, 5, 2), _number(octets, 8, 2)
    hour = _number(octets, 11, 2) if form["sep"] else 0
    minute = _number(octets, 14, 2) if form["sep"] else 0
    second = _number(octets, 17, 2) if form["seconds"] else 0
    if not _valid_date(year, month, day) or np.any(hour > 23) or np.any(minute > 59) or np.any(second > 59):
        return None
    months = ((year - 1970) * 12 + month - 1).astype("datetime64[M]")
    seconds = (day - 1) * 86_400 + hour * 3_600 + minute * 60 + second
    instants = months.astype("datetime64[s]") + seconds.astype("timedelta64[s]")
    zone = form["zone"]
    if zone and zone != b"Z":
        offset = _offset_minutes(octets, start=form.start("zone"), colon=b":" in zone)
        if offset is None:
            return None
        instants = instants - (offset * 60).astype("timedelta64[s]")
    return IsoColumn(instants=instants.astype("datetime64[ns]"), exact=bool(zone), date_only=not form["sep"])


def _one_shape(octets: np.ndarray, shape: bytes, form: re.Match[bytes]) -> bool:
    """Every value has `shape`, the first one's: a digit where it has one, its other bytes elsewhere (an offset's
    sign may be either). Checked a column of bytes at a time: a handful of columns, each a quick pass."""
    sign = form.start("zone") if form["zone"] and form["zone"] != b"Z" else None
    for position, expected in enumerate(shape):
        column = octets[:, position]
        if expected == ord("9"):
            matches = (column - _DIGIT_LOW).astype(np.uint8) <= 9  # below "0" wraps round to above 9
        elif position == sign:
            matches = (column == ord("+")) | (column == ord("-"))
        else:
            matches = column == expected
        if not matches.all():
            return False
    return True


def _number(octets: np.ndarray, start: int, length: int) -> np.ndarray:
    """The decimal number in each row's bytes from `start`, of `length` digits."""
    total = np.zeros(len(octets), dtype=np.int64)
    for column in range(start, start + length):
        total = total * 10 + (octets[:, column] - _DIGIT_LOW)
    return total


def _valid_date(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> bool:
    if np.any(year < _FIRST_YEAR) or np.any(year > _LAST_YEAR) or np.any(month < 1) or np.any(month > 12):
        return False
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    lengths = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])[month - 1] + (leap & (month == 2))
    return bool(np.all(day >= 1) and np.all(day <= lengths))


def _offset_minutes(octets: np.ndarray, *, start: int, colon: bool) -> np.ndarray | None:
    hours = _number(octets, start + 1, 2)
    minutes = _number(octets, start + (4 if colon else 3), 2)
    offset: np.ndarray = np.where(octets[:, start] == ord("-"), -1, 1) * (hours * 60 + minutes)
    if np.any(minutes > 59) or np.any(np.abs(offset) > _LONGEST_OFFSET_MINUTES):
        return None
    return offset
