"""Read an uploaded CSV into stripped string columns chosen by header aliases, keeping line numbers.

An Excel workbook is first turned into CSV text (spreadsheet.py); other binary files are refused by name.
Decoding: UTF-8 (a BOM is dropped), falling back to Latin-1. The delimiter is whichever of `,` `;` tab
occurs most in the header line. Header names match aliases after lower-casing and turning every run of
other characters into `_`, so "Consumption (kWh)" matches `consumption_kwh`. Lines whose chosen fields
are all empty are skipped. A quoted field spanning lines would shift the reported line numbers.

Before pandas sees the text, the header's column count and every line's length are bounded (`CsvLimits`):
pandas' C parser needs minutes for a header of millions of columns, while counting bytes takes milliseconds.
"""

import codecs
import io
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import InvalidFile
from .spreadsheet import looks_like_xlsx, refuse_binary, xlsx_to_csv

_DELIMITERS = (",", ";", "\t")
_CONTROL = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")
_FIELD_COUNT = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
_QUOTED = re.compile(rb'"[^"]*"')
_LINE_BREAK = re.compile(rb"[\r\n]")
# The bytes that may put whitespace at the ends of a value, for str.strip to remove: ASCII whitespace other than
# line breaks, a quote (a quoted value may hold line breaks and blanks), and any non-ASCII byte (Unicode spaces).
_MAY_PAD = np.zeros(256, dtype=bool)
_MAY_PAD[[0x09, 0x0B, 0x0C, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, ord('"')]] = True
_MAY_PAD[0x80:] = True


@dataclass(frozen=True)
class CsvLimits:
    """The largest header and line a file may have. The defaults leave room for wide exports (one column per
    meter channel, a few hundred in practice) and long text cells, and stay far below what slows pandas down."""

    max_columns: int = 1_000
    max_line_bytes: int = 64 * 1024


_limits = CsvLimits()


def limit_csv(limits: CsvLimits) -> None:
    """Sets the bounds every later `read_table` applies; the application sets them from its settings at start-up."""
    global _limits
    _limits = limits


def csv_limits() -> CsvLimits:
    return _limits


@dataclass(frozen=True)
class ColumnSpec:
    """A column to find: aliases in order of preference; a tuple alias joins several columns with a space."""

    key: str
    label: str
    aliases: tuple[str | tuple[str, ...], ...]
    dates: bool = False  # a date or time column: an Excel workbook's plain numbers in it are date serials


@dataclass(frozen=True)
class Table:
    values: dict[str, pd.Series]  # spec key -> stripped strings
    columns: dict[str, str]  # spec key -> the header as written, for error messages
    lines: np.ndarray  # 1-based line number of each row
    decimal_comma: bool  # the delimiter leaves the comma free to be a decimal separator


def read_table(data: bytes, *, specs: tuple[ColumnSpec, ...]) -> Table:
    if looks_like_xlsx(data):
        dated = {name for spec in specs if spec.dates for alias in spec.aliases for name in _names(alias)}
        data = xlsx_to_csv(data, max_columns=_limits.max_columns, date_header=lambda name: _normalise(name) in dated)
    else:
        refuse_binary(data)
    _check_shape(data, _limits)
    text = _decode(data)
    first_line = re.match(r"[^\r\n]*", text)
    assert first_line is not None  # `*` matches even an empty line
    header_line = first_line.group()
    if not header_line.strip():
        raise InvalidFile("Line 1 is empty; the file must start with a header row.")
    delimiter = max(_DELIMITERS, key=header_line.count)
    frame = _read_csv(text, delimiter=delimiter)
    written = [str(name).strip() for name in frame.iloc[0]]
    found = header_columns(written, specs=specs)
    missing = [spec for spec in specs if found[spec.key] is None]
    if missing:
        wanted = " and ".join(f"no {spec.label} column (name it one of {_aliases(spec)})" for spec in missing)
        raise InvalidFile(f"The header on line 1 has {wanted}.")
    located = {key: positions for key, positions in found.items() if positions is not None}

    body = frame.iloc[1:].reset_index(drop=True)
    strip = _may_pad(data, delimiter)
    values = {key: _joined(body, positions, strip=strip) for key, positions in located.items()}
    blank = np.logical_and.reduce([column.eq("").to_numpy() for column in values.values()])
    if blank.all():
        raise InvalidFile("The file has a header but no data rows.")
    lines = np.arange(2, len(body) + 2)[~blank]
    if blank.any():
        values = {key: column[~blank].reset_index(drop=True) for key, column in values.items()}
    return Table(
        values=values,
        columns={key: " + ".join(written[i] for i in positions) for key, positions in located.items()},
        lines=lines,
        decimal_comma=delimiter != ",",
    )


def _check_shape(data: bytes, limits: CsvLimits) -> None:
    """Refuses a header of too many columns or a line of too many bytes, counting on the raw bytes (delimiters
    and line breaks are ASCII in UTF-8 and Latin-1 alike) with a few passes of C code."""
    first_break = _LINE_BREAK.search(data)
    header = data[: first_break.start()] if first_break else data
    delimiter = max((delimiter.encode() for delimiter in _DELIMITERS), key=header.count)
    # A delimiter inside a quoted name does not start a column.
    columns = _QUOTED.sub(b"", header).count(delimiter) + 1
    if columns > limits.max_columns:
        raise InvalidFile(
            f"The header on line 1 has {columns:,} columns; a file may have at most {limits.max_columns:,}."
        )
    octets = np.frombuffer(data, dtype=np.uint8)
    breaks = np.flatnonzero((octets == 0x0A) | (octets == 0x0D))
    starts = np.concatenate(([0], breaks + 1))
    lengths = np.append(breaks, len(data)) - starts
    too_long = np.flatnonzero(lengths > limits.max_line_bytes)
    if too_long.size:
        start = int(starts[too_long[0]])
        # \r\n, \n and a lone \r each end one line.
        line = data.count(b"\n", 0, start) + data.count(b"\r", 0, start) - data.count(b"\r\n", 0, start) + 1
        raise InvalidFile(
            f"Line {line} is {int(lengths[too_long[0]]):,} bytes long; "
            f"a line may be at most {limits.max_line_bytes:,} bytes."
        )


def _decode(data: bytes) -> str:
    data = data.removeprefix(codecs.BOM_UTF8)
    if not data.strip():
        raise InvalidFile("The file is empty.")
    if b"\x00" in data:
        raise InvalidFile("The file is binary, not CSV text (it has NUL bytes; save UTF-16 text as UTF-8).")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    if _CONTROL.search(text):
        raise InvalidFile("The file contains control characters, so it is not CSV text.")
    return text


def _read_csv(text: str, *, delimiter: str) -> pd.DataFrame:
    # header=None keeps the header as row 0, so a data row with more fields than it is an error
    # rather than silently truncated or shifted into an index.
    try:
        return pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            header=None,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
        )
    except pd.errors.ParserError as exc:
        counts = _FIELD_COUNT.search(str(exc))
        if counts:
            expected, line, saw = counts.groups()
            raise InvalidFile(f"Line {line} has {saw} fields but the header has {expected}.") from None
        if "EOF inside string" in str(exc):
            raise InvalidFile("The file has a quoted field that is never closed.") from None
        raise InvalidFile("The file is not well-formed CSV.") from None


def header_columns(written: list[str], *, specs: tuple[ColumnSpec, ...]) -> dict[str, tuple[int, ...] | None]:
    """Each spec's column positions in a header row (its names as written), None where it has none."""
    names = [_normalise(name.strip()) for name in written]
    return {spec.key: _locate(names, spec) for spec in specs}


def _normalise(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", name.lower()).strip("_")


def _names(alias: str | tuple[str, ...]) -> tuple[str, ...]:
    return (alias,) if isinstance(alias, str) else alias


def _locate(header: list[str], spec: ColumnSpec) -> tuple[int, ...] | None:
    for alias in spec.aliases:
        names = _names(alias)
        if all(name in header for name in names):
            return tuple(header.index(name) for name in names)
    return None


def _aliases(spec: ColumnSpec) -> str:
    return ", ".join(alias if isinstance(alias, str) else " + ".join(alias) for alias in spec.aliases)


def _may_pad(data: bytes, delimiter: str) -> bool:
    """False when no value can begin or end with whitespace, so stripping every value (a Python call each) would
    change nothing: the file is ASCII, unquoted, and has no whitespace but its line breaks and delimiter."""
    pads = _MAY_PAD.copy()
    pads[ord(delimiter)] = False
    return bool(pads[np.frombuffer(data, dtype=np.uint8)].any())


def _joined(body: pd.DataFrame, positions: tuple[int, ...], *, strip: bool) -> pd.Series:
    if len(positions) == 1 and not strip:
        return body[positions[0]]
    columns = [body[position].str.strip() for position in positions]
    # The stubs take one Series to join; pandas takes a list of them too.
    return columns[0].str.cat(columns[1:], sep=" ").str.strip() if len(columns) > 1 else columns[0]  # type: ignore[arg-type]
