"""Slashed dates in a file: the sender's day-first / month-first choice, and one answer when nothing settles it."""

import pandas as pd
import pytest

from metering.parsers import DAY_FIRST, MONTH_FIRST, AmbiguousDates, InvalidRows
from tests.support.parsing import parse_meter_csv, parse_temperature_csv


def csv(*stamps: str) -> bytes:
    return ("timestamp,kwh\n" + "".join(f"{stamp},1\n" for stamp in stamps)).encode()


def refusal(data: bytes) -> AmbiguousDates:
    with pytest.raises(AmbiguousDates) as caught:
        parse_meter_csv(data, tz="Europe/London")
    return caught.value


def test_03_04_2025_day_first_is_the_3rd_of_april_and_month_first_the_4th_of_march():
    # Europe/London is on BST (UTC+1) from 30 March 2025, on GMT before: 3 April 00:00 BST = 2 April 23:00 UTC.
    day_first = parse_meter_csv(csv("03/04/2025 00:00"), tz="Europe/London", date_order=DAY_FIRST)
    month_first = parse_meter_csv(csv("03/04/2025 00:00"), tz="Europe/London", date_order=MONTH_FIRST)
    assert day_first["ts"].tolist() == [pd.Timestamp("2025-04-02 23:00", tz="UTC")]
    assert month_first["ts"].tolist() == [pd.Timestamp("2025-03-04 00:00", tz="UTC")]


def test_a_file_whose_days_are_all_12_or_less_is_refused_once_with_one_row_read_both_ways():
    stamps = [f"{day:02d}/04/2025 00:00" for day in range(1, 13)] * 10  # 120 rows, every one ambiguous
    error = refusal(csv(*stamps))
    assert error.code == "ambiguous_dates"
    assert error.message.startswith(
        "Line 2 has '01/04/2025 00:00', which is 1 April 2025 read day-first or 4 January 2025 read month-first"
    )
    assert error.examples == [
        {
            "row": 2,
            "value": "01/04/2025 00:00",
            "day_first": "2025-04-01T00:00:00",
            "month_first": "2025-01-04T00:00:00",
        }
    ]


def test_a_file_mixing_both_orders_is_refused_once_naming_a_row_of_each():
    # 02/03/2025 reads both ways, but the file is settled both ways, which is what the answer says.
    error = refusal(csv("2025-01-01 00:00", "02/03/2025", "13/01/2025", "01/14/2025"))
    assert error.message.startswith("The dates are written both ways: ")
    assert "line 4 has '13/01/2025', which can only be day-first (13 January 2025)" in error.message
    assert "line 5 has '01/14/2025', which can only be month-first (14 January 2025)" in error.message
    assert [example["row"] for example in error.examples] == [4, 5]
    assert error.examples[0]["month_first"] is None and error.examples[1]["day_first"] is None


def test_a_day_above_12_settles_the_order_without_asking():
    frame = parse_meter_csv(csv("01/02/2025 00:00", "13/02/2025 00:00"), tz="UTC")
    assert frame["ts"].tolist() == [pd.Timestamp("2025-02-01", tz="UTC"), pd.Timestamp("2025-02-13", tz="UTC")]


def test_with_a_chosen_order_a_value_written_the_other_way_is_a_row_error():
    with pytest.raises(InvalidRows) as caught:
        parse_meter_csv(csv("13/01/2025", "01/14/2025", "31/02/2025"), tz="UTC", date_order=DAY_FIRST)
    assert [(e.row, e.message) for e in caught.value.errors] == [
        (3, "'01/14/2025' is not a date in the day-first (DD/MM/YYYY) order."),
        (4, "'31/02/2025' is not a valid date and time."),
    ]


def test_the_choice_overrides_what_the_file_would_settle():
    # 13/02 settles day-first; the sender said month-first, so it is the bad row, not a guess.
    with pytest.raises(InvalidRows) as caught:
        parse_meter_csv(csv("01/02/2025", "13/02/2025"), tz="UTC", date_order=MONTH_FIRST)
    assert [e.row for e in caught.value.errors] == [3]


def test_dates_invalid_in_both_orders_are_row_errors_not_a_question():
    with pytest.raises(InvalidRows) as caught:
        parse_meter_csv(csv("31/31/2025", "2025-01-01"), tz="UTC")
    assert [e.row for e in caught.value.errors] == [2]


def test_a_temperature_file_takes_the_choice_too():
    data = b"date,temperature_c\n03/04/2025,11.5\n04/04/2025,12\n"
    with pytest.raises(AmbiguousDates):
        parse_temperature_csv(data, tz="UTC")
    frame = parse_temperature_csv(data, tz="UTC", date_order=DAY_FIRST)
    assert frame["ts"].tolist() == [pd.Timestamp("2025-04-03", tz="UTC"), pd.Timestamp("2025-04-04", tz="UTC")]
    assert frame["resolution"].tolist() == ["day", "day"]
