import numpy as np
import pandas as pd
import pytest

from metering.parsers import InvalidFile, InvalidRows
from metering.parsers.meter_csv import KWH
from metering.parsers.series import TIMESTAMP
from tests.support.parsing import parse_meter_csv

TIMESTAMP_NAMES = "timestamp time datetime date ts date_time reading_time interval_start".split()
KWH_NAMES = "kwh value_kwh energy_kwh consumption consumption_kwh usage_kwh value energy".split()


def csv(*lines: str, encoding: str = "utf-8") -> bytes:
    return ("\n".join(lines) + "\n").encode(encoding)


def row_errors(data: bytes, tz: str = "UTC") -> InvalidRows:
    with pytest.raises(InvalidRows) as caught:
        parse_meter_csv(data, tz=tz)
    return caught.value


def utc(*stamps: str) -> list[pd.Timestamp]:
    return [pd.Timestamp(stamp, tz="UTC") for stamp in stamps]


def test_reads_timestamps_and_kwh_sorted_with_utc_dtype():
    frame = parse_meter_csv(
        csv("timestamp,kwh", "2024-01-01T00:15:00Z,2.5", "2024-01-01T00:00:00Z,1", "2024-01-01T00:30:00Z,0"),
        tz="UTC",
    )
    assert list(frame.columns) == ["ts", "kwh"]
    assert str(frame["ts"].dtype) == "datetime64[ns, UTC]"
    assert frame["kwh"].dtype == np.float64
    assert frame["ts"].tolist() == utc("2024-01-01 00:00", "2024-01-01 00:15", "2024-01-01 00:30")
    assert frame["kwh"].tolist() == [1.0, 2.5, 0.0]


@pytest.mark.parametrize("alias", TIMESTAMP_NAMES)
def test_every_timestamp_alias(alias):
    frame = parse_meter_csv(csv(f"{alias},kwh", "2024-01-01 10:00,1"), tz="UTC")
    assert frame["ts"].tolist() == utc("2024-01-01 10:00")


@pytest.mark.parametrize("alias", KWH_NAMES)
def test_every_kwh_alias(alias):
    frame = parse_meter_csv(csv(f"timestamp,{alias}", "2024-01-01 10:00,4.25"), tz="UTC")
    assert frame["kwh"].tolist() == [4.25]


def test_the_alias_lists_are_exactly_the_documented_names():
    assert {alias for alias in TIMESTAMP.aliases if isinstance(alias, str)} == set(TIMESTAMP_NAMES)
    assert set(KWH.column.aliases) == set(KWH_NAMES)


@pytest.mark.parametrize(
    "header",
    ["  TimeStamp , KWH ", "Interval Start,Consumption (kWh)", "Date Time,Energy [kWh]", '"ts","Usage kWh"'],
)
def test_header_names_are_trimmed_case_insensitive_and_punctuation_tolerant(header):
    frame = parse_meter_csv(csv(header, "2024-01-01 10:00,3"), tz="UTC")
    assert frame["kwh"].tolist() == [3.0]


def test_specific_alias_wins_and_other_columns_are_ignored():
    data = csv("meter,value,timestamp,kwh,notes", "A1,999,2024-01-01 10:00,3,hello")
    assert parse_meter_csv(data, tz="UTC")["kwh"].tolist() == [3.0]


def test_separate_date_and_time_columns_are_combined():
    frame = parse_meter_csv(csv("Date;Time;kWh", "2024-01-31;23:45;1,5"), tz="Asia/Kolkata")
    assert frame["ts"].tolist() == utc("2024-01-31 18:15")
    assert frame["kwh"].tolist() == [1.5]


@pytest.mark.parametrize(
    "padded",
    [
        "  2024-01-01T00:00:00Z , 1.5  ",  # spaces
        "\t2024-01-01T00:00:00Z,1.5\t",  # tabs in a comma file
        "\u00a02024-01-01T00:00:00Z,1.5\u00a0",  # no-break spaces, as spreadsheets export them
        '"2024-01-01T00:00:00Z ","1.5"',  # inside quotes
    ],
)
def test_values_are_stripped_of_whitespace_however_it_is_written(padded):
    frame = parse_meter_csv(csv("timestamp,kwh", padded, "2024-01-01T00:15:00Z,2"), tz="UTC")
    assert list(frame["ts"]) == utc("2024-01-01T00:00:00Z", "2024-01-01T00:15:00Z")
    assert list(frame["kwh"]) == [1.5, 2.0]


def test_utf8_bom_is_dropped():
    frame = parse_meter_csv(b"\xef\xbb\xbf" + csv("timestamp,kwh", "2024-01-01 00:00,1"), tz="UTC")
    assert frame["kwh"].tolist() == [1.0]


def test_semicolon_file_with_decimal_commas():
    frame = parse_meter_csv(csv("timestamp;kwh", "2024-01-01 00:00;12,5", "2024-01-01 00:15;7"), tz="UTC")
    assert frame["kwh"].tolist() == [12.5, 7.0]


def test_tab_separated_file():
    frame = parse_meter_csv(csv("timestamp\tkwh", "2024-01-01 00:00\t12.5", "2024-01-01 00:15\t3"), tz="UTC")
    assert frame["kwh"].tolist() == [12.5, 3.0]


def test_tab_separated_file_with_decimal_commas():
    frame = parse_meter_csv(csv("timestamp\tkwh", "2024-01-01 00:00\t12,5", "2024-01-01 00:15\t3"), tz="UTC")
    assert frame["kwh"].tolist() == [12.5, 3.0]


def test_decimal_point_among_decimal_commas_is_an_error():
    error = row_errors(csv("timestamp;kwh", "2024-01-01 00:00;12,5", "2024-01-01 00:15;1.234"))
    assert [(e.row, e.column) for e in error.errors] == [(3, "kwh")]
    assert "decimal commas" in error.errors[0].message


def test_comma_inside_a_quoted_value_of_a_comma_file_is_not_a_decimal_comma():
    error = row_errors(csv("timestamp,kwh", '2024-01-01 00:00,"12,5"'))
    assert error.errors[0].message == "'12,5' is not a finite number."


def test_latin1_file_is_decoded():
    data = csv("timestamp;kwh;remarque", "2024-01-01 00:00;2,5;relevé manuel", encoding="latin-1")
    assert parse_meter_csv(data, tz="UTC")["kwh"].tolist() == [2.5]


def test_blank_lines_are_skipped_but_keep_line_numbers():
    error = row_errors(csv("timestamp,kwh", "2024-01-01 00:00,1", "", ",", "2024-01-01 00:15,-2"))
    assert [(e.row, e.column) for e in error.errors] == [(5, "kwh")]


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "empty"),
        (b"\xef\xbb\xbf  \n\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"PK\x03\x04\x14\x00\x06\x00", "binary"),
        ("timestamp,kwh\n2024-01-01,1\n".encode("utf-16"), "binary"),
        (bytes(range(1, 32)) * 4, "control characters"),
        (b"hello world\nthis is not a meter file\n", "no timestamp column"),
        (b"<html><body>Not found</body></html>", "no timestamp column"),
        (b"2024-01-01T00:00:00Z,1.5\n2024-01-01T00:15:00Z,1.5\n", "no timestamp column"),
        (b"timestamp,cost\n2024-01-01,3\n", "no kWh column"),
        (b"\ntimestamp,kwh\n2024-01-01,3\n", "Line 1 is empty"),
        (b"timestamp,kwh\n", "no data rows"),
        (b"timestamp,kwh\n\n,\n", "no data rows"),
        (b"timestamp,kwh\n2024-01-01,1\n2024-01-02,12,5\n", "Line 3 has 3 fields but the header has 2"),
        (b'timestamp,kwh\n"2024-01-01 00:00,1\n', "never closed"),
    ],
)
def test_unreadable_files_are_invalid_file(data, fragment):
    with pytest.raises(InvalidFile) as caught:
        parse_meter_csv(data, tz="UTC")
    assert fragment in caught.value.message
    assert caught.value.message.endswith(".")
    assert caught.value.code == "invalid_file"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "The value is empty."),
        ("abc", "'abc' is not a finite number."),
        ("nan", "'nan' is not a finite number."),
        ("NaN", "'NaN' is not a finite number."),
        ("inf", "'inf' is not a finite number."),
        ("-Infinity", "'-Infinity' is not a finite number."),
        ("1e400", "'1e400' is not a finite number."),
        ("-0.5", "'-0.5' is negative; kWh must be zero or more."),
        ("12 kWh", "'12 kWh' is not a finite number."),
    ],
)
def test_each_bad_kwh_is_reported_at_its_line(value, message):
    error = row_errors(csv("Timestamp,Energy kWh", "2024-01-01,1", "2024-01-02,2", f"2024-01-03,{value}"))
    assert error.total == 1
    assert [(e.row, e.column, e.message) for e in error.errors] == [(4, "Energy kWh", message)]


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("", "The timestamp is empty."),
        ("yesterday", "'yesterday' is not a timestamp"),
        ("2024-13-01 00:00", "'2024-13-01 00:00' is not a valid date and time."),
        ("2024-02-30", "'2024-02-30' is not a valid date and time."),
        ("2024-01-01 24:00", "not a valid date and time"),
        ("2024-01", "is not a timestamp"),
        ("1704067200", "is not a timestamp"),
    ],
)
def test_each_bad_timestamp_is_reported_at_its_line(value, fragment):
    error = row_errors(csv("timestamp,kwh", "2024-01-01 00:00,1", f"{value},2"))
    assert [(e.row, e.column) for e in error.errors] == [(3, "timestamp")]
    assert fragment in error.errors[0].message


def test_zero_kwh_is_valid():
    assert parse_meter_csv(csv("timestamp,kwh", "2024-01-01 00:00,0"), tz="UTC")["kwh"].tolist() == [0.0]


def test_duplicate_instant_names_both_lines():
    error = row_errors(
        csv("timestamp,kwh", "2024-01-01T00:00:00Z,1", "2024-01-01T00:15:00Z,1", "2024-01-01T05:30+05:30,2")
    )
    assert [(e.row, e.column) for e in error.errors] == [(4, "timestamp")]
    assert "duplicates line 2" in error.errors[0].message


def test_naive_and_offset_forms_of_one_instant_are_duplicates():
    error = row_errors(csv("timestamp,kwh", "2024-06-01 09:00,1", "2024-06-01T08:00Z,1"), tz="Europe/London")
    assert error.errors[0].row == 3
    assert "duplicates line 2" in error.errors[0].message


def test_all_bad_values_are_collected_and_sorted_by_line():
    error = row_errors(csv("timestamp,kwh", "nope,1", "2024-01-01 00:15,-1", "2024-01-01 00:30,x", "bad,"))
    assert [(e.row, e.column) for e in error.errors] == [
        (2, "timestamp"),
        (3, "kwh"),
        (4, "kwh"),
        (5, "timestamp"),
        (5, "kwh"),
    ]
    assert error.total == 5
    assert error.code == "invalid_rows"


def test_more_than_100_bad_rows_lists_the_first_100_and_counts_all():
    rows = [f"2024-01-01T{i // 4:02d}:{i % 4 * 15:02d}:00Z,-1" for i in range(96)]
    rows += [f"2024-01-02T00:00:{i:02d}Z,-1" for i in range(54)]
    error = row_errors(csv("timestamp,kwh", *rows))
    assert error.total == 150
    assert [e.row for e in error.errors] == list(range(2, 102))
    assert str(error) == "The data has 150 invalid values."


def test_first_100_are_the_first_by_line_across_different_checks():
    rows = [f"2024-01-01T00:00:{i:02d}Z,1" for i in range(60)]
    rows = [f"{row[:-1]}-1" if i >= 30 else row for i, row in enumerate(rows)]  # lines 32..61: negative
    rows += [f"x{i},1" for i in range(120)]  # lines 62..181: bad timestamps
    error = row_errors(csv("timestamp,kwh", *rows))
    assert error.total == 150
    assert [e.row for e in error.errors] == list(range(32, 132))


def test_huge_cell_is_shortened_in_the_message():
    error = row_errors(csv("timestamp,kwh", f"2024-01-01 00:00,{'9' * 5000}x"))
    assert len(error.errors[0].message) < 100
