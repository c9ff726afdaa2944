"""A plain CSV's columns as numpy bytes arrays, split by numpy: the quick path for the usual meter export.

The usual file is one machine's export: printable ASCII, comma-delimited, no quotes, no blank lines, a header and
one field per column on every line. For such a file the fields are cut straight out of the bytes, with no Python
object per value (pandas' reader makes one per field, the largest share of a large upload's parse). Any other file
returns None and goes to csv_table.read_table, which reads every kind of CSV and explains what is wrong with it.
Both give the same fields for the files this accepts (tests/metering/test_quick_parse.py).
"""

import codecs
from dataclasses import dataclass

import numpy as np

from .csv_table import ColumnSpec, csv_limits, header_columns

_LAST_PRINTABLE = 0x7E
_LONGEST_FIELD = 64  # bytes: longer values (never a timestamp or a number) are the general reader's
_LONGEST_HEADER = 1_000


@dataclass(frozen=True)
class PlainColumns:
    values: dict[str, np.ndarray]  # spec key -> the fields as a numpy bytes array (NUL-padded)
    columns: dict[str, str]  # spec key -> the header as written
    lines: np.ndarray  # 1-based line number of each row


def plain_columns(data: bytes, *, specs: tuple[ColumnSpec, ...]) -> PlainColumns | None:
    """The columns `specs` name, when `data` is a plain CSV of exactly those columns; else None."""
    data = data.removeprefix(codecs.BOM_UTF8)
    octets = np.frombuffer(data, dtype=np.uint8)
    if len(specs) < 2 or not len(octets) or octets.max() > _LAST_PRINTABLE:
        return None
    # Line breaks, commas and blanks are the only bytes below "-" in a meter export: found once, then told apart.
    low = np.flatnonzero(octets < ord("-"))
    kinds = octets[low]
    if np.any((kinds < ord(" ")) & (kinds != ord("\n")) & (kinds != ord("\r"))) or np.any(kinds == ord('"')):
        return None  # a control byte, a tab or a quote: the general reader's to read or refuse
    breaks, commas, returns = (low[kinds == ord(byte)] for byte in "\n,\r")
    if len(returns) and (returns[-1] + 1 >= len(octets) or np.any(octets[returns + 1] != ord("\n"))):
        return None  # a \r that does not end a line
    ends = breaks if len(breaks) and breaks[-1] == len(octets) - 1 else np.append(breaks, len(octets))
    starts = np.concatenate(([0], breaks[: len(ends) - 1] + 1))
    ends = ends - (octets[np.maximum(ends - 1, 0)] == ord("\r"))  # a line's \r\n ends it like \n
    limits = csv_limits()
    if len(starts) < 2 or np.any(ends <= starts) or ends[0] > _LONGEST_HEADER or len(specs) > limits.max_columns:
        return None  # no data line, or a blank line
    if int((ends - starts).max()) > limits.max_line_bytes:
        return None  # the general reader refuses it
    header = data[: ends[0]].decode("ascii")
    if header.count(",") != len(specs) - 1 or header.count(";") > header.count(","):
        return None
    names = header.split(",")
    found = header_columns(names, specs=specs)
    located = {key: positions for key, positions in found.items() if positions is not None and len(positions) == 1}
    if len(located) != len(specs):
        return None
    if len(commas) != len(starts) * (len(specs) - 1):
        return None
    # Every line has len(specs) - 1 commas: field f of line l ends at its f-th comma, or the line's end.
    bounds = np.column_stack([starts, commas.reshape(len(starts), -1), ends])
    if np.any(bounds[:, 1:-1] < starts[:, None]) or np.any(bounds[:, 1:-1] >= ends[:, None]):
        return None  # a line holds another's commas: some line has too few or too many fields
    values = {}
    for key, (position,) in located.items():
        first = bounds[1:, position] + (position > 0)
        field = _field(octets, first, bounds[1:, position + 1])
        if field is None:
            return None
        values[key] = field
    return PlainColumns(
        values=values,
        columns={key: names[position].strip() for key, (position,) in located.items()},
        lines=np.arange(2, len(starts) + 1),
    )


def _field(octets: np.ndarray, first: np.ndarray, end: np.ndarray) -> np.ndarray | None:
    """The bytes from `first` to `end` of each line as one NUL-padded bytes array; None for an empty or long one."""
    lengths = end - first
    width = int(lengths.max())
    if lengths.min() < 1 or width > _LONGEST_FIELD:
        return None
    if np.any(octets[first] == ord(" ")) or np.any(octets[end - 1] == ord(" ")):
        return None  # a value with blanks around it, which the general reader strips
    at = first[:, None] + np.arange(width)
    if lengths.min() == width:  # every value of one width (a timestamp column): no padding
        gathered = octets[at]
    else:
        gathered = np.where(at < end[:, None], octets[np.minimum(at, len(octets) - 1)], 0).astype(np.uint8)
    field: np.ndarray = gathered.view(f"S{width}").reshape(-1)
    return field
