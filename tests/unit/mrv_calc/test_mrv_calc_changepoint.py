import dataclasses
import itertools
import json

import numpy as np
import pytest
from statsmodels.regression.linear_model import OLS, WLS

from mrv.calc import CalcInputError, ChangePointModel, ChangePointSettings, fit_billing_periods, fit_daily

# One heating and one cooling balance point, no sufficiency minimums: small hand-checkable examples.
TINY_GRID = ChangePointSettings(
    heating_balance_points_c=(10.0,),
    cooling_balance_points_c=(25.0,),
    min_nonzero_days=0,
    min_total_degree_days=0,
)
TEMPS = [4.0, 6.0, 8.0, 12.0, 14.0]  # HDD at 10 °C = [6, 4, 2, 0, 0]; CDD at 25 °C is all zero


def test_hdd_model_by_hand():
    # y = 10 + 2·HDD + e with e = [0, 0, 0, 1, −1] (Σe = 0 and Σe·(HDD − 2.4) = 0, so OLS returns 10 and 2)
    model = fit_daily(usage_kwh=[22, 18, 14, 11, 9], temperature_c=TEMPS, settings=TINY_GRID)
    assert model.model_type == "hdd_only"
    assert model.heating_balance_point_c == 10.0 and model.cooling_balance_point_c is None
    assert model.coefficients == {"intercept": pytest.approx(10.0), "beta_hdd": pytest.approx(2.0)}
    np.testing.assert_allclose(model.residuals, [0, 0, 0, 1, -1], atol=1e-12)
    # SSR = 2; Σ(y − ȳ)² with ȳ = 14.8: 7.2² + 3.2² + 0.8² + 3.8² + 5.8² = 110.8
    # R² = 1 − 2/110.8 = 0.981949; adj R² = 1 − (2/110.8)·(5 − 1)/(5 − 2) = 0.975933
    assert model.r2 == pytest.approx(0.981949, abs=1e-6)
    assert model.adj_r2 == pytest.approx(0.975933, abs=1e-6)
    assert (model.n, model.dof, model.n_parameters) == (5, 3, 3)


def test_insignificant_slope_is_dropped_unless_p_values_are_off():
    # y = [10, 11, 9, 9, 9]: slope = Sxy/Sxx = 6.8/27.2 = 0.25, intercept = 9.6 − 0.25·2.4 = 9.0
    # SSR = 1.5, se = sqrt(1.5/3/27.2) = 0.13558, t = 1.844, two-sided p (3 dof) = 0.162 ≥ 0.1
    # R² = 1 − 1.5/3.2 = 0.53125, adj R² = 0.375 > 0 (the intercept-only model's adj R²)
    usage = [10, 11, 9, 9, 9]
    assert fit_daily(usage_kwh=usage, temperature_c=TEMPS, settings=TINY_GRID).model_type == "intercept_only"
    no_p_check = dataclasses.replace(TINY_GRID, max_p_value=None)
    model = fit_daily(usage_kwh=usage, temperature_c=TEMPS, settings=no_p_check)
    assert model.model_type == "hdd_only"
    assert model.coefficients["beta_hdd"] == pytest.approx(0.25)
    assert model.adj_r2 == pytest.approx(0.375)


def test_negative_slope_is_never_kept():
    # Use falls as it gets colder: the HDD coefficient is negative, so only the intercept model qualifies.
    no_p_check = dataclasses.replace(TINY_GRID, max_p_value=None)
    model = fit_daily(usage_kwh=[4, 8, 12, 20, 20], temperature_c=TEMPS, settings=no_p_check)
    assert model.model_type == "intercept_only"
    assert model.coefficients == {"intercept": pytest.approx(12.8)}  # the mean
    assert model.r2 == 0.0 and model.adj_r2 == 0.0


def test_billing_periods_are_weighted_by_days():
    # Usage per day 10 (1 day) and 20 (3 days): WLS intercept = (1·10 + 3·20)/4 = 17.5 (OLS would say 15)
    model = fit_billing_periods(
        period_kwh=[10, 60],
        period_days=[1, 3],
        temperature_c=[18.0] * 4,
        day_period=[0, 1, 1, 1],
        settings=TINY_GRID,
    )
    assert model.model_type == "intercept_only" and model.granularity == "billing"
    assert model.coefficients["intercept"] == pytest.approx(17.5)
    np.testing.assert_allclose(model.residuals, [-7.5, 2.5])


def test_prediction_by_hand_and_period_totals():
    model = ChangePointModel.from_dict(
        {
            "model_type": "hdd_cdd",
            "granularity": "daily",
            "n": 10,
            "dof": 7,
            "r2": 0.9,
            "adj_r2": 0.87,
            "coefficients": {"intercept": 10.0, "beta_hdd": 2.0, "beta_cdd": 3.0},
            "heating_balance_point_c": 10.0,
            "cooling_balance_point_c": 20.0,
            "residuals": [],
            "fitted": [],
        }
    )
    # 8 °C: 10 + 2·2 = 14; 15 °C: 10; 24 °C: 10 + 3·4 = 22
    np.testing.assert_allclose(model.predict(temperature_c=[8.0, 15.0, 24.0]), [14.0, 10.0, 22.0])
    # a 3-day period's total = days × (μ + β_H·mean HDD + β_C·mean CDD) = 3·(10 + 2·2/3 + 3·4/3) = 46
    assert model.predict(temperature_c=[8.0, 15.0, 24.0]).sum() == pytest.approx(46.0)


def _synthetic_daily(seed: int, n: int = 365):
    rng = np.random.default_rng(seed)
    temps = 17 + 11 * np.sin(np.linspace(0, 2 * np.pi, n)) + rng.normal(0, 3, n)
    usage = 400 + 12 * np.maximum(14 - temps, 0) + 20 * np.maximum(temps - 23, 0) + rng.normal(0, 15, n)
    return usage, temps


def _design(temps, heating, cooling, extra=()):
    columns = [np.ones(len(temps))]
    if heating is not None:
        columns.append(np.maximum(heating - temps, 0))
    if cooling is not None:
        columns.append(np.maximum(temps - cooling, 0))
    return np.column_stack(columns + list(extra))


def test_daily_selection_matches_a_brute_force_statsmodels_search():
    usage, temps = _synthetic_daily(seed=11)
    settings = ChangePointSettings(
        heating_balance_points_c=(10.0, 12.0, 14.0, 16.0), cooling_balance_points_c=(20.0, 23.0, 26.0)
    )
    model = fit_daily(usage_kwh=usage, temperature_c=temps, settings=settings)

    best = (0.0, None, None)  # intercept-only: adj R² = 0
    heating = [None, *settings.heating_balance_points_c]
    cooling = [None, *settings.cooling_balance_points_c]
    for bh, bc in itertools.product(heating, cooling):
        if bh is None and bc is None or (bh is not None and bc is not None and bh > bc):
            continue
        ols = OLS(usage, _design(temps, bh, bc)).fit()
        if np.all(ols.params[1:] > 0) and np.all(ols.pvalues[1:] < 0.1) and ols.rsquared_adj > best[0]:
            best = (ols.rsquared_adj, bh, bc)
    assert (model.heating_balance_point_c, model.cooling_balance_point_c) == best[1:]
    assert model.adj_r2 == pytest.approx(best[0], rel=1e-10)

    ols = OLS(usage, _design(temps, best[1], best[2])).fit()
    np.testing.assert_allclose(list(model.coefficients.values()), ols.params, rtol=1e-10)
    assert model.r2 == pytest.approx(ols.rsquared, rel=1e-10)
    np.testing.assert_allclose(model.residuals, ols.resid, atol=1e-8)


def test_billing_fit_matches_statsmodels_wls():
    usage, temps = _synthetic_daily(seed=5)
    edges = np.cumsum([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
    day_period = np.searchsorted(edges, np.arange(365), side="right") - 1
    period_kwh = np.bincount(day_period, weights=usage)
    period_days = np.diff(edges)
    model = fit_billing_periods(
        period_kwh=period_kwh, period_days=period_days, temperature_c=temps, day_period=day_period
    )
    assert model.model_type != "intercept_only"
    # the design of each period = mean over its days of [1, HDD, CDD] at the chosen balance points
    daily_design = _design(temps, model.heating_balance_point_c, model.cooling_balance_point_c)
    period_design = np.column_stack([np.bincount(day_period, column) for column in daily_design.T])
    period_design /= period_days[:, np.newaxis]
    wls = WLS(period_kwh / period_days, period_design, weights=period_days).fit()
    np.testing.assert_allclose(list(model.coefficients.values()), wls.params, rtol=1e-9)
    assert model.r2 == pytest.approx(wls.rsquared, rel=1e-9)
    assert model.adj_r2 == pytest.approx(wls.rsquared_adj, rel=1e-9)


def test_occupancy_term_matches_statsmodels_and_is_needed_to_predict():
    usage, temps = _synthetic_daily(seed=2)
    occupancy = np.tile([0.9, 0.9, 0.9, 0.9, 0.9, 0.2, 0.2], 53)[:365]
    usage = usage + 150 * occupancy
    model = fit_daily(usage_kwh=usage, temperature_c=temps, extra={"occupancy": occupancy})
    assert list(model.coefficients)[-1] == "beta_occupancy"
    design = _design(temps, model.heating_balance_point_c, model.cooling_balance_point_c, extra=[occupancy])
    ols = OLS(usage, design).fit()
    np.testing.assert_allclose(list(model.coefficients.values()), ols.params, rtol=1e-9)
    assert model.coefficients["beta_occupancy"] == pytest.approx(150, rel=0.1)
    with pytest.raises(CalcInputError):
        model.predict(temperature_c=temps)
    np.testing.assert_allclose(model.predict(temperature_c=temps, extra={"occupancy": occupancy}), ols.fittedvalues)


@pytest.mark.parametrize(("hot_days", "expected_type"), [(9, "intercept_only"), (10, "cdd_only")])
def test_balance_points_need_ten_days_with_degree_days(hot_days, expected_type):
    # CalTRACK 3.2.2.2.1: a balance point needs at least 10 days with degree days > 0 (daily data).
    rng = np.random.default_rng(0)
    temps = rng.uniform(18, 28, 120)
    temps[:hot_days] = 36.0  # the only days above the 30 °C cooling balance point
    usage = 400 + 30 * np.maximum(temps - 30, 0) + rng.normal(0, 5, 120)
    settings = ChangePointSettings(heating_balance_points_c=(10.0,), cooling_balance_points_c=(30.0,))
    assert fit_daily(usage_kwh=usage, temperature_c=temps, settings=settings).model_type == expected_type


def test_heating_balance_point_never_exceeds_cooling():
    usage, temps = _synthetic_daily(seed=9)
    model = fit_daily(usage_kwh=usage, temperature_c=temps)
    assert model.model_type == "hdd_cdd"
    assert model.heating_balance_point_c <= model.cooling_balance_point_c


def test_json_round_trip_predicts_the_same():
    usage, temps = _synthetic_daily(seed=1)
    model = fit_daily(usage_kwh=usage, temperature_c=temps)
    restored = ChangePointModel.from_dict(json.loads(json.dumps(model.to_dict())))
    assert restored.to_dict() == model.to_dict()
    np.testing.assert_array_equal(restored.predict(temperature_c=temps), model.predict(temperature_c=temps))


@pytest.mark.parametrize(
    "kwargs",
    [
        # the second period has no day with a temperature
        dict(period_kwh=[10, 20], period_days=[1, 1], temperature_c=[5.0], day_period=[0]),
        dict(period_kwh=[10], period_days=[0], temperature_c=[5.0], day_period=[0]),
        dict(period_kwh=[10], period_days=[1], temperature_c=[np.nan], day_period=[0]),
        dict(period_kwh=[10], period_days=[1], temperature_c=[5.0], day_period=[3]),
    ],
)
def test_bad_billing_input_is_refused(kwargs):
    with pytest.raises(CalcInputError):
        fit_billing_periods(**kwargs)


def test_occupancy_that_never_changes_cannot_be_modelled():
    usage, temps = _synthetic_daily(seed=3)
    with pytest.raises(CalcInputError, match="occupancy does not vary"):
        fit_daily(usage_kwh=usage, temperature_c=temps, extra={"occupancy": np.full(365, 0.8)})
