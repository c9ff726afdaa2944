"""Time zones and clock changes, with every expected UTC instant worked out by hand from the tz rules."""

import numpy as np
import pandas as pd
import pytest

from metering.parsers import InvalidRows
from metering.parsers.demo_series import to_csv_bytes
from metering.parsers.errors import RowErrors
from metering.parsers.timestamps import parse_timestamps
from tests.support.parsing import parse_meter_csv, parse_readings


def parse(*stamps: str, tz: str) -> list[pd.Timestamp]:
    rows = [f"{stamp},1" for stamp in stamps]
    return parse_meter_csv(("timestamp,kwh\n" + "\n".join(rows)).encode(), tz=tz)["ts"].tolist()


def errors(*stamps: str, tz: str) -> list[tuple[int, str]]:
    with pytest.raises(InvalidRows) as caught:
        parse(*stamps, tz=tz)
    return [(error.row, error.message) for error in caught.value.errors]


def utc(*stamps: str) -> list[pd.Timestamp]:
    return [pd.Timestamp(stamp, tz="UTC") for stamp in stamps]


def test_new_york_spring_forward_15_minute_data():
    # 2024-03-10: 02:00 EST (UTC-5) becomes 03:00 EDT (UTC-4).
    stamps = ["2024-03-10 01:30", "2024-03-10 01:45", "2024-03-10 03:00", "2024-03-10 03:15"]
    assert parse(*stamps, tz="America/New_York") == utc(
        "2024-03-10 06:30", "2024-03-10 06:45", "2024-03-10 07:00", "2024-03-10 07:15"
    )


def test_new_york_fall_back_15_minute_data_is_resolved_by_row_order():
    # 2024-11-03: 02:00 EDT (UTC-4) becomes 01:00 EST (UTC-5); 01:00-01:59 happens twice.
    repeated = ["01:00", "01:15", "01:30", "01:45"]
    stamps = [f"2024-11-03 {time}" for time in ["00:45", *repeated, *repeated, "02:00"]]
    assert parse(*stamps, tz="America/New_York") == utc(
        "2024-11-03 04:45",
        "2024-11-03 05:00",
        "2024-11-03 05:15",
        "2024-11-03 05:30",
        "2024-11-03 05:45",
        "2024-11-03 06:00",
        "2024-11-03 06:15",
        "2024-11-03 06:30",
        "2024-11-03 06:45",
        "2024-11-03 07:00",
    )


def test_london_spring_forward_15_minute_data():
    # 2024-03-31: 01:00 GMT (UTC+0) becomes 02:00 BST (UTC+1).
    stamps = ["2024-03-31 00:30", "2024-03-31 00:45", "2024-03-31 02:00", "2024-03-31 02:15"]
    assert parse(*stamps, tz="Europe/London") == utc(
        "2024-03-31 00:30", "2024-03-31 00:45", "2024-03-31 01:00", "2024-03-31 01:15"
    )


def test_london_fall_back_15_minute_data_is_resolved_by_row_order():
    # 2024-10-27: 02:00 BST (UTC+1) becomes 01:00 GMT (UTC+0); 01:00-01:59 happens twice.
    repeated = ["01:00", "01:15", "01:30", "01:45"]
    stamps = [f"2024-10-27 {time}" for time in ["00:45", *repeated, *repeated, "02:00"]]
    assert parse(*stamps, tz="Europe/London") == utc(
        "2024-10-26 23:45",
        "2024-10-27 00:00",
        "2024-10-27 00:15",
        "2024-10-27 00:30",
        "2024-10-27 00:45",
        "2024-10-27 01:00",
        "2024-10-27 01:15",
        "2024-10-27 01:30",
        "2024-10-27 01:45",
        "2024-10-27 02:00",
    )


def test_hourly_fall_back_with_the_repeated_hour_listed_twice():
    stamps = ["2024-11-03 00:00", "2024-11-03 01:00", "2024-11-03 01:00", "2024-11-03 02:00"]
    assert parse(*stamps, tz="America/New_York") == utc(
        "2024-11-03 04:00", "2024-11-03 05:00", "2024-11-03 06:00", "2024-11-03 07:00"
    )


def test_fall_back_rows_given_out_of_order_elsewhere_in_the_file_still_resolve():
    stamps = ["2024-11-03 02:00", "2024-11-03 01:30", "2024-11-03 01:30", "2024-11-02 12:00"]
    assert parse(*stamps, tz="America/New_York") == utc(
        "2024-11-02 16:00", "2024-11-03 05:30", "2024-11-03 06:30", "2024-11-03 07:00"
    )


@pytest.mark.parametrize(
    ("tz", "start", "end", "hours"),
    [
        ("America/New_York", "2024-03-07", "2024-03-14", 7 * 24 - 1),
        ("America/New_York", "2024-10-31", "2024-11-07", 7 * 24 + 1),
        ("Europe/London", "2024-03-28", "2024-04-04", 7 * 24 - 1),
        ("Europe/London", "2024-10-24", "2024-10-31", 7 * 24 + 1),
    ],
)
def test_a_week_of_naive_local_15_minute_data_round_trips_through_a_clock_change(tz, start, end, hours):
    ts = pd.date_range(start, end, freq="15min", inclusive="left", tz=tz).tz_convert("UTC")
    frame = pd.DataFrame({"ts": ts, "kwh": np.arange(len(ts)) % 7 / 4})
    parsed = parse_meter_csv(to_csv_bytes(frame, tz=tz), tz=tz)
    assert len(parsed) == hours * 4
    pd.testing.assert_frame_equal(parsed, frame)


def test_non_existent_local_time_is_an_error():
    assert errors("2024-03-10 01:45", "2024-03-10 02:30", "2024-03-10 03:00", tz="America/New_York") == [
        (3, "'2024-03-10 02:30' does not exist in America/New_York: the clocks skip over it.")
    ]


def test_repeated_hour_seen_once_is_ambiguous():
    found = errors("2024-10-27 00:45", "2024-10-27 01:30", "2024-10-27 02:00", tz="Europe/London")
    assert [row for row, _ in found] == [3]
    assert found[0][1].startswith("'2024-10-27 01:30' is ambiguous in Europe/London")


def test_repeated_hour_going_back_more_than_once_is_ambiguous():
    stamps = ["2024-11-03 01:00", "2024-11-03 01:00", "2024-11-03 01:00"]
    assert [row for row, _ in errors(*stamps, tz="America/New_York")] == [2, 3, 4]


def test_offsets_make_the_instant_exact_whatever_the_timezone():
    stamps = [
        "2024-11-03T01:30:00-04:00",
        "2024-11-03T01:30-05:00",
        "2024-11-03T12:00:00Z",
        "2024-11-03 18:00+0530",
    ]
    assert parse(*stamps, tz="Europe/London") == utc(
        "2024-11-03 05:30", "2024-11-03 06:30", "2024-11-03 12:00", "2024-11-03 12:30"
    )


def test_kolkata_naive_times_are_five_and_a_half_hours_ahead():
    assert parse("2024-01-01 00:00", "2024-01-01T05:30:00", "2024-07-01 12:15:30", tz="Asia/Kolkata") == utc(
        "2023-12-31 18:30", "2024-01-01 00:00", "2024-07-01 06:45:30"
    )


def test_fractional_seconds_are_kept():
    assert parse("2024-01-01T00:00:00.250Z", tz="UTC") == utc("2024-01-01 00:00:00.25")


def test_a_date_alone_is_local_midnight():
    expected = utc("2024-06-30 23:00", "2024-12-01 00:00")
    assert parse("2024-07-01", "2024-12-01", tz="Europe/London") == expected


def test_a_date_whose_midnight_is_skipped_is_the_first_instant_of_that_day():
    # Havana moved its clocks from 00:00 to 01:00 on 2024-03-10.
    assert parse("2024-03-10", tz="America/Havana") == utc("2024-03-10 05:00")


def test_day_first_slashed_dates_are_settled_by_a_day_above_12():
    stamps = ["01/02/2024 00:00", "13/02/2024 9:15", "28/02/2024"]
    assert parse(*stamps, tz="UTC") == utc("2024-02-01 00:00", "2024-02-13 09:15", "2024-02-28 00:00")


def test_month_first_slashed_dates_are_settled_by_a_day_above_12():
    stamps = ["01/02/2024 00:00", "02/13/2024 09:15:30"]
    assert parse(*stamps, tz="UTC") == utc("2024-01-02 00:00", "2024-02-13 09:15:30")


def test_slashed_dates_that_could_be_either_order_are_errors_in_a_json_batch():
    # A file is refused once instead (test_date_order.py); a batch has no one to choose, so each row says it.
    items = [{"timestamp": stamp, "kwh": 1} for stamp in ("01/02/2024 00:00", "02/03/2024 00:00", "2024-03-01 00:00")]
    with pytest.raises(InvalidRows) as caught:
        parse_readings(items, tz="UTC")
    found = [(error.row, error.message) for error in caught.value.errors]
    assert [row for row, _ in found] == [1, 2]
    assert "could be day/month or month/day" in found[0][1]


def test_slashed_dates_disagreeing_on_the_order_are_errors_in_a_json_batch():
    items = [{"timestamp": stamp, "kwh": 1} for stamp in ("13/01/2024", "01/13/2024")]
    with pytest.raises(InvalidRows) as caught:
        parse_readings(items, tz="UTC")
    assert [error.row for error in caught.value.errors] == [1, 2]


def test_date_only_flag_and_missing_values():
    values = pd.Series(["2024-01-01", "2024-01-01 10:00", None, "2024-01-01T10:00Z"], dtype=object)
    collected = RowErrors(np.arange(1, 5), noun="reading")
    instants = parse_timestamps(values, tz="UTC", column="timestamp", errors=collected)
    collected.raise_if_any()
    assert instants.date_only.tolist() == [True, False, False, False]
    assert instants.ts.isna().tolist() == [False, False, True, False]
