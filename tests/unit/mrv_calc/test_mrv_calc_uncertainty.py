import dataclasses

import numpy as np
import pytest
from scipy import stats
from statsmodels.tsa.stattools import acf

from mrv.calc import BaselineUncertainty, CalcInputError, fsu, lag1_autocorrelation, savings_lower_bound

MONTHLY = BaselineUncertainty(granularity="monthly", n=12, n_parameters=3, cv_rmse=0.10, autocorrelation=0.2)


def test_t_value_used_by_hand_checks():
    assert stats.t.ppf(0.95, 9) == pytest.approx(1.833113, abs=1e-6)


def test_monthly_fsu_by_hand():
    # n' = 12·(1 − 0.2)/(1 + 0.2) = 8;  (n/n')·(1 + 2/n')/Q = 1.5 · 1.25 / 12 = 0.15625; sqrt = 0.3952847
    # M = 12: a·M² + b·M + d = −0.00022·144 + 0.03306·12 + 0.94054 = 1.30558
    # t(two-sided 90 %, n − p = 9) = 1.833113;  F = 24000 / 120000 = 0.2
    # FSU = 1.833113 · 1.30558 · 0.10 · 0.3952847 / 0.2 = 0.473013
    result = fsu(
        baseline=MONTHLY,
        reporting_baseline_kwh=120_000,
        savings_kwh=24_000,
        reporting_months=12,
        reporting_points=12,
    )
    assert result == pytest.approx(0.473013, abs=1e-6)
    # credited = 24000 · (1 − 0.473013) = 12647.7
    assert savings_lower_bound(24_000, result) == pytest.approx(12_647.7, abs=0.1)


def test_daily_fsu_by_hand():
    # n = 365, p = 5, ρ = 0.5: n' = 365·0.5/1.5 = 121.6667; (n/n')(1 + 2/n')/Q = 3 · 1.016438 / 31 = 0.0983650
    # sqrt = 0.3136320; M = 1: −0.00024 + 0.03535 + 1.00286 = 1.03797; t(0.95, 360) = 1.649097
    # F = 3000 / 30000 = 0.1: FSU = 1.649097 · 1.03797 · 0.20 · 0.3136320 / 0.1 = 1.073700
    daily = BaselineUncertainty(granularity="daily", n=365, n_parameters=5, cv_rmse=0.20, autocorrelation=0.5)
    result = fsu(
        baseline=daily,
        reporting_baseline_kwh=30_000,
        savings_kwh=3_000,
        reporting_months=1,
        reporting_points=31,
    )
    assert result == pytest.approx(1.073700, abs=1e-5)
    assert savings_lower_bound(3_000, result) == 0.0  # more uncertain than the savings: nothing credited


def test_negative_autocorrelation_counts_as_none():
    kwargs = dict(reporting_baseline_kwh=120_000, savings_kwh=24_000, reporting_months=12)
    kwargs["reporting_points"] = 12
    negative = dataclasses.replace(MONTHLY, autocorrelation=-0.4)
    zero = dataclasses.replace(MONTHLY, autocorrelation=0.0)
    assert fsu(baseline=negative, **kwargs) == fsu(baseline=zero, **kwargs)


@pytest.mark.parametrize(
    ("savings", "baseline", "n", "rho"),
    [(0.0, 1000.0, 12, 0.2), (-5.0, 1000.0, 12, 0.2), (100.0, 1000.0, 3, 0.2), (100.0, 1000.0, 12, 1.0)],
)
def test_fsu_is_none_when_it_cannot_be_computed(savings, baseline, n, rho):
    model = BaselineUncertainty(granularity="monthly", n=n, n_parameters=3, cv_rmse=0.1, autocorrelation=rho)
    result = fsu(
        baseline=model,
        reporting_baseline_kwh=baseline,
        savings_kwh=savings,
        reporting_months=1,
        reporting_points=1,
    )
    assert result is None


def test_fsu_refuses_unknown_granularity_and_confidence():
    hourly = dataclasses.replace(MONTHLY, granularity="hourly")
    kwargs = dict(reporting_baseline_kwh=1000, savings_kwh=100, reporting_months=1, reporting_points=1)
    with pytest.raises(CalcInputError):
        fsu(baseline=hourly, **kwargs)
    with pytest.raises(CalcInputError):
        fsu(baseline=MONTHLY, confidence=1.0, **kwargs)


def test_higher_confidence_widens_the_band():
    kwargs = dict(baseline=MONTHLY, reporting_baseline_kwh=120_000, savings_kwh=24_000)
    narrow = fsu(**kwargs, reporting_months=12, reporting_points=12, confidence=0.8)
    wide = fsu(**kwargs, reporting_months=12, reporting_points=12, confidence=0.95)
    assert narrow < fsu(**kwargs, reporting_months=12, reporting_points=12) < wide


def test_lag1_autocorrelation_by_hand():
    # [1, −1, 1, −1]: mean 0, Σe² = 4, Σ e_t·e_{t−1} = 3·(−1) → −0.75
    assert lag1_autocorrelation([1, -1, 1, -1]) == pytest.approx(-0.75)
    # [1, 2, 3, 4] centred [−1.5, −0.5, 0.5, 1.5]: Σ = 5, products 0.75 − 0.25 + 0.75 = 1.25 → 0.25
    assert lag1_autocorrelation([1, 2, 3, 4]) == pytest.approx(0.25)
    assert lag1_autocorrelation([3, 3, 3]) == 0.0


def test_lag1_autocorrelation_matches_statsmodels_acf():
    residuals = np.random.default_rng(3).normal(size=50).cumsum()
    assert lag1_autocorrelation(residuals) == pytest.approx(acf(residuals, nlags=1)[1], rel=1e-12)


def test_lower_bound_is_clipped_at_zero():
    assert savings_lower_bound(1000.0, 0.25) == 750.0
    assert savings_lower_bound(1000.0, 1.3) == 0.0


def test_round_trip_through_dict():
    assert BaselineUncertainty.from_dict(MONTHLY.to_dict()) == MONTHLY
