"""An uploaded file that is not CSV text: an Excel workbook (.xlsx) is read into CSV text, anything else binary is
named and refused with what to do instead.

The first sheet of a workbook becomes one CSV line per sheet row, so row N of the sheet is line N of the text and
every CSV rule (header aliases, bounds, row errors by line) applies unchanged. Cells are read with openpyxl in
read-only mode, values as last saved (a formula is never evaluated: its cached result is taken, and one saved
without a result is an empty cell). A date or time cell becomes ISO text without an offset, which the timestamp
parser reads in the building's zone like any CSV time: a date without a time in its format and at midnight is a
date alone (a daily value); other values are rounded to the second, as Excel stores times as fractions of a day.
In a date or time column (by its header) a plain number is taken as the serial Excel stores dates as (SERIALS).

Bounds (`SheetLimits`), checked before or while reading: the archive's unpacked size, the rows of the sheet, and its
columns (the CSV header's bound).
"""

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel

from .errors import InvalidFile

ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The main part of an .xlsx, and of an .xlsm (whose macros are never run).
_WORKBOOK_TYPES = (b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml")
# Format codes in quotes or brackets are literal text, colours or conditions, not date parts.
_FORMAT_LITERALS = re.compile(r'"[^"]*"|\[[^\]]*\]')
# <row><c><v>1</v></c></row>
SMALLEST_ROW_BYTES = 25
# Plain numbers read as Excel serials in a date column: a time of day, or a day from 1990 (the first meter exports)
# to Excel's last, 9999-12-31; other numbers (a kWh figure in the wrong column) stay numbers, and bad timestamps.
SERIALS = (32_874, 2_958_465)
_DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
_DAMAGED = "The file looks like an Excel workbook but the archive is damaged."
_SAVE_AS = "save it as CSV (UTF-8) or an Excel workbook (.xlsx) and upload that"


@dataclass(frozen=True)
class SheetLimits:
    """The largest workbook read: Excel's own row limit, and room for that many rows of a few dozen columns."""

    max_rows: int = 1_048_576
    max_unpacked_bytes: int = 512 * 1024 * 1024


_limits = SheetLimits()


def looks_like_xlsx(data: bytes) -> bool:
    """A zip archive whose [Content_Types].xml names a workbook's main part."""
    if not data.startswith(ZIP_MAGIC):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            types = _content_types(archive)
        return any(kind in types for kind in _WORKBOOK_TYPES)
    except zipfile.BadZipFile:
        return False


def refuse_binary(data: bytes) -> None:
    """Raises InvalidFile naming a known binary format that is not CSV text (xlsx is read, not refused)."""
    recognised = _recognise(data)
    if recognised:
        raise InvalidFile(f"The file is binary, not CSV text: {recognised}")


def xlsx_rows_at_most(data: bytes) -> int:
    """A bound on the rows of a workbook's sheets, from the unpacked size of the largest, without reading it (a
    row takes at least SMALLEST_ROW_BYTES of XML); for choosing who reads a file, the request or a worker."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            sizes = [m.file_size for m in archive.infolist() if m.filename.startswith("xl/worksheets/")]
    except zipfile.BadZipFile:
        raise InvalidFile(_DAMAGED) from None
    return max(sizes, default=0) // SMALLEST_ROW_BYTES


def xlsx_to_csv(data: bytes, *, max_columns: int, date_header: Callable[[str], bool]) -> bytes:
    """The first sheet of a workbook as UTF-8 CSV text, one line per sheet row (see the module's docstring).
    `date_header` tells the header names of date and time columns, whose plain numbers are Excel serials."""
    limits = _limits
    rows: list[list[tuple[object, str]]] = []
    with _workbook(data) as book:
        sheet = book.worksheets[0]
        # The declared size is ignored: a wrong one would drop or pad cells; the rows read are what counts.
        sheet.reset_dimensions()
        for number, row in enumerate(sheet.iter_rows(), start=1):
            if number > limits.max_rows:
                raise InvalidFile(f"The sheet has more than {limits.max_rows:,} rows.")
            if len(row) > max_columns:
                raise InvalidFile(
                    f"Row {number} of the sheet has cells up to column {get_column_letter(len(row))}; "
                    f"a sheet may have at most {max_columns:,} columns."
                )
            rows.append([(cell.value, getattr(cell, "number_format", "General")) for cell in row])
        epoch = book.epoch
    header = [value for value, _ in rows[0]] if rows else []
    for column in (i for i, name in enumerate(header) if isinstance(name, str) and date_header(name)):
        _serials_to_dates(rows[1:], column=column, epoch=epoch)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows([_text(value, number_format) for value, number_format in row] for row in rows)
    return out.getvalue().encode()


def _serials_to_dates(rows: list[list[tuple[object, str]]], *, column: int, epoch: datetime) -> None:
    """Plain numbers in a date column are Excel serials (days since the epoch, a fraction being the time of day)
    when they fall in SERIALS; a column with any time in it holds times, midnight included."""
    at = [row for row in rows if column < len(row) and _is_serial(row[column][0])]
    with_time = any(float(row[column][0]) % 1 for row in at)  # type: ignore[arg-type]  # _is_serial: a number
    for row in at:
        row[column] = (from_excel(row[column][0], epoch), _DATETIME_FORMAT if with_time else "General")


def _is_serial(value: object) -> bool:
    number = isinstance(value, int | float) and not isinstance(value, bool)
    return number and (0 <= value < 1 or SERIALS[0] <= value <= SERIALS[1])  # type: ignore[operator]


@contextmanager
def _workbook(data: bytes) -> Iterator[Any]:
    """The workbook open for reading, closed after (read-only mode holds the archive open)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile:
        raise InvalidFile(_DAMAGED) from None
    # zipfile stops each part at its declared size, so the sum bounds what reading can unpack.
    if unpacked > _limits.max_unpacked_bytes:
        raise InvalidFile(
            f"The workbook unpacks to {unpacked:,} bytes; at most {_limits.max_unpacked_bytes:,} are read."
        )
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises anything from KeyError to XML errors on a damaged file
        raise _unreadable(exc) from None
    try:
        if not book.worksheets:
            raise InvalidFile("The Excel workbook has no worksheet.")
        yield book
    except InvalidFile:
        raise
    except Exception as exc:  # the sheet is parsed as it is read: a damaged one, or a DTD (defusedxml refuses it)
        raise _unreadable(exc) from None
    finally:
        book.close()


def _unreadable(error: Exception) -> InvalidFile:
    return InvalidFile(f"The Excel workbook could not be read ({type(error).__name__}); {_SAVE_AS}.")


def _text(value: object, number_format: str) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        rounded = _to_second(value)
        if rounded.time() == time(0) and not _shows_time(number_format):
            return rounded.date().isoformat()
        return rounded.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return _to_second(datetime.combine(date(2000, 1, 1), value)).time().isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return repr(value)
    # Line breaks inside a cell would shift the line numbers of every later row.
    return " ".join(str(value).splitlines())


def _to_second(moment: datetime) -> datetime:
    return (moment + timedelta(microseconds=500_000)).replace(microsecond=0)


def _shows_time(number_format: str) -> bool:
    return any(part in _FORMAT_LITERALS.sub("", number_format).lower() for part in ("h", "s"))


def _content_types(archive: zipfile.ZipFile) -> bytes:
    try:
        info = archive.getinfo("[Content_Types].xml")
    except KeyError:
        return b""
    with archive.open(info) as part:
        return part.read(256 * 1024)


def _recognise(data: bytes) -> str:
    """What a binary file is, with what to do instead; "" when it is none of the formats known here."""
    head = data[:8]
    if head.startswith(_OLE2_MAGIC):
        return f"it is an Excel 97-2003 workbook (.xls) or another old Office file; {_SAVE_AS}."
    if head.startswith(b"%PDF-"):
        return f"it is a PDF document. Utility bills go to the bill upload; for meter data, {_SAVE_AS}."
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or _utf16_without_bom(data[:512]):
        return "it is UTF-16 text (Excel's 'Unicode text'); save it as 'CSV UTF-8 (comma delimited)' and upload that."
    if head.startswith(ZIP_MAGIC):
        if _zip_kind(data) == "ods":
            return f"it is an OpenDocument spreadsheet (.ods); {_SAVE_AS}."
        return f"it is a zip archive, not a spreadsheet; {_SAVE_AS}."
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        return "it is an image. Utility bills go to the bill upload; meter data must be CSV text or an .xlsx workbook."
    return ""


def _utf16_without_bom(head: bytes) -> bool:
    """ASCII text as UTF-16: every other byte is NUL."""
    even, odd = head[0::2], head[1::2]
    return len(head) >= 8 and (even.count(0) == len(even) or odd.count(0) == len(odd))


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "mimetype" in archive.namelist():
                with archive.open("mimetype") as part:
                    if b"opendocument.spreadsheet" in part.read(100):
                        return "ods"
    except zipfile.BadZipFile:
        pass
    return "zip"
