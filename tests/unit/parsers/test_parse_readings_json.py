import pandas as pd
import pytest

from metering.parsers import InvalidRows
from tests.support.parsing import parse_readings


def errors(items: list, tz: str = "UTC") -> list[tuple[int, str, str]]:
    with pytest.raises(InvalidRows) as caught:
        parse_readings(items, tz=tz)
    return [(error.row, error.column, error.message) for error in caught.value.errors]


def test_batch_becomes_a_sorted_utc_frame():
    frame = parse_readings(
        [
            {"timestamp": "2024-01-01T01:00:00", "kwh": 2},
            {"timestamp": "2024-01-01T00:00:00+05:30", "kwh": 1.5, "note": "extra fields are ignored"},
        ],
        tz="Asia/Kolkata",
    )
    assert frame["ts"].tolist() == [pd.Timestamp("2023-12-31 18:30Z"), pd.Timestamp("2023-12-31 19:30Z")]
    assert frame["kwh"].tolist() == [1.5, 2.0]
    assert str(frame["ts"].dtype) == "datetime64[ns, UTC]"


def test_single_reading_wrapped_by_the_caller():
    reading = {"building_id": "b", "timestamp": "2024-01-01T00:00:00Z", "kwh": 0}
    assert parse_readings([reading], tz="UTC")["kwh"].tolist() == [0.0]


def test_empty_batch_is_an_empty_frame():
    frame = parse_readings([], tz="UTC")
    assert frame.empty
    assert list(frame.columns) == ["ts", "kwh"]


T = "2024-01-01T00:15Z"


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ("2024-01-01T00:00Z", [("", "Expected an object with timestamp and kwh, got a string.")]),
        (["2024-01-01T00:00Z", 1], [("", "Expected an object with timestamp and kwh, got an array.")]),
        (None, [("", "Expected an object with timestamp and kwh, got null.")]),
        ({"kwh": 1}, [("timestamp", "timestamp is required.")]),
        ({"timestamp": None, "kwh": 1}, [("timestamp", "timestamp is required.")]),
        ({"timestamp": T}, [("kwh", "kwh is required.")]),
        ({}, [("timestamp", "timestamp is required."), ("kwh", "kwh is required.")]),
        ({"timestamp": 1704067200, "kwh": 1}, [("timestamp", "Expected a string, got a number.")]),
        ({"timestamp": T, "kwh": True}, [("kwh", "Expected a number, got a boolean.")]),
        ({"timestamp": T, "kwh": "1.5"}, [("kwh", "Expected a number, got a string.")]),
        ({"timestamp": T, "kwh": {"v": 1}}, [("kwh", "Expected a number, got an object.")]),
        ({"timestamp": T, "kwh": -1}, [("kwh", "'-1' is negative; kWh must be zero or more.")]),
        ({"timestamp": T, "kwh": float("nan")}, [("kwh", "'nan' is not a finite number.")]),
        ({"timestamp": T, "kwh": float("inf")}, [("kwh", "'inf' is not a finite number.")]),
        ({"timestamp": T, "kwh": 10**400}, [("kwh", f"'1{'0' * 39}…' is not a finite number.")]),
        (
            {"timestamp": "soon", "kwh": 1},
            [("timestamp", "'soon' is not a timestamp; use ISO 8601, e.g. 2024-03-31T14:45.")],
        ),
        (
            {"timestamp": "2024-01-01T00:00:00Z", "kwh": 1},
            [("timestamp", "'2024-01-01T00:00:00Z' duplicates reading 1 (same UTC instant).")],
        ),
    ],
)
def test_each_bad_item_is_reported_by_position_and_field(item, expected):
    items = [{"timestamp": "2024-01-01T00:00Z", "kwh": 1}, item, {"timestamp": "2024-01-01T00:30Z", "kwh": 1}]
    assert errors(items) == [(2, column, message) for column, message in expected]


def test_non_existent_local_time_in_a_batch():
    found = errors([{"timestamp": "2024-03-31T01:30:00", "kwh": 1}], tz="Europe/London")
    message = "'2024-03-31T01:30:00' does not exist in Europe/London: the clocks skip over it."
    assert found == [(1, "timestamp", message)]


def test_errors_of_many_items_are_counted_and_capped():
    with pytest.raises(InvalidRows) as caught:
        parse_readings([{"timestamp": "2024-01-01T00:00Z", "kwh": "x"}] * 250, tz="UTC")
    assert caught.value.total == 250 + 249  # every kwh, and every repeat of the instant
    assert len(caught.value.errors) == 100
    assert caught.value.errors[0].row == 1
