"""Rows in PostgreSQL's binary COPY format, built by numpy a column at a time rather than by Python a row at a time.

A binary COPY stream is a signature, then per row a 16-bit field count and, per field, a 32-bit byte length (-1
for NULL) followed by that many bytes, and a 16-bit -1 at the end. Every field of ours has a fixed width except
text, so rows are grouped by the byte lengths of their text fields: each group is one numpy record array whose
bytes are exactly the group's rows (COPY takes rows in any order).
"""

from typing import Any
from uuid import UUID

import numpy as np
import pandas as pd

SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + bytes(8)  # the signature, no flags, no header extension
TRAILER = b"\xff\xff"
_POSTGRES_EPOCH_US = 946_684_800_000_000  # 2000-01-01 in microseconds since 1970-01-01


def _column(kind: str, value: Any, rows: int) -> np.ndarray | None:
    """The column's values as a numpy array of their binary form (an object array of bytes for text); None for
    NULL. A scalar `value` is the same for every row."""
    if value is None:
        return None
    if kind == "timestamptz":
        micros = pd.DatetimeIndex(value).tz_convert("UTC").tz_localize(None).to_numpy(dtype="datetime64[us]")
        return (micros.astype(np.int64) - _POSTGRES_EPOCH_US).astype(">i8")
    if kind == "float8":
        return np.broadcast_to(np.asarray(value, dtype=">f8"), (rows,))
    if kind == "uuid":
        return np.full(rows, UUID(str(value)).bytes, dtype="S16")
    if kind == "text":
        if isinstance(value, str) and value:  # one width for every row: a fixed-width column, no grouping
            encoded = value.encode()
            return np.full(rows, encoded, dtype=f"S{len(encoded)}")
        if isinstance(value, str):
            return np.full(rows, b"", dtype=object)
        return pd.Series(value, dtype=object).str.encode("utf-8").to_numpy()
    raise ValueError(f"no binary COPY encoding for {kind}")


def copy_rows(columns: list[tuple[str, Any]], rows: int) -> bytes:
    """The COPY stream of `rows` rows; `columns` are (PostgreSQL type, a scalar or one value per row)."""
    values = [_column(kind, value, rows) for kind, value in columns]
    texts = {i: column for i, column in enumerate(values) if column is not None and column.dtype == object}
    if not texts:  # every field of fixed width: the rows are one record array
        return b"".join([SIGNATURE, _records(values, {}, np.ones(rows, dtype=bool)), TRAILER])
    lengths = np.zeros((rows, len(texts)), dtype=np.int64)
    for j, column in enumerate(texts.values()):
        lengths[:, j] = np.fromiter(map(len, column), dtype=np.int64, count=rows)
    groups, group_of = np.unique(lengths, axis=0, return_inverse=True)
    parts = [SIGNATURE]
    for g, widths in enumerate(groups):
        mask = group_of.reshape(-1) == g
        parts.append(_records(values, dict(zip(texts, widths.tolist(), strict=True)), mask))
    parts.append(TRAILER)
    return b"".join(parts)


def _records(values: list[np.ndarray | None], width_of: dict[int, int], mask: np.ndarray) -> bytes:
    fields: list[tuple[str, str]] = [("count", ">i2")]
    for i, column in enumerate(values):
        fields.append((f"length{i}", ">i4"))
        if column is not None and width_of.get(i, 1):
            fields.append((f"value{i}", f"S{width_of[i]}" if i in width_of else column.dtype.str))
    records = np.empty(int(mask.sum()), dtype=fields)
    records["count"] = len(values)
    for i, column in enumerate(values):
        if column is None:
            records[f"length{i}"] = -1
            continue
        records[f"length{i}"] = width_of.get(i, column.dtype.itemsize)
        if width_of.get(i, 1):
            records[f"value{i}"] = column[mask]
    return records.tobytes()
