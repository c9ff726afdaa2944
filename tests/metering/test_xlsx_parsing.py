"""Excel workbooks read through the CSV rules, and other binary files refused by name (issue 16, CSV help).

Workbooks are made here with openpyxl; every expected instant is worked out by hand from the zone's offset."""

import io
import zipfile
from datetime import date, datetime, time

import pandas as pd
import pytest

from metering.parsers import InvalidFile, InvalidRows, csv_table, spreadsheet, xlsx_rows_at_most
from tests.metering.helpers import workbook
from tests.support.parsing import parse_meter_csv, parse_temperature_csv


def refusal(data: bytes) -> str:
    with pytest.raises(InvalidFile) as caught:
        parse_meter_csv(data, tz="UTC")
    return caught.value.message


def test_datetime_cells_are_wall_clock_times_in_the_building_zone():
    # Asia/Kolkata is UTC+5:30 all year: 2025-01-06 00:00 there is 2025-01-05 18:30 UTC.
    data = workbook(
        ("Timestamp", "Consumption (kWh)"),
        (datetime(2025, 1, 6, 0, 0), 1.25),
        (datetime(2025, 1, 6, 0, 15), 2),
        ("2025-01-06 00:30", "0.5"),  # text cells are read like CSV text
    )
    frame = parse_meter_csv(data, tz="Asia/Kolkata")
    assert frame["ts"].tolist() == [
        pd.Timestamp("2025-01-05 18:30", tz="UTC"),
        pd.Timestamp("2025-01-05 18:45", tz="UTC"),
        pd.Timestamp("2025-01-05 19:00", tz="UTC"),
    ]
    assert frame["kwh"].tolist() == [1.25, 2.0, 0.5]


def test_a_date_cell_without_time_is_a_daily_value_and_a_midnight_time_is_an_hourly_one():
    data = workbook(
        ("date", "temperature_c"),
        (datetime(2025, 1, 6), 4.5),
        (datetime(2025, 1, 7), -1),
        (datetime(2025, 1, 7), 3),
        formats={"A2": "yyyy-mm-dd", "A3": "dd/mm/yyyy", "A4": "yyyy-mm-dd hh:mm"},
    )
    frame = parse_temperature_csv(data, tz="UTC")
    assert frame["resolution"].tolist() == ["day", "day", "hour"]
    assert frame["ts"].tolist() == [
        pd.Timestamp("2025-01-06", tz="UTC"),
        pd.Timestamp("2025-01-07", tz="UTC"),
        pd.Timestamp("2025-01-07", tz="UTC"),
    ]


def test_times_stored_as_fractions_of_a_day_are_rounded_to_the_second_and_date_and_time_columns_join():
    data = workbook(
        ("date", "time", "kwh"),
        (date(2025, 1, 6), time(0, 14, 59, 999_600), 1),
        (datetime(2025, 1, 6, 0, 29, 59, 600_000), None, 1),
        formats={"A2": "yyyy-mm-dd", "A3": "yyyy-mm-dd hh:mm"},
    )
    frame = parse_meter_csv(data, tz="UTC")
    assert frame["ts"].tolist() == [
        pd.Timestamp("2025-01-06 00:15", tz="UTC"),
        pd.Timestamp("2025-01-06 00:30", tz="UTC"),
    ]


def test_plain_numbers_in_a_date_column_are_excel_serials_in_the_building_zone():
    # Serial 45663 is 2025-01-06 (45658 is 2025-01-01); .25 of a day is 06:00. Kolkata is UTC+5:30.
    frame = parse_meter_csv(workbook(("timestamp", "kwh"), (45663, 1), (45663.25, 2), (45663.5, 3)), tz="Asia/Kolkata")
    assert frame["ts"].tolist() == [
        pd.Timestamp("2025-01-05 18:30", tz="UTC"),  # the midnight of a column with times is a time, not a day
        pd.Timestamp("2025-01-06 00:30", tz="UTC"),
        pd.Timestamp("2025-01-06 06:30", tz="UTC"),
    ]
    daily = parse_temperature_csv(workbook(("date", "temperature_c"), (45663, 4), (45664, 5)), tz="UTC")
    assert daily["resolution"].tolist() == ["day", "day"]
    assert daily["ts"].tolist() == [pd.Timestamp("2025-01-06", tz="UTC"), pd.Timestamp("2025-01-07", tz="UTC")]


def test_a_number_outside_the_serials_stays_a_number_and_the_kwh_column_is_never_a_date():
    with pytest.raises(InvalidRows) as caught:
        parse_meter_csv(workbook(("timestamp", "kwh"), (12.5, 45663)), tz="UTC")
    assert [(e.row, e.message) for e in caught.value.errors] == [
        (2, "'12.5' is not a timestamp; use ISO 8601, e.g. 2024-03-31T14:45.")
    ]


def test_row_errors_name_the_sheet_row_and_formulas_are_not_evaluated():
    data = workbook(
        ("timestamp", "kwh"),
        (datetime(2025, 1, 6, 0, 0), 1),
        (None, None),  # a blank row keeps its number
        (datetime(2025, 1, 6, 0, 15), -2),
        (datetime(2025, 1, 6, 0, 30), "=B2*2"),  # saved without a result: an empty cell, never computed here
        (datetime(2025, 1, 6, 0, 45), "#DIV/0!"),
    )
    with pytest.raises(InvalidRows) as caught:
        parse_meter_csv(data, tz="UTC")
    assert [(e.row, e.column, e.message) for e in caught.value.errors] == [
        (4, "kwh", "'-2' is negative; kWh must be zero or more."),
        (5, "kwh", "The value is empty."),
        (6, "kwh", "'#DIV/0!' is not a finite number."),
    ]


def test_a_sheet_without_the_columns_is_refused_like_a_csv():
    assert refusal(workbook(("when", "cost"), (datetime(2025, 1, 6), 3))).startswith(
        "The header on line 1 has no timestamp column"
    )


def test_the_sheet_is_bounded_in_columns_rows_and_unpacked_size(monkeypatch):
    monkeypatch.setattr(csv_table, "_limits", csv_table.CsvLimits(max_columns=4))
    wide = workbook(("timestamp", "kwh"), (datetime(2025, 1, 6), 1, None, None, "x"))
    assert refusal(wide) == "Row 2 of the sheet has cells up to column E; a sheet may have at most 4 columns."
    rows = [("timestamp", "kwh"), *((datetime(2025, 1, 6, hour), 1) for hour in range(5))]
    monkeypatch.setattr(spreadsheet, "_limits", spreadsheet.SheetLimits(max_rows=5))
    assert refusal(workbook(*rows)) == "The sheet has more than 5 rows."
    monkeypatch.setattr(spreadsheet, "_limits", spreadsheet.SheetLimits(max_unpacked_bytes=2_000))
    assert "at most 2,000 are read" in refusal(workbook(*rows))


def test_the_rows_of_a_workbook_are_bounded_from_its_unpacked_size_without_reading_it():
    rows = [("timestamp", "kwh"), *((datetime(2025, 1, 6, hour), 1) for hour in range(20))]
    data = workbook(*rows)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        first_sheet = archive.getinfo("xl/worksheets/sheet1.xml").file_size
    assert xlsx_rows_at_most(data) == first_sheet // spreadsheet.SMALLEST_ROW_BYTES >= len(rows)


def zipped(**parts: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name.replace("__", "/"), content)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "Excel 97-2003 workbook (.xls)"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF document. Utility bills go to the bill upload"),
        ("timestamp,kwh\n2025-01-06,1\n".encode("utf-16"), "UTF-16 text"),
        ("timestamp,kwh\n2025-01-06,1\n".encode("utf-16-le"), "UTF-16 text"),
        (zipped(mimetype=b"application/vnd.oasis.opendocument.spreadsheet"), "OpenDocument spreadsheet (.ods)"),
        (zipped(word__document=b"<w/>"), "zip archive, not a spreadsheet"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "it is an image"),
    ],
)
def test_other_binary_files_are_refused_saying_what_they_are_and_what_to_do(data, fragment):
    message = refusal(data)
    assert message.startswith("The file is binary, not CSV text: ")
    assert fragment in message


def test_a_damaged_workbook_is_refused():
    main = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    content_types = b'<Types><Override ContentType="' + main + b'"/></Types>'
    message = refusal(zipped(**{"[Content_Types].xml": content_types}))
    assert message.startswith("The Excel workbook could not be read")


def test_a_sheet_with_a_dtd_or_broken_xml_is_refused_not_expanded():
    data = workbook(("timestamp", "kwh"), (datetime(2025, 1, 6), 1))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    laughs = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
    assert not sheet.startswith(b"<?xml") and b"<v>1</v>" in sheet
    for broken in (laughs + sheet.replace(b"<v>1</v>", b"<v>&b;</v>"), sheet[: len(sheet) // 2]):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            for name, content in parts.items():
                archive.writestr(name, broken if name == "xl/worksheets/sheet1.xml" else content)
        assert refusal(out.getvalue()).startswith("The Excel workbook could not be read")
