"""Bounds from physics and the calendar, checked by the pure parsers (hand-checked numbers)."""

import numpy as np
import pandas as pd
import pytest

from metering.parsers import (
    MAX_READING_KWH,
    InvalidRows,
    PowerCeiling,
    parse_meter_csv,
    parse_readings,
    parse_temperature_csv,
    parse_temperature_items,
)
from metering.parsers.plausibility import interval_hours

NOW = pd.Timestamp("2026-06-01T00:00Z")
# 1,000 sq ft at 25 W per sq ft: at most 25 kW.
SMALL = PowerCeiling(area_sqft=1000, max_w_per_sqft=25, interval=None)
ROOMY = PowerCeiling(area_sqft=1e9, max_w_per_sqft=1000, interval=None)


def errors(items: list, *, power: PowerCeiling = SMALL, tz: str = "UTC") -> list[tuple[int, str, str]]:
    with pytest.raises(InvalidRows) as caught:
        parse_readings(items, tz=tz, latest=NOW, power=power)
    return [(error.row, error.column, error.message) for error in caught.value.errors]


def instants(*stamps: str) -> np.ndarray:
    return pd.DatetimeIndex(stamps).to_numpy(dtype="datetime64[ns]")


def test_a_readings_interval_runs_to_the_next_reading_and_the_last_takes_the_spacing_before_it():
    hours = interval_hours(instants("2026-01-01 00:00", "2026-01-01 00:15", "2026-01-01 01:15"), lone=pd.Timedelta(0))
    assert hours.tolist() == [0.25, 1.0, 1.0]


def test_a_reading_alone_takes_the_interval_it_is_given():
    assert interval_hours(instants("2026-01-01"), lone=pd.Timedelta(minutes=30)).tolist() == [0.5]


def test_no_interval_is_taken_as_longer_than_31_days():
    hours = interval_hours(instants("2016-01-01", "2026-01-01"), lone=pd.Timedelta(0))
    assert hours.tolist() == [744.0, 744.0]


def test_power_above_the_ceiling_is_a_row_error_naming_the_implied_kw_and_the_ceiling():
    # 10 kWh in 15 min = 40 kW > 25; 20 kWh in 1 h = 20 kW; the last, 30 kWh, takes the 1 h before it: 30 kW > 25.
    readings = [
        {"timestamp": "2026-01-01T01:15Z", "kwh": 30},
        {"timestamp": "2026-01-01T00:00Z", "kwh": 10},
        {"timestamp": "2026-01-01T00:15Z", "kwh": 20},
    ]
    ceiling = "at most 25 kW (25 W per sq ft × 1,000 sq ft)"
    assert errors(readings) == [
        (1, "kwh", f"'30' kWh in 1 hour is an average of 30 kW, more than this building can draw: {ceiling}."),
        (2, "kwh", f"'10' kWh in 15 minutes is an average of 40 kW, more than this building can draw: {ceiling}."),
    ]


def test_power_at_the_ceiling_is_accepted():
    frame = parse_readings(
        [{"timestamp": "2026-01-01T00:00Z", "kwh": 6.25}, {"timestamp": "2026-01-01T00:15Z", "kwh": 6.25}],
        tz="UTC",
        latest=NOW,
        power=SMALL,
    )
    assert frame["kwh"].tolist() == [6.25, 6.25]  # 6.25 kWh in 15 minutes = 25 kW


def test_a_reading_alone_takes_the_buildings_stored_interval():
    daily = PowerCeiling(area_sqft=1000, max_w_per_sqft=25, interval=pd.Timedelta(days=1))
    reading = [{"timestamp": "2026-01-01T00:00Z", "kwh": 600}]  # 25 kW over a day
    assert parse_readings(reading, tz="UTC", latest=NOW, power=daily)["kwh"].tolist() == [600.0]
    # Without a stored interval the same reading is taken as 15 minutes: 2,400 kW.
    assert errors(reading)[0][2].startswith("'600' kWh in 15 minutes is an average of 2,400 kW")


def test_a_reading_alone_dated_by_a_day_is_a_days_use():
    assert parse_readings([{"timestamp": "2026-01-01", "kwh": 600}], tz="UTC", latest=NOW, power=SMALL)[
        "kwh"
    ].tolist() == [600.0]
    assert errors([{"timestamp": "2026-01-01", "kwh": 601}])[0][2].startswith(
        "'601' kWh in 1 day is an average of 25 kW"
    )


def test_sparse_readings_cannot_hide_a_month_of_energy_behind_a_gap_of_years():
    # 31 days at 25 kW is 18,600 kWh; ten years later is still judged over 31 days.
    assert errors([{"timestamp": "2016-01-01", "kwh": 18_601}, {"timestamp": "2026-01-01", "kwh": 0}]) == [
        (
            1,
            "kwh",
            "'18601' kWh in 31 days is an average of 25 kW, more than this building can draw: at most 25 kW "
            "(25 W per sq ft × 1,000 sq ft).",
        )
    ]


def test_csv_rows_are_named_by_their_line_in_the_file():
    data = b"timestamp,kwh\n2026-01-01 00:15,1\n2026-01-01 00:00,7\n2026-01-01 00:30,1\n"
    with pytest.raises(InvalidRows) as caught:
        parse_meter_csv(data, tz="UTC", latest=NOW, power=SMALL)
    assert [(e.row, e.column) for e in caught.value.errors] == [(3, "kwh")]  # 7 kWh in 15 min = 28 kW


@pytest.mark.parametrize("kwh", [1e15, 1.7e308, MAX_READING_KWH * 1.000001, 10**400])
def test_a_kwh_beyond_any_meter_reading_is_a_row_error(kwh):
    (row,) = errors([{"timestamp": "2026-01-01", "kwh": kwh}], power=ROOMY)
    assert row[:2] == (1, "kwh")
    assert "more than any meter reading can be" in row[2] or "not a finite number" in row[2]


@pytest.mark.parametrize("kwh", ["1e15", "1.7e308", "1E+300"])
def test_a_csv_kwh_beyond_any_meter_reading_is_a_row_error(kwh):
    data = f"timestamp,kwh\n2026-01-01,{kwh}\n2026-01-02,{kwh}\n".encode()
    with pytest.raises(InvalidRows) as caught:
        parse_meter_csv(data, tz="UTC", latest=NOW, power=ROOMY)
    assert [(e.row, e.column) for e in caught.value.errors] == [(2, "kwh"), (3, "kwh")]
    assert "at most 1,000,000,000 kWh" in caught.value.errors[0].message


def test_the_largest_reading_a_meter_can_hold_is_accepted():
    frame = parse_readings([{"timestamp": "2026-01-01", "kwh": MAX_READING_KWH}], tz="UTC", latest=NOW, power=ROOMY)
    assert frame["kwh"].tolist() == [MAX_READING_KWH]


def test_a_reading_later_than_latest_is_a_row_error_and_one_at_latest_is_not():
    latest = pd.Timestamp("2026-06-01T00:05Z")
    at = [{"timestamp": "2026-06-01T05:35:00+05:30", "kwh": 0}]
    assert len(parse_readings(at, tz="UTC", latest=latest, power=SMALL)) == 1
    with pytest.raises(InvalidRows) as caught:
        parse_readings([{"timestamp": "2026-06-01T05:35:01", "kwh": 0}], tz="Asia/Kolkata", latest=latest, power=SMALL)
    (error,) = caught.value.errors
    assert (error.row, error.column) == (1, "timestamp")
    assert error.message == (
        "'2026-06-01T05:35:01' is in the future: nothing later than 2026-06-01 05:35 (Asia/Kolkata) is accepted now."
    )


def test_future_temperatures_are_row_errors_in_json_and_csv():
    with pytest.raises(InvalidRows) as caught:
        parse_temperature_items(
            [{"date": "2026-05-31", "temperature_c": 20}, {"date": "2026-06-02", "temperature_c": 21}],
            tz="UTC",
            latest=NOW,
        )
    assert [(e.row, e.column) for e in caught.value.errors] == [(2, "date")]
    with pytest.raises(InvalidRows) as caught:
        parse_temperature_csv(b"timestamp,temp\n2026-05-31 23:00,20\n2027-01-01 00:00,21\n", tz="UTC", latest=NOW)
    assert [(e.row, e.column) for e in caught.value.errors] == [(3, "timestamp")]


@pytest.mark.parametrize("value", [-90, 60])
def test_the_extreme_plausible_temperatures_are_accepted(value):
    frame = parse_temperature_items([{"date": "2026-05-31", "temperature_c": value}], tz="UTC", latest=NOW)
    assert frame["temperature_c"].tolist() == [value]


def test_the_stored_interval_is_looked_up_for_a_reading_alone_and_only_then():
    asked = []

    def find_interval():
        asked.append(True)
        return pd.Timedelta(hours=1)

    lazy = PowerCeiling(area_sqft=1000, max_w_per_sqft=25, interval=None, find_interval=find_interval)
    # 20 kWh over the stored hour is 20 kW (fine); over the 15 minutes guessed without it, 80 kW would be refused.
    parse_readings([{"timestamp": "2026-01-01T00:00Z", "kwh": 20}], tz="UTC", latest=NOW, power=lazy)
    assert asked == [True]
    two = [{"timestamp": "2026-01-01T00:00Z", "kwh": 5}, {"timestamp": "2026-01-01T01:00Z", "kwh": 5}]
    parse_readings(two, tz="UTC", latest=NOW, power=lazy)
    assert asked == [True]
