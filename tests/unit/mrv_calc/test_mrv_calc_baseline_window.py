"""Monthly and billing baselines over an exact window of days: a month the window cuts is prorated by days
and fitted on the window's days alone; one it holds for under half its days is left out (hand-checked)."""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from mrv.calc import (
    CalcInputError,
    historical_baseline,
    occupancy_baseline,
    weather_baseline,
    windowed_months,
)

WHOLE = {"2024-01": 3100.0, "2024-02": 2900.0, "2024-03": 3100.0, "2024-04": 3000.0}


def test_a_cut_month_is_prorated_by_days_and_a_sliver_is_left_out():
    # Jan 11-31: 21 of 31 days -> 3100 x 21/31 = 2100. Apr 1-10: 10 of 30 days, under half -> left out.
    window = windowed_months(WHOLE, first=date(2024, 1, 11), last=date(2024, 4, 10))
    assert dict(window) == {"2024-01": pytest.approx(2100.0), "2024-02": 2900.0, "2024-03": 3100.0}
    assert window.dropped == ("2024-04",)
    months = pd.PeriodIndex(["2024-01", "2024-02", "2024-03"], freq="M")
    assert window.window_days(months).tolist() == [21.0, 29.0, 31.0]
    # exactly half a month is kept: Apr 1-15 is 15 of 30 days -> 3000 x 15/30
    assert windowed_months(WHOLE, first=date(2024, 4, 1), last=date(2024, 4, 15)) == {"2024-04": 1500.0}


def test_whole_months_are_left_as_they_are():
    window = windowed_months(WHOLE, first=date(2024, 1, 1), last=date(2024, 4, 30))
    assert dict(window) == WHOLE and window.dropped == ()
    assert (
        historical_baseline(monthly_kwh=window).baseline_monthly_kwh
        == historical_baseline(monthly_kwh=WHOLE).baseline_monthly_kwh
    )


def test_a_window_of_slivers_or_backwards_is_refused():
    with pytest.raises(CalcInputError, match="holds at least 50% of the days of no month"):
        windowed_months(WHOLE, first=date(2024, 1, 25), last=date(2024, 2, 10))  # 7/31 and 10/29 days
    with pytest.raises(CalcInputError, match="ends before it starts"):
        windowed_months(WHOLE, first=date(2024, 3, 1), last=date(2024, 2, 1))


def test_historical_counts_a_cut_month_at_its_kwh_per_day():
    window = windowed_months(WHOLE, first=date(2024, 1, 11), last=date(2024, 3, 31))
    result = historical_baseline(monthly_kwh=window)
    # 2100 kWh over 21 days = 100 a day -> 3100 for January's 31 days; (3100 + 2900 + 3100) / 3 = 3033.33
    assert result.baseline_monthly_kwh == pytest.approx(9100 / 3)


def test_occupancy_reads_only_the_windows_days():
    window = windowed_months(WHOLE, first=date(2024, 1, 11), last=date(2024, 3, 31))
    days = pd.date_range("2024-01-01", "2024-03-31", freq="D")
    # Half occupied on 1-10 January, outside the window: those days must not count.
    occupancy = pd.Series(np.where(days < "2024-01-11", 0.5, 1.0), index=days)
    result = occupancy_baseline(monthly_kwh=window, daily_occupancy=occupancy)
    # (2100 + 2900 + 3100) kWh / (21 + 29 + 31) fully occupied days = 100 kWh per occupied day
    assert result.model["kwh_per_occupied_day"] == pytest.approx(100.0)


def test_the_billing_fit_takes_the_temperatures_of_the_windows_days_alone():
    """Use is 100 kWh a day + 10 kWh per °C above 20 °C. 1-10 January (outside the window) are 35 °C: read
    with the month they would add cooling to a month whose window days used none, and no fit would be exact."""
    temperatures = {"2024-01": 12.0, "2024-02": 10.0, "2024-03": 15.0, "2024-04": 24.0, "2024-05": 26.0}
    temperatures |= {"2024-06": 30.0, "2024-07": 31.0, "2024-08": 28.0}
    days = pd.date_range("2024-01-01", "2024-08-31", freq="D")
    daily_t = pd.Series([temperatures[f"{d:%Y-%m}"] for d in days], index=days)
    daily_t[days < "2024-01-11"] = 35.0
    per_day = {month: 100 + 10 * max(t - 20, 0) for month, t in temperatures.items()}
    whole = {month: per_day[month] * pd.Period(month).days_in_month for month in temperatures}
    window = windowed_months(whole, first=date(2024, 1, 11), last=date(2024, 8, 31))
    assert window["2024-01"] == pytest.approx(2100.0)  # 31 x 100 kWh, prorated to 21 days
    result = weather_baseline(monthly_kwh=window, daily_temperature_c=daily_t)
    coefficients = result.model["changepoint"]["coefficients"]
    assert result.model["changepoint"]["cooling_balance_point_c"] == 20.0
    assert coefficients["intercept"] == pytest.approx(100.0)
    assert coefficients["beta_cdd"] == pytest.approx(10.0)
    assert result.fit is not None and result.fit.cv_rmse == pytest.approx(0.0, abs=1e-9)
    # Without the window the same months read January's hot days too, and the fit is no longer exact.
    unwindowed = weather_baseline(monthly_kwh=whole, daily_temperature_c=daily_t)
    assert unwindowed.fit is not None and unwindowed.fit.cv_rmse > 0.01
