"""Day types with public holidays, the leave-one-month-out criterion and the chooser, checked by hand."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from mrv.calc import (
    CalcInputError,
    Candidate,
    calculate_baseline,
    choose_candidate,
    day_type_columns,
    historical_baseline,
    holiday_country,
    leave_one_month_out,
)
from mrv.calc.daytypes import weekend_days


def test_holiday_country_is_the_grid_regions_country_when_the_package_knows_it():
    assert holiday_country("IN") == "IN"
    assert holiday_country("US-CAMX") == "US"
    assert holiday_country("XX-GRID") is None


def test_weekday_weekend_split_counts_holidays_as_non_working():
    # 2024-01-26 is India's Republic Day (a Friday); 2024-01-27/28 the weekend.
    dates = pd.date_range("2024-01-25", "2024-01-29", freq="D")
    india = day_type_columns(dates, scheme="weekday_weekend", country="IN")
    assert india == {"non_working": pytest.approx([0, 1, 1, 1, 0])}
    nowhere = day_type_columns(dates, scheme="weekday_weekend", country=None)
    assert nowhere == {"non_working": pytest.approx([0, 0, 1, 1, 0])}


def test_per_weekday_columns_make_a_holiday_its_own_day_type():
    dates = pd.date_range("2024-01-22", "2024-01-28", freq="D")  # Monday to Sunday, Friday the 26th a holiday
    columns = day_type_columns(dates, scheme="day_of_week", country="IN")
    assert list(columns) == ["tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "holiday"]
    assert columns["friday"].tolist() == [0, 0, 0, 0, 0, 0, 0]  # the only Friday is a holiday
    assert columns["holiday"].tolist() == [0, 0, 0, 0, 1, 0, 0]
    assert columns["tuesday"].tolist() == [0, 1, 0, 0, 0, 0, 0]
    # Monday is the intercept's day: no column is 1 on it
    assert sum(column[0] for column in columns.values()) == 0
    assert weekend_days("IN") == {5, 6}
    with pytest.raises(CalcInputError, match="Unknown day-type scheme"):
        day_type_columns(dates, scheme="lunar", country=None)


def test_leave_one_month_out_by_hand():
    # Three one-day "months" of a constant model: y = 10, 20, 30. Holding out each, the mean of the others
    # predicts it: 25, 20, 15. Errors −15, 0, +15: RMSE = sqrt((225 + 0 + 225) / 3) = sqrt(150) = 12.247;
    # mean month 20 → CV(RMSE) = 0.61237.
    cv = leave_one_month_out(design=np.ones((3, 1)), usage_per_day=[10, 20, 30], weights=[1, 1, 1], month=[0, 1, 2])
    assert cv == pytest.approx(np.sqrt(150) / 20)


def test_leave_one_month_out_weighs_days_and_sums_months():
    # Month a: two days of 10 kWh; month b: one day of 40 kWh, as billing rows (usage per day, days).
    # Holding out a: the b row alone gives 40/day → a predicted 80 (observed 20); holding out b: 10/day → b
    # predicted 10 (observed 40). Errors −60, +30: RMSE = sqrt((3600 + 900) / 2) = 47.434; mean month 30.
    cv = leave_one_month_out(design=np.ones((2, 1)), usage_per_day=[10, 40], weights=[2, 1], month=["a", "b"])
    assert cv == pytest.approx(np.sqrt(2250) / 30)


def test_a_line_through_the_data_predicts_each_held_out_month_exactly():
    x = np.arange(6.0)
    design = np.column_stack([np.ones(6), x])
    cv = leave_one_month_out(design=design, usage_per_day=3 + 2 * x, weights=np.ones(6), month=[0, 0, 1, 1, 2, 2])
    assert cv == pytest.approx(0.0, abs=1e-12)
    assert leave_one_month_out(design=design, usage_per_day=3 + 2 * x, weights=np.ones(6), month=[0] * 6) is None


def test_historical_out_of_sample_error_by_hand():
    # 38 000 and 41 000: each month predicted by the other; errors ±3 000 → RMSE 3 000, mean 39 500.
    result = historical_baseline(monthly_kwh={"2024-01": 38000, "2024-02": 41000})
    assert result.oos_cv_rmse == pytest.approx(3000 / 39500)


def _candidate(method: str, oos: float | None, *, valid: bool = True, cv: float = 0.1) -> Candidate:
    base = historical_baseline(monthly_kwh={"2024-01": 38000, "2024-02": 41000})
    result = replace(base, method=method, valid=valid, fit=replace(base.fit, cv_rmse=cv))
    return Candidate(method=method, terms=("t",), granularity="daily", result=result, oos_cv_rmse=oos)


def test_the_chooser_takes_the_lowest_out_of_sample_error_among_guideline_14_passes():
    weather, daytype, regression = (
        _candidate("weather", 0.05),
        _candidate("daytype", 0.01, valid=False),
        _candidate("regression", 0.02),
    )
    winner, because = choose_candidate([weather, daytype, regression])
    assert winner is regression  # daytype is lower but fails Guideline 14
    assert because.startswith("regression (t) has the lowest out-of-sample error (2.0% CV(RMSE) of monthly totals")
    assert "next best weather at 5.0%" in because and "the 2 of 3 candidates that meet ASHRAE Guideline 14" in because


def test_the_chooser_falls_back_when_none_passes_and_when_errors_are_missing():
    winner, because = choose_candidate(
        [_candidate("weather", 0.05, valid=False), _candidate("daytype", 0.03, valid=False)]
    )
    assert winner.method == "daytype" and "none of which meets ASHRAE Guideline 14" in because
    # without an out-of-sample error a candidate ranks after every one that has it, then by in-sample CV(RMSE)
    winner, _ = choose_candidate([_candidate("weather", None, cv=0.01), _candidate("daytype", 0.2)])
    assert winner.method == "daytype"
    winner, because = choose_candidate([_candidate("weather", None, cv=0.3), _candidate("daytype", None, cv=0.2)])
    assert winner.method == "daytype" and "too few months" in because
    # ties go to the simpler (first listed) candidate
    assert choose_candidate([_candidate("weather", 0.02), _candidate("daytype", 0.02)])[0].method == "weather"
    with pytest.raises(CalcInputError):
        choose_candidate([])


def test_a_requested_method_is_its_own_single_candidate_and_the_api_row_has_every_field():
    result = calculate_baseline(method="historical", monthly_kwh={"2024-01": 38000, "2024-02": 41000})
    (row,) = [candidate.as_dict() for candidate in result.candidates]
    assert row == {
        "method": "historical",
        "terms": ["mean of the baseline months"],
        "granularity": "monthly",
        "r2": 0.0,
        "cv_rmse": pytest.approx(0.053704, abs=1e-6),
        "nmbe": 0.0,
        "oos_cv_rmse": pytest.approx(3000 / 39500),
        "g14_pass": True,
    }
    with pytest.raises(CalcInputError, match="daytype method needs daily kWh"):
        calculate_baseline(method="daytype", monthly_kwh={"2024-01": 1.0}, daily_temperature_c=pd.Series(dtype=float))
