import numpy as np
import pytest
from statsmodels.regression.linear_model import OLS

from mrv.calc import FitStats, fit_statistics, guideline_14_failures, passes_guideline_14


def test_statistics_by_hand():
    # residuals e = y − ŷ = [−1, 0, 1, 0]; Σe² = 2, Σe = 0, n − p = 4 − 2 = 2, ȳ = 13
    # CV(RMSE) = sqrt(2 / 2) / 13 = 0.076923; NMBE = 0 / (2·13) = 0
    # R² = 1 − 2 / Σ(y − ȳ)² = 1 − 2 / (9 + 1 + 1 + 9) = 0.9
    stats = fit_statistics(observed=[10, 12, 14, 16], predicted=[11, 12, 13, 16], n_parameters=2)
    assert (stats.n, stats.n_parameters, stats.nmbe) == (4, 2, 0.0)
    assert stats.cv_rmse == pytest.approx(1 / 13)
    assert stats.r2 == pytest.approx(0.9)


def test_bias_by_hand_and_granularity_limits():
    # e = [10, 5, 0, 5]; Σe = 20, Σe² = 150, n − p = 3, ȳ = 100
    # CV(RMSE) = sqrt(150 / 3) / 100 = 0.0707107; NMBE = 20 / (3·100) = 0.0666667
    stats = fit_statistics(observed=[100, 100, 100, 100], predicted=[90, 95, 100, 95], n_parameters=1)
    assert stats.cv_rmse == pytest.approx(0.0707107, abs=1e-7)
    assert stats.nmbe == pytest.approx(0.0666667, abs=1e-7)
    assert stats.r2 is None  # y does not vary, so R² is undefined
    assert guideline_14_failures(stats, granularity="monthly") == [
        "NMBE of 6.7% is outside the ±5% limit of ASHRAE Guideline 14 for monthly data"
    ]
    assert passes_guideline_14(stats, granularity="daily")
    assert passes_guideline_14(stats, granularity="hourly")


@pytest.mark.parametrize(
    ("granularity", "cv_rmse", "nmbe", "passes"),
    [
        ("monthly", 0.15, 0.05, True),
        ("monthly", 0.15, -0.05, True),
        ("monthly", 0.1501, 0.0, False),
        ("monthly", 0.10, 0.0501, False),
        ("daily", 0.30, -0.10, True),
        ("daily", 0.3001, 0.0, False),
        ("hourly", 0.20, -0.1001, False),
    ],
)
def test_guideline_14_limits_are_inclusive(granularity, cv_rmse, nmbe, passes):
    stats = FitStats(n=24, n_parameters=3, r2=0.9, cv_rmse=cv_rmse, nmbe=nmbe)
    assert passes_guideline_14(stats, granularity=granularity) is passes


def test_too_few_points_cannot_pass():
    stats = fit_statistics(observed=[10, 12], predicted=[11, 11], n_parameters=2)
    assert stats.cv_rmse is None and stats.nmbe is None
    assert guideline_14_failures(stats, granularity="monthly") == [
        "too few data points (2) to measure the accuracy of 2 parameters"
    ]


def test_matches_statsmodels_ols():
    rng = np.random.default_rng(7)
    x = rng.uniform(0, 10, 40)
    y = 50 + 3 * x + rng.normal(0, 4, 40)
    ols = OLS(y, _with_intercept(x)).fit()
    stats = fit_statistics(observed=y, predicted=ols.fittedvalues, n_parameters=2)
    assert stats.r2 == pytest.approx(ols.rsquared, rel=1e-12)
    # statsmodels' mse_resid = SSR / (n − k), the same n − p denominator
    assert stats.cv_rmse == pytest.approx(np.sqrt(ols.mse_resid) / y.mean(), rel=1e-12)
    assert stats.nmbe == pytest.approx(0.0, abs=1e-12)  # OLS with an intercept has Σe = 0


def test_to_dict_is_the_api_fit_object():
    stats = FitStats(n=12, n_parameters=3, r2=0.8, cv_rmse=0.1, nmbe=0.01)
    assert stats.to_dict() == {"r2": 0.8, "cv_rmse": 0.1, "nmbe": 0.01, "n": 12}


def _with_intercept(columns):
    columns = np.asarray(columns, dtype=float)
    return np.column_stack([np.ones(len(columns)), columns])


def test_the_verdict_on_a_stored_fit_names_its_limits_and_failures():
    from mrv.calc import guideline_14_verdict

    monthly = guideline_14_verdict(
        fit={"n": 12, "r2": 0.9, "cv_rmse": 0.16, "nmbe": 0.01}, granularity="monthly", method="weather", n_parameters=3
    )
    assert (monthly["applies"], monthly["passes"]) == (True, False)
    assert (monthly["max_cv_rmse"], monthly["max_nmbe"]) == (0.15, 0.05)
    assert monthly["failures"] == ["CV(RMSE) of 16.0% is above the 15% limit of ASHRAE Guideline 14 for monthly data"]
    daily = guideline_14_verdict(
        fit={"n": 365, "r2": 0.9, "cv_rmse": 0.16, "nmbe": 0.01}, granularity="daily", method="weather", n_parameters=3
    )
    assert daily["passes"] is True and daily["verdict"] == "Meets ASHRAE Guideline 14"
    static = guideline_14_verdict(
        fit={"n": 0, "r2": None, "cv_rmse": None, "nmbe": None}, granularity=None, method="static", n_parameters=None
    )
    assert static["applies"] is False and static["passes"] is None
