import pandas as pd
import pytest

from metering.parsers import InvalidFile, InvalidRows
from metering.parsers.weather_csv import TEMPERATURE
from tests.support.parsing import parse_temperature_csv, parse_temperature_items


def csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def utc(stamp: str) -> pd.Timestamp:
    return pd.Timestamp(stamp, tz="UTC")


@pytest.mark.parametrize("alias", TEMPERATURE.column.aliases)
def test_every_temperature_alias(alias):
    frame = parse_temperature_csv(csv(f"timestamp,{alias}", "2024-01-01 10:00,-3.5"), tz="UTC")
    assert frame["temperature_c"].tolist() == [-3.5]


@pytest.mark.parametrize(
    ("header", "row"),
    [
        ("date,temperature_c", "2024-01-01 10:00,7"),
        ("time,temp", "2024-01-01 10:00,7"),
        ("datetime,tavg", "2024-01-01 10:00,7.0"),
        ("timestamp\tTemperature", "2024-01-01 10:00\t7"),
        ("Date;Temp °C", "2024-01-01 10:00;7,0"),
    ],
)
def test_timestamp_aliases_and_delimiters(header, row):
    frame = parse_temperature_csv(csv(header, row), tz="UTC")
    assert frame["ts"].tolist() == [utc("2024-01-01 10:00")]
    assert frame["temperature_c"].tolist() == [7.0]


def test_dates_are_daily_means_at_local_midnight_and_timestamps_are_hourly():
    frame = parse_temperature_csv(
        csv("date;temperature_c", "2024-07-01;18,5", "2024-07-01 00:00;15,0", "2024-07-01 01:00;14,5"),
        tz="Europe/London",
    )
    assert frame.to_dict("list") == {
        "ts": [utc("2024-06-30 23:00"), utc("2024-06-30 23:00"), utc("2024-07-01 00:00")],
        "temperature_c": [18.5, 15.0, 14.5],
        "resolution": ["day", "hour", "hour"],
    }


def test_the_same_day_twice_is_a_duplicate():
    with pytest.raises(InvalidRows) as caught:
        parse_temperature_csv(csv("date,temp", "2024-01-01,3", "2024-01-02,4", "2024-01-01,5"), tz="UTC")
    assert [(e.row, e.column) for e in caught.value.errors] == [(4, "date")]
    assert "duplicates line 2" in caught.value.errors[0].message


@pytest.mark.parametrize("value", ["-90", "60", "0", "-89.9", "59.99"])
def test_plausible_temperatures_are_accepted(value):
    frame = parse_temperature_csv(csv("date,temp", f"2024-01-01,{value}"), tz="UTC")
    assert frame["temperature_c"].tolist() == [float(value)]


@pytest.mark.parametrize("value", ["-90.1", "60.5", "451", "-273.15"])
def test_implausible_temperatures_are_row_errors(value):
    with pytest.raises(InvalidRows) as caught:
        parse_temperature_csv(csv("date,temp", "2024-01-01,1", f"2024-01-02,{value}"), tz="UTC")
    assert [(e.row, e.column, e.message) for e in caught.value.errors] == [
        (3, "temp", f"'{value}' °C is outside the plausible range of -90 to 60 °C.")
    ]


def test_a_fahrenheit_column_is_not_mistaken_for_celsius():
    with pytest.raises(InvalidFile, match="no temperature"):
        parse_temperature_csv(csv("date,temperature_f", "2024-01-01,50"), tz="UTC")


def test_items_take_a_timestamp_or_a_date():
    frame = parse_temperature_items(
        [
            {"date": "2024-01-02", "temperature_c": 3.5},
            {"timestamp": "2024-01-01T12:00:00+05:30", "temperature_c": 20},
        ],
        tz="Asia/Kolkata",
    )
    assert frame.to_dict("list") == {
        "ts": [utc("2024-01-01 06:30"), utc("2024-01-01 18:30")],
        "temperature_c": [20.0, 3.5],
        "resolution": ["hour", "day"],
    }


def test_item_errors_name_the_field_used():
    with pytest.raises(InvalidRows) as caught:
        parse_temperature_items(
            [
                {"date": "2024-02-30", "temperature_c": 1},
                {"timestamp": "2024-01-01T00:00Z", "date": "2024-01-01", "temperature_c": 1},
                {"temperature_c": 1},
                {"date": "2024-01-03", "temperature_c": 61},
                {"date": "2024-01-04", "temperature_c": "cold"},
            ],
            tz="UTC",
        )
    assert [(e.row, e.column, e.message) for e in caught.value.errors] == [
        (1, "date", "'2024-02-30' is not a valid date and time."),
        (2, "timestamp", "Give only one of timestamp and date."),
        (3, "timestamp", "timestamp or date is required."),
        (4, "temperature_c", "'61' °C is outside the plausible range of -90 to 60 °C."),
        (5, "temperature_c", "Expected a number, got a string."),
    ]
