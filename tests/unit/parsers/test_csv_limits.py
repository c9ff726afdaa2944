"""The shape of an uploaded CSV is bounded on its bytes before pandas reads it (issue 14, row 4)."""

import pytest

from metering.parsers import InvalidFile, csv_table
from tests.support.parsing import parse_meter_csv, parse_temperature_csv

DEFAULTS = csv_table.CsvLimits()


@pytest.fixture
def narrow(monkeypatch):
    """Bounds small enough to test at their edges: 4 columns, 40-byte lines."""
    monkeypatch.setattr(csv_table, "_limits", csv_table.CsvLimits(max_columns=4, max_line_bytes=40))


def refusal(parse, data: bytes) -> str:
    with pytest.raises(InvalidFile) as caught:
        parse(data, tz="UTC")
    return caught.value.message


def test_the_defaults_are_a_thousand_columns_and_64_kib_lines(settings):
    assert (DEFAULTS.max_columns, DEFAULTS.max_line_bytes) == (1_000, 65_536)
    # The application hands its settings (whose defaults are the same) to the parser at start-up.
    assert csv_table._limits == csv_table.CsvLimits(settings.CSV_MAX_COLUMNS, settings.CSV_MAX_LINE_BYTES) == DEFAULTS


@pytest.mark.parametrize("parse", [parse_meter_csv, parse_temperature_csv])
def test_a_5_mb_header_of_2_5_million_columns_is_refused_by_meter_and_weather_parsers(parse):
    data = b"timestamp,kwh,temperature_c" + b",x" * 2_500_000 + b"\n2024-01-01 00:00,1,5\n"
    assert len(data) > 5_000_000
    assert refusal(parse, data) == "The header on line 1 has 2,500,003 columns; a file may have at most 1,000."


def test_a_header_at_the_column_limit_is_read_and_one_more_is_refused():
    fillers = ",".join(f"c{i}" for i in range(998))
    frame = parse_meter_csv(f"timestamp,kwh,{fillers}\n2024-01-01 00:00,1.5\n".encode(), tz="UTC")
    assert frame["kwh"].tolist() == [1.5]
    assert "1,001 columns" in refusal(parse_meter_csv, f"timestamp,kwh,{fillers},one_more\n".encode())


def test_columns_are_counted_with_the_files_own_delimiter_and_not_inside_quotes(narrow):
    # 4 columns: the commas inside the quoted name do not split it.
    frame = parse_meter_csv(b'timestamp,kwh,"site, floor, meter",x\n2024-01-01 00:00,2,a,b\n', tz="UTC")
    assert frame["kwh"].tolist() == [2.0]
    assert "5 columns" in refusal(parse_meter_csv, b"timestamp;kwh;a;b;c\n2024-01-01 00:00;1;;;\n")
    assert "5 columns" in refusal(parse_meter_csv, b"timestamp\tkwh\ta\tb\tc\n")


def test_a_line_over_the_byte_limit_is_refused_by_its_number(narrow):
    at_limit = b"2024-01-01 00:00,1." + b"0" * 21  # 40 bytes
    assert parse_meter_csv(b"timestamp,kwh\n" + at_limit + b"\n", tz="UTC")["kwh"].tolist() == [1.0]
    too_long = b"2024-01-01 00:15,1." + b"0" * 22
    data = b"timestamp,kwh\r\n2024-01-01 00:00,1\r\n" + too_long + b"\r\n"
    assert refusal(parse_meter_csv, data) == "Line 3 is 41 bytes long; a line may be at most 40 bytes."
    assert refusal(parse_meter_csv, data.replace(b"\r\n", b"\r")).startswith("Line 3 is 41 bytes long")


def test_one_huge_cell_under_the_default_limits_is_refused_before_pandas():
    data = b"timestamp,kwh\n2024-01-01 00:00," + b"9" * 70_000 + b"\n"
    assert refusal(parse_meter_csv, data) == "Line 2 is 70,017 bytes long; a line may be at most 65,536 bytes."
