"""NOAA GHCNh files read the way NCEI publishes them; every expected value below is worked out by hand."""

from pathlib import Path

import pandas as pd
import pytest

from metering.parsers import InvalidFile
from metering.parsers.ghcnh import inventory_coverage, parse_hourly_psv, parse_inventory, parse_station_list
from tests.metering.weather.source import inventory, station_list

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "weather" / "GHCNh_USW00099999_2025.psv"


def test_each_hour_takes_the_passed_observation_nearest_to_it():
    parsed = parse_hourly_psv(SAMPLE.read_bytes())
    # 00:51 (4.4) and 01:05 (4.0) both stand for 01:00; 01:05 is 5 minutes off, 00:51 is 9. 02:51 says 71 °C
    # (implausible) and 03:51 carries quality code S (spike): both fail; 04:51 has no value at all.
    assert parsed.frame.to_dict("records") == [
        {"ts": pd.Timestamp("2025-01-01T01:00Z"), "temperature_c": 4.0},
        {"ts": pd.Timestamp("2025-01-01T02:00Z"), "temperature_c": 3.9},
        {"ts": pd.Timestamp("2025-01-01T05:00Z"), "temperature_c": -1.5},
        {"ts": pd.Timestamp("2025-01-01T06:00Z"), "temperature_c": -1.1},
    ]
    assert parsed.failed_quality == 2


FULL_LAYOUT = SAMPLE.with_name("GHCNh_USW00099998_2023.psv")


def test_a_file_in_the_published_layout_with_its_byte_order_mark_and_report_types():
    """53 columns in NCEI's order (six per variable), a BOM, METAR, special and synoptic reports."""
    parsed = parse_hourly_psv(FULL_LAYOUT.read_bytes())
    # 01:00: the METAR of 00:53 (7 minutes off) beats the special of 01:20; 02:00: 01:53; 03:00: the synoptic
    # report on the hour; 04:00: 03:53 failed the GHCNh check L; 05:00: 04:53 has no temperature; 06:00: 05:53 (9).
    assert parsed.frame.to_dict("records") == [
        {"ts": pd.Timestamp("2023-07-01T01:00Z"), "temperature_c": 24.4},
        {"ts": pd.Timestamp("2023-07-01T02:00Z"), "temperature_c": 23.9},
        {"ts": pd.Timestamp("2023-07-01T03:00Z"), "temperature_c": 23.1},
        {"ts": pd.Timestamp("2023-07-01T06:00Z"), "temperature_c": 22.2},
    ]
    assert parsed.failed_quality == 1


def test_without_date_the_instant_is_built_from_its_parts():
    """NCEI's merged layout names the station Station_ID and gives the time in parts only."""
    data = (
        b"Station_ID|Station_name|Year|Month|Day|Hour|Minute|Latitude|Longitude|Elevation|temperature|"
        b"temperature_Quality_Code\nUSW1|X|2023|7|1|0|53|35.4|-82.5|646.2|24.4|\n"
    )
    assert parse_hourly_psv(data).frame.to_dict("records") == [
        {"ts": pd.Timestamp("2023-07-01T01:00Z"), "temperature_c": 24.4}
    ]


def test_a_station_list_with_a_byte_order_mark_keeps_its_header():
    listed = parse_station_list(b"\xef\xbb\xbf" + station_list([("USW1", 40.0, -73.0, 3.0, "ONE")]))
    assert [(s.station_id, s.country) for s in listed] == [("USW1", "US")]


def test_a_tie_between_two_observations_goes_to_the_earlier():
    data = (
        b"STATION|DATE|temperature|temperature_Quality_Code\nX|2025-03-01T11:50:00|10.0|\nX|2025-03-01T12:10:00|12.0|\n"
    )
    assert parse_hourly_psv(data).frame["temperature_c"].tolist() == [10.0]


def test_a_file_without_the_temperature_column_is_refused():
    with pytest.raises(InvalidFile, match="temperature"):
        parse_hourly_psv(b"STATION|DATE|dew_point_temperature\nX|2025-03-01T11:50:00|1.0\n")


def test_the_station_list_keeps_placed_stations_and_unknown_elevations_as_none():
    data = station_list([("USW00014732", 40.7794, -73.88, 3.4, "LAGUARDIA AP"), ("XXX", 95.0, 0.0, 1.0, "BAD")])
    data += b"USC00000001,12.5,77.25,-999.9,,NO ELEVATION,,,,,IN\n"
    stations = parse_station_list(data)
    assert [(s.station_id, s.elevation_m, s.country) for s in stations] == [
        ("USW00014732", 3.4, "US"),
        ("USC00000001", None, "IN"),
    ]


def test_a_station_list_without_its_header_row_is_read_in_the_documented_order():
    data = b"USW00014732,40.7794,-73.8800,3.4,NY,LAGUARDIA AP,,,72503,KLGA\n"
    (station,) = parse_station_list(data)
    assert (station.station_id, station.name, station.latitude, station.elevation_m) == (
        "USW00014732",
        "LAGUARDIA AP",
        40.7794,
        3.4,
    )


def test_the_inventory_keeps_only_the_years_asked_for():
    data = inventory([("USW00014732", 2024, [744] * 12), ("USW00014732", 1999, [1] * 12)]).decode()
    assert parse_inventory(data.splitlines(), years={2024}) == {"USW00014732": {2024: [744] * 12}}


def test_inventory_coverage_caps_each_month_at_its_hours():
    # 2025: 8,760 hours. January reports 900 times (specials included) but has only 744 hours; the other
    # eleven months report 372 times each: (744 + 11 × 372) / 8,760 = 4,836 / 8,760.
    assert inventory_coverage([900] + [372] * 11, 2025) == pytest.approx(4836 / 8760)
    # A leap year divides by 8,784.
    assert inventory_coverage([0] * 12, 2024) == 0.0
    assert inventory_coverage([744, 696, 744, 720, 744, 720, 744, 744, 720, 744, 720, 744], 2024) == 1.0
