import pytest

from mrv.calc import BaselineUncertainty, fsu, month_savings, savings_totals
from mrv.calc.errors import CalcInputError

MONTHLY = BaselineUncertainty(granularity="monthly", n=12, n_parameters=3, cv_rmse=0.05, autocorrelation=0.0)


def saving(period, *, baseline, actual, factor):
    return month_savings(
        period=period, adjusted_baseline_kwh=baseline, actual_kwh=actual, emission_factor_kg_per_kwh=factor
    )


def two_months():
    return [
        saving("2024-03", baseline=10_000, actual=8_000, factor=0.7),
        saving("2024-04", baseline=12_000, actual=9_000, factor=0.8),
    ]


def test_month_savings_by_hand():
    # 10000 − 8000 + 500 = 2500 kWh; 2500 · 0.7383 = 1845.75 kg (CEA combined margin 0.7383 t/MWh)
    month = month_savings(
        period="2024-03",
        adjusted_baseline_kwh=10_000,
        actual_kwh=8_000,
        non_routine_adjustment_kwh=500,
        emission_factor_kg_per_kwh=0.7383,
    )
    assert (month.period, month.savings_kwh) == ("2024-03", 2500.0)
    assert month.co2_saved_kg == pytest.approx(1845.75)


def test_month_without_factor_has_no_co2():
    month = saving("2024-03", baseline=10, actual=8, factor=None)
    assert month.co2_saved_kg is None
    with pytest.raises(CalcInputError):
        saving("2024-03", baseline=10, actual=8, factor=-0.1)


def test_totals_and_credited_tonnes_by_hand():
    # savings 2000 + 3000 = 5000 kWh; CO2 2000·0.7 + 3000·0.8 = 3800 kg; baseline 22000 → F = 0.2272727
    # ρ = 0 → n' = 12: (n/n')(1 + 2/12)/Q = 1.1666667/2 = 0.5833333, sqrt = 0.7637626
    # M = 2: −0.00022·4 + 0.03306·2 + 0.94054 = 1.00578;  t(0.95, 12 − 3) = 1.833113
    # FSU = 1.833113 · 1.00578 · 0.05 · 0.7637626 / 0.2272727 = 0.309794
    # credited = 3800 · (1 − 0.309794) = 2622.78 kg = 2.62278 t
    totals = savings_totals(months=two_months(), uncertainty=MONTHLY)
    assert (totals.adjusted_baseline_kwh, totals.actual_kwh, totals.savings_kwh) == (22_000, 17_000, 5_000)
    assert totals.co2_saved_kg == pytest.approx(3800.0)
    assert totals.co2_saved_tons == pytest.approx(3.8)
    assert totals.fsu == pytest.approx(0.309794, abs=1e-6)
    assert totals.co2_credited_tons == pytest.approx(2.62278, abs=1e-5)
    assert totals.uncertainty_note == "credited = lower bound at 90% confidence; savings uncertainty 31.0%"


def test_daily_baseline_counts_reporting_days():
    daily = BaselineUncertainty(granularity="daily", n=365, n_parameters=5, cv_rmse=0.2, autocorrelation=0.3)
    totals = savings_totals(months=two_months(), uncertainty=daily)
    expected = fsu(
        baseline=daily,
        reporting_baseline_kwh=22_000,
        savings_kwh=5_000,
        reporting_months=2,
        reporting_points=31 + 30,
    )
    assert totals.fsu == pytest.approx(expected)


def test_without_uncertainty_the_central_estimate_is_credited():
    totals = savings_totals(months=two_months(), uncertainty=None)
    assert totals.fsu is None and totals.co2_credited_tons == pytest.approx(3.8)
    assert totals.uncertainty_note.startswith("no savings uncertainty: the baseline has no fit statistics")


def test_negative_total_savings_credit_nothing():
    months = [saving("2024-03", baseline=8, actual=10, factor=0.5)]
    totals = savings_totals(months=months, uncertainty=MONTHLY)
    assert totals.fsu is None and totals.co2_saved_kg == -1.0 and totals.co2_credited_tons == 0.0


def test_months_without_factor_add_no_co2():
    no_factor = saving("2024-05", baseline=9, actual=1, factor=None)
    months = [*two_months(), no_factor]
    assert savings_totals(months=months, uncertainty=None).co2_saved_kg == pytest.approx(3800.0)
