import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mrv.calc import CalcInputError, assess_month, infer_interval

BERLIN = "Europe/Berlin"


def quarter_hours(month: str, tz: str = BERLIN) -> pd.Series:
    start = pd.Period(month, freq="M").start_time
    stamps = pd.date_range(start, start + pd.offsets.MonthBegin(1), freq="15min", tz=tz, inclusive="left")
    return pd.Series(1.0, index=stamps.tz_convert("UTC"))


@pytest.mark.parametrize(
    ("month", "expected"),
    [
        ("2024-11", 30 * 96),  # no DST change
        ("2024-03", 31 * 96 - 4),  # clocks go forward: 31 days minus one hour
        ("2024-10", 31 * 96 + 4),  # clocks go back: 31 days plus one hour
    ],
)
def test_fifteen_minute_meter_expected_count_follows_dst(month, expected):
    quality = assess_month(readings=quarter_hours(month), month=month, timezone=BERLIN)
    assert (quality.expected_count, quality.present_count, quality.label) == (expected, expected, "OK")
    assert quality.total_kwh == expected * 1.0 and quality.missing_pct == 0.0
    assert quality.interval == pd.Timedelta(minutes=15)


def test_repeated_autumn_hour_counts_twice():
    readings = quarter_hours("2024-10")
    # The second 02:00–03:00 local hour on 27 October is 01:00–02:00 UTC; drop its 4 readings.
    second_pass = (readings.index >= "2024-10-27 01:00Z") & (readings.index < "2024-10-27 02:00Z")
    quality = assess_month(readings=readings[~second_pass], month="2024-10", timezone=BERLIN)
    assert quality.present_count == 2980 - 4
    assert quality.missing_pct == pytest.approx(100 * 4 / 2980)
    assert quality.label == "INTERPOLATED"
    assert quality.total_kwh == 2980.0  # the gap is filled back to 1 kWh per quarter hour


@pytest.mark.parametrize(
    ("missing", "label"),
    [
        (0, "OK"),
        (1, "INTERPOLATED"),
        (144, "INTERPOLATED"),
        (145, "FLAGGED"),
        (576, "FLAGGED"),
        (577, "REJECTED"),
    ],
)
def test_band_boundaries_exactly_5_and_20_percent(missing, label):
    # November has 2880 quarter hours: 5 % = 144 and 20 % = 576 missing.
    readings = quarter_hours("2024-11")
    readings = readings.drop(readings.index[1000 : 1000 + missing])
    quality = assess_month(readings=readings, month="2024-11", timezone=BERLIN)
    assert quality.label == label
    assert quality.missing_pct == pytest.approx(100 * missing / 2880)


def test_daily_meter_counts_local_days_across_dst():
    days = pd.date_range("2024-03-01", periods=31, freq="D", tz=BERLIN)
    readings = pd.Series(5.0, index=days.tz_convert("UTC"))
    quality = assess_month(readings=readings, month="2024-03", timezone=BERLIN)
    assert (quality.expected_count, quality.label, quality.total_kwh) == (31, "OK", 155.0)


def test_flagged_month_total_is_filled_and_rejected_is_measured():
    readings = quarter_hours("2024-11")
    flagged = assess_month(readings=readings.drop(readings.index[:300]), month="2024-11", timezone=BERLIN)
    assert flagged.label == "FLAGGED" and flagged.total_kwh == 2880.0 and flagged.measured_kwh == 2580.0
    rejected = assess_month(
        readings=readings.iloc[::2], month="2024-11", timezone=BERLIN, interval=pd.Timedelta("15min")
    )
    assert rejected.label == "REJECTED" and rejected.missing_pct == 50.0 and rejected.total_kwh == 1440.0


def test_interval_is_the_modal_spacing_and_other_months_are_ignored():
    readings = pd.concat([quarter_hours("2024-10"), quarter_hours("2024-11")])
    readings = readings.drop(readings.index[5:9])  # one 75-minute gap does not change the mode
    assert infer_interval(readings.index) == pd.Timedelta(minutes=15)
    quality = assess_month(readings=readings, month="2024-11", timezone=BERLIN)
    assert (quality.label, quality.total_kwh) == ("OK", 2880.0)


def test_empty_month_is_rejected():
    quality = assess_month(readings=quarter_hours("2024-10"), month="2024-11", timezone=BERLIN)
    assert (quality.label, quality.missing_pct, quality.total_kwh) == ("REJECTED", 100.0, 0.0)


def test_naive_timestamps_are_refused():
    naive = pd.Series(1.0, index=pd.date_range("2024-11-01", periods=10, freq="h"))
    with pytest.raises(CalcInputError):
        assess_month(readings=naive, month="2024-11", timezone=BERLIN)


@settings(max_examples=30, deadline=None, database=None)
@given(dropped=st.sets(st.integers(min_value=0, max_value=29), max_size=30))
def test_missing_share_and_band_for_any_dropped_days(dropped):
    days = pd.date_range("2024-06-01", periods=30, freq="D", tz="UTC")
    readings = pd.Series(1.0, index=days).drop(days[sorted(dropped)])
    quality = assess_month(readings=readings, month="2024-06", timezone="UTC", interval=pd.Timedelta(days=1))
    share = len(dropped) / 30
    assert quality.missing_pct == pytest.approx(100 * share)
    if not dropped:
        expected = "OK"
    elif share <= 0.05:
        expected = "INTERPOLATED"
    else:
        expected = "FLAGGED" if share <= 0.2 else "REJECTED"
    assert quality.label == expected
