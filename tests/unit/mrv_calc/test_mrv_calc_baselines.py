import json

import numpy as np
import pandas as pd
import pytest

from mrv.calc import (
    CalcInputError,
    ChangePointModel,
    adjusted_baseline_kwh,
    calculate_baseline,
    historical_baseline,
    occupancy_baseline,
    regression_baseline,
    static_baseline,
    weather_baseline,
)
from mrv.calc.adjusted_baseline import adjusted_baselines_kwh

SEED_MONTHS = {"2024-01": 38000, "2024-02": 41000}


def temperatures(seed: int = 0, start: str = "2023-01-01", end: str = "2023-12-31") -> pd.Series:
    days = pd.date_range(start, end, freq="D")
    rng = np.random.default_rng(seed)
    seasonal = 17 - 10 * np.cos(2 * np.pi * days.dayofyear / 365)
    return pd.Series(seasonal + rng.normal(0, 3, len(days)), index=days)


def daily_use(temps: pd.Series, seed: int = 1, occupancy: pd.Series | None = None) -> pd.Series:
    rng = np.random.default_rng(seed)
    t = temps.to_numpy()
    use = 500 + 25 * np.maximum(15 - t, 0) + 40 * np.maximum(t - 22, 0) + rng.normal(0, 20, len(t))
    if occupancy is not None:
        use = use + 300 * occupancy.to_numpy()
    return pd.Series(use, index=temps.index)


def by_month(daily: pd.Series) -> pd.Series:
    return daily.groupby(daily.index.to_period("M")).sum()


def test_seed_example_is_the_historical_mean():
    result = calculate_baseline(monthly_kwh=SEED_MONTHS)
    assert result.method == "historical"
    assert result.baseline_monthly_kwh == 39500
    assert "no temperature data was given, so no weather model was tried" in result.method_reason
    # residuals ±1500: CV(RMSE) = sqrt((1500² + 1500²)/(2 − 1)) / 39500 = 2121.32 / 39500 = 0.053704
    assert result.fit_dict() == {"r2": 0.0, "cv_rmse": pytest.approx(0.053704, abs=1e-6), "nmbe": 0.0, "n": 2}
    assert result.valid
    assert result.normalization == {"weather": False, "occupancy": False}
    assert "based on 2 month(s); 12 are recommended" in result.warnings
    assert result.adjusted_baseline_kwh(month="2024-07") == 39500
    assert json.loads(json.dumps(result.model))["baseline_monthly_kwh"] == 39500


def test_historical_uses_the_latest_12_months():
    months = {f"2023-{m:02d}": 1000.0 for m in range(1, 13)} | {"2022-12": 99_000.0}
    result = historical_baseline(monthly_kwh=pd.Series(months))
    assert result.baseline_monthly_kwh == 1000.0
    assert result.model["months"][0] == "2023-01"
    assert "used the latest 12 of the 13 months given" in result.warnings


def test_one_month_is_not_a_valid_baseline():
    result = historical_baseline(monthly_kwh={"2024-01": 38000})
    assert result.baseline_monthly_kwh == 38000 and not result.valid
    assert result.uncertainty is None
    assert any("too few data points (1)" in warning for warning in result.warnings)


def test_static_baseline():
    result = calculate_baseline(method="static", static_kwh=5000)
    assert (result.method, result.baseline_monthly_kwh, result.valid) == ("static", 5000.0, True)
    assert result.fit_dict() == {"r2": None, "cv_rmse": None, "nmbe": None, "n": 0}
    assert result.uncertainty is None
    assert adjusted_baseline_kwh(model=result.model, month="2025-01") == 5000.0


def test_occupancy_baseline_by_hand():
    # January: 31 days fully occupied, 3100 kWh; February 2024: 29 days at 50 %, 1450 kWh.
    # occupied days 31 + 14.5 = 45.5; rate = 4550 / 45.5 = 100 kWh per occupied day; both months fit exactly.
    occupancy = pd.Series(
        [1.0] * 31 + [0.5] * 29, index=pd.date_range("2024-01-01", "2024-02-29", freq="D"), name="occ"
    )
    result = occupancy_baseline(monthly_kwh={"2024-01": 3100, "2024-02": 1450}, daily_occupancy=occupancy)
    assert result.model["kwh_per_occupied_day"] == pytest.approx(100.0)
    assert result.baseline_monthly_kwh == 2275.0
    assert result.fit.cv_rmse == pytest.approx(0.0, abs=1e-12)
    assert result.normalization == {"weather": False, "occupancy": True}
    # April at 80 % every day: 100 · 0.8 · 30 = 2400 kWh
    april = pd.Series(0.8, index=pd.date_range("2024-04-01", "2024-04-30", freq="D"))
    assert result.adjusted_baseline_kwh(month="2024-04", daily_occupancy=april) == pytest.approx(2400.0)


def test_weather_baseline_reproduces_its_months_and_adjusts_by_hand():
    temps = temperatures()
    monthly = by_month(daily_use(temps))
    result = weather_baseline(monthly_kwh=monthly, daily_temperature_c=temps)
    assert result.valid and result.method == "weather"
    assert result.normalization == {"weather": True, "occupancy": False}
    model = result.model["changepoint"]
    assert model["model_type"] == "hdd_cdd"
    # Under its own weather each baseline month gets its fitted value; WLS with days as weights keeps
    # Σ fitted = Σ observed, so the mean adjusted month equals baseline_monthly_kwh.
    adjusted = [result.adjusted_baseline_kwh(month=m, daily_temperature_c=temps) for m in monthly.index]
    assert np.mean(adjusted) == pytest.approx(result.baseline_monthly_kwh, rel=1e-10)
    # A 30-day month at a constant 5 °C: 30 · (μ + β_H · (T_H − 5))
    cold = pd.Series(5.0, index=pd.date_range("2024-11-01", "2024-11-30", freq="D"))
    coefficients, heating = model["coefficients"], model["heating_balance_point_c"]
    expected = 30 * (coefficients["intercept"] + coefficients["beta_hdd"] * (heating - 5.0))
    assert result.adjusted_baseline_kwh(month="2024-11", daily_temperature_c=cold) == pytest.approx(expected)


def test_reporting_month_needs_90_percent_of_its_temperatures():
    temps = temperatures()
    result = weather_baseline(monthly_kwh=by_month(daily_use(temps)), daily_temperature_c=temps)
    november = pd.Series(np.arange(30.0), index=pd.date_range("2024-11-01", "2024-11-30", freq="D"))
    # 27 of 30 days (90 %): the 3 missing days take the mean of the other 27 days' predictions.
    kept = november.iloc[3:]
    daily = ChangePointModel.from_dict(result.model["changepoint"]).predict(temperature_c=kept.to_numpy())
    adjusted = result.adjusted_baseline_kwh(month="2024-11", daily_temperature_c=kept)
    assert adjusted == pytest.approx(daily.mean() * 30)
    with pytest.raises(CalcInputError, match=r"2024-11 \(87%\)"):
        result.adjusted_baseline_kwh(month="2024-11", daily_temperature_c=november.iloc[4:])


def test_many_months_at_once_match_one_month_at_a_time_and_keep_gaps_apart():
    temps = temperatures()
    result = weather_baseline(monthly_kwh=by_month(daily_use(temps)), daily_temperature_c=temps)
    months = [pd.Period(m, "M") for m in ("2023-02", "2023-05", "2023-08")]
    gappy = temps.drop(pd.date_range("2023-05-01", "2023-05-10", freq="D"), errors="ignore")
    batch = adjusted_baselines_kwh(model=result.model, months=months, daily_temperature_c=gappy)
    for month in (months[0], months[2]):
        assert batch[month] == pytest.approx(result.adjusted_baseline_kwh(month=month, daily_temperature_c=gappy))
    assert isinstance(batch[months[1]], CalcInputError)
    assert "2023-05 (68%)" in str(batch[months[1]])  # 21 of 31 days


def test_weather_baseline_on_daily_data_uses_daily_statistics():
    temps = temperatures()
    daily = daily_use(temps)
    result = weather_baseline(monthly_kwh=by_month(daily), daily_temperature_c=temps, daily_kwh=daily)
    assert result.model["granularity"] == "daily" and result.fit.n == 365
    assert result.uncertainty.granularity == "daily"
    changepoint = result.model["changepoint"]
    assert (changepoint["heating_balance_point_c"], changepoint["cooling_balance_point_c"]) == (15.0, 22.0)


def test_weather_baseline_refuses_months_without_temperatures():
    temps = temperatures()
    monthly = by_month(daily_use(temps))
    with pytest.raises(CalcInputError, match=r"2023-03 \(0%\)"):
        weather_baseline(monthly_kwh=monthly, daily_temperature_c=temps[temps.index.month != 3])


def test_regression_baseline_models_occupancy():
    temps = temperatures()
    occupancy = pd.Series(np.where(temps.index.month <= 6, 0.9, 0.5), index=temps.index)
    monthly = by_month(daily_use(temps, occupancy=occupancy))
    result = regression_baseline(monthly_kwh=monthly, daily_temperature_c=temps, daily_occupancy=occupancy)
    assert result.normalization == {"weather": True, "occupancy": True}
    assert result.model["changepoint"]["coefficients"]["beta_occupancy"] == pytest.approx(300, rel=0.2)
    with pytest.raises(CalcInputError, match="needs the month's daily occupancy"):
        result.adjusted_baseline_kwh(month="2024-01", daily_temperature_c=temps)


def test_calculate_baseline_records_why_the_method_was_chosen():
    temps = temperatures()
    result = calculate_baseline(monthly_kwh=by_month(daily_use(temps)), daily_temperature_c=temps)
    assert result.method == "weather" and result.method_reason.startswith("weather (temperature) has the lowest")
    requested = calculate_baseline(method="historical", monthly_kwh=by_month(daily_use(temps)))
    assert requested.method_reason == "requested"
    assert [c.method for c in requested.candidates] == ["historical"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(method="static"), "needs static_kwh"),
        (dict(method="weather", monthly_kwh=SEED_MONTHS), "needs daily temperatures"),
        (dict(method="magic", monthly_kwh=SEED_MONTHS), "Unknown baseline method"),
        (dict(method="historical"), "Monthly energy use is needed"),
        (dict(monthly_kwh={"2024-01": -5.0}), "finite number of kWh"),
        (dict(monthly_kwh={"January": 5.0}), "YYYY-MM"),
        (dict(method="static", static_kwh=float("nan")), "finite number of kWh"),
    ],
)
def test_bad_requests_are_explained(kwargs, message):
    with pytest.raises(CalcInputError, match=message):
        calculate_baseline(**kwargs)


def test_static_baseline_function_matches_dispatch():
    assert static_baseline(static_kwh=10.0) == calculate_baseline(method="static", static_kwh=10.0)
