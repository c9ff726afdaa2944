import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mrv.calc import CalcInputError, cooling_degree_days, daily_mean_temperature, heating_degree_days


def test_degree_days_for_one_base_by_hand():
    temps = [10.0, 15.0, 20.0]
    # HDD = max(15 − T, 0) = [5, 0, 0]; CDD = max(T − 15, 0) = [0, 0, 5]
    np.testing.assert_array_equal(heating_degree_days(temps, 15.0), [5.0, 0.0, 0.0])
    np.testing.assert_array_equal(cooling_degree_days(temps, 15.0), [0.0, 0.0, 5.0])


def test_degree_days_for_many_bases_return_days_by_bases():
    temps = [10.0, 18.0]
    # rows = days, columns = bases 15 and 20
    np.testing.assert_array_equal(heating_degree_days(temps, [15.0, 20.0]), [[5.0, 10.0], [0.0, 2.0]])
    np.testing.assert_array_equal(cooling_degree_days(temps, [15.0, 20.0]), [[0.0, 0.0], [3.0, 0.0]])


def test_missing_temperature_gives_missing_degree_days():
    assert np.isnan(heating_degree_days([np.nan], 15.0)[0])


@settings(max_examples=50, deadline=None, database=None)
@given(
    temperature=st.floats(min_value=-60, max_value=60, allow_nan=False),
    base=st.floats(min_value=-10, max_value=40, allow_nan=False),
)
def test_hdd_minus_cdd_is_base_minus_temperature(temperature, base):
    hdd = heating_degree_days([temperature], base)[0]
    cdd = cooling_degree_days([temperature], base)[0]
    assert hdd >= 0 and cdd >= 0 and min(hdd, cdd) == 0
    assert hdd - cdd == pytest.approx(base - temperature, abs=1e-9)


def test_hourly_readings_become_means_of_local_days_with_dst():
    # 2024-03-31 in Berlin has 23 hours. Each day's readings equal the day number (30, 31, 1).
    hours = pd.date_range("2024-03-30", "2024-04-02", freq="h", tz="Europe/Berlin", inclusive="left")
    temps = pd.Series(hours.day.astype(float), index=hours.tz_convert("UTC"))
    daily = daily_mean_temperature(temperature_c=temps, timezone="Europe/Berlin")
    assert list(daily.index.strftime("%Y-%m-%d")) == ["2024-03-30", "2024-03-31", "2024-04-01"]
    assert list(daily) == [30.0, 31.0, 1.0]


def test_day_needs_half_of_its_hours():
    hours = pd.date_range("2024-03-30", "2024-04-01", freq="h", tz="Europe/Berlin", inclusive="left")
    temps = pd.Series(10.0, index=hours)
    # 30 March has 24 hours: keep 12 (exactly 50 %) → kept.
    # 31 March has 23 hours: keep 11 (47.8 %) → NaN.
    march_30 = temps[temps.index.day == 30].iloc[:12]
    march_31 = temps[temps.index.day == 31].iloc[:11]
    daily = daily_mean_temperature(temperature_c=pd.concat([march_30, march_31]), timezone="Europe/Berlin")
    assert daily.iloc[0] == 10.0
    assert np.isnan(daily.iloc[1])


def test_readings_are_assigned_to_the_local_calendar_day():
    # Kolkata is UTC+5:30: 18:30 UTC on 1 January is midnight on 2 January there.
    first_day = pd.date_range("2024-01-01 00:30", periods=18, freq="h", tz="Asia/Kolkata")
    second_day = pd.date_range("2024-01-02 00:00", periods=24, freq="h", tz="Asia/Kolkata")
    temps = pd.concat([pd.Series(0.0, index=first_day), pd.Series(10.0, index=second_day)])
    daily = daily_mean_temperature(temperature_c=temps.tz_convert("UTC"), timezone="Asia/Kolkata")
    # 1 January: 18 of 24 hours present, mean 0; 2 January: all 24 hours, mean 10.
    assert daily.to_dict() == {pd.Timestamp("2024-01-01"): 0.0, pd.Timestamp("2024-01-02"): 10.0}


def test_hourly_means_weight_each_hour_once():
    # Four readings in the first hour and one in each other hour: the day's mean is the mean of hourly means.
    stamps = pd.date_range("2024-06-01 00:00", periods=4, freq="15min")
    stamps = stamps.append(pd.date_range("2024-06-01 01:00", periods=23, freq="h")).tz_localize("UTC")
    temps = pd.Series([0.0, 0.0, 0.0, 48.0] + [24.0] * 23, index=stamps)
    # hour 0 mean = 12, hours 1..23 = 24 → (12 + 23·24) / 24 = 23.5
    assert daily_mean_temperature(temperature_c=temps, timezone="UTC").iloc[0] == 23.5


def test_daily_values_keep_their_own_date_and_gaps_become_nan():
    dates = pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-04"])
    readings = pd.Series([1.0, 2.0, 4.0], index=dates)
    daily = daily_mean_temperature(temperature_c=readings, timezone="America/New_York")
    assert list(daily.index.day) == [1, 2, 3, 4]
    np.testing.assert_array_equal(daily.to_numpy(), [1.0, 2.0, np.nan, 4.0])
    utc_midnights = pd.Series([1.0, 2.0], index=pd.date_range("2024-01-01", periods=2, freq="D", tz="UTC"))
    daily = daily_mean_temperature(temperature_c=utc_midnights, timezone="America/New_York")
    assert list(daily.index.day) == [1, 2]


def test_hourly_readings_without_timezone_are_refused():
    naive = pd.Series(1.0, index=pd.date_range("2024-01-01", periods=48, freq="h"))
    with pytest.raises(CalcInputError):
        daily_mean_temperature(temperature_c=naive, timezone="UTC")
