"""One lower bound per period, split into vintage blocks by central CO2 (hand-checked)."""

from decimal import Decimal

import pytest

from mrv.calc import BaselineUncertainty, creditable_allocation, largest_remainder, month_savings, savings_totals
from mrv.calc.errors import CalcInputError

MONTHLY = BaselineUncertainty(granularity="monthly", n=12, n_parameters=3, cv_rmse=0.05, autocorrelation=0.0)


def saving(period, *, kwh, factor, baseline=10_000.0):
    return month_savings(
        period=period, adjusted_baseline_kwh=baseline, actual_kwh=baseline - kwh, emission_factor_kg_per_kwh=factor
    )


@pytest.mark.parametrize(
    ("total", "weights", "shares"),
    [
        (10, [1, 1, 1], [4, 3, 3]),  # 3⅓ each: the one left over goes to the earliest of equal remainders
        (7, [0.5, 0.25, 0.25], [3, 2, 2]),  # 3.5, 1.75, 1.75 → 3, 1, 1 and the two left to the .75s
        (5, [0, 2, 3], [0, 2, 3]),
        (5, [-1, 1], [0, 5]),  # a negative weight counts as nothing
        (5, [0, 0], [0, 0]),
        (0, [1, 2], [0, 0]),
        (1, [1e-300, 1e300], [0, 1]),
    ],
)
def test_largest_remainder_by_hand(total, weights, shares):
    assert largest_remainder(total, weights) == shares


def test_largest_remainder_refuses_a_negative_total():
    with pytest.raises(CalcInputError):
        largest_remainder(-1, [1.0])


def test_one_vintage_keeps_the_whole_bound():
    # 2000 kWh · 0.7 + 3000 kWh · 0.8 = 3800 kg; the same months' FSU credits 2.62278 t (test_mrv_calc_savings)
    months = [saving("2024-03", kwh=2000, factor=0.7), saving("2024-04", kwh=3000, factor=0.8, baseline=12_000)]
    allocation = creditable_allocation(months=months, uncertainty=MONTHLY)
    assert allocation.totals == savings_totals(months=months, uncertainty=MONTHLY)
    assert allocation.co2_creditable_tons == Decimal("2.622") and allocation.credits == 2
    (share,) = allocation.vintages
    assert (share.vintage, share.months, share.co2_saved_kg, share.savings_kwh) == (
        2024,
        ("2024-03", "2024-04"),
        3800.0,
        5000.0,
    )
    assert (share.co2_creditable_tons, share.credits) == (Decimal("2.622"), 2)


def test_two_vintages_share_one_bound_in_proportion_to_central_co2():
    # The same two months across a year end: one FSU for both (2.62278 t → 2622 thousandths), split 1400 : 2400 kg.
    # Quotas 2622·1400/3800 = 965.968…, 2622·2400/3800 = 1656.031… → 965 + 1656 = 2621; the one left goes to
    # the larger remainder (.968) → 0.966 t and 1.656 t; whole credits 0 + 1.
    months = [saving("2024-12", kwh=2000, factor=0.7), saving("2025-01", kwh=3000, factor=0.8, baseline=12_000)]
    allocation = creditable_allocation(months=months, uncertainty=MONTHLY)
    assert [(s.vintage, s.co2_creditable_tons, s.credits) for s in allocation.vintages] == [
        (2024, Decimal("0.966"), 0),
        (2025, Decimal("1.656"), 1),
    ]
    assert sum(s.co2_creditable_tons for s in allocation.vintages) == allocation.co2_creditable_tons == Decimal("2.622")
    assert allocation.credits == 1  # what the blocks would hold, not floor(2.622) = 2
    # bounding each year on its own credits less: each one-month FSU is wider
    separately = sum(savings_totals(months=[m], uncertainty=MONTHLY).co2_credited_tons for m in months)
    assert separately < 2.622


def test_three_vintages_round_on_thousandths_and_sum_exactly():
    # 1000.5 kg each, no uncertainty: 3.0015 t → 3001 thousandths; quotas 1000⅓ each → 1001, 1000, 1000.
    months = [saving(p, kwh=1000.5, factor=1.0) for p in ("2023-12", "2024-06", "2025-01")]
    allocation = creditable_allocation(months=months, uncertainty=None)
    assert [s.co2_creditable_tons for s in allocation.vintages] == [
        Decimal("1.001"),
        Decimal("1.000"),
        Decimal("1.000"),
    ]
    assert [s.credits for s in allocation.vintages] == [1, 1, 1]
    assert allocation.co2_creditable_tons == Decimal("3.001") and allocation.credits == 3


def test_a_vintage_without_central_co2_gets_nothing():
    months = [saving("2024-12", kwh=2000, factor=0.0), saving("2025-01", kwh=3000, factor=0.8)]
    allocation = creditable_allocation(months=months, uncertainty=None)
    assert [(s.co2_saved_kg, s.co2_creditable_tons, s.credits) for s in allocation.vintages] == [
        (0.0, Decimal("0.000"), 0),
        (2400.0, Decimal("2.400"), 2),
    ]


def test_no_months_no_allocation_and_a_period_without_co2_credits_nothing():
    assert creditable_allocation(months=[], uncertainty=MONTHLY) is None
    months = [saving("2024-12", kwh=2000, factor=0.0), saving("2025-01", kwh=3000, factor=0.0)]
    allocation = creditable_allocation(months=months, uncertainty=None)
    assert allocation.co2_creditable_tons == Decimal("0.000") and allocation.credits == 0
    assert [s.co2_creditable_tons for s in allocation.vintages] == [Decimal("0.000")] * 2


def test_a_period_whose_co2_is_not_finite_is_refused():
    with pytest.raises(CalcInputError):
        creditable_allocation(months=[saving("2024-12", kwh=float("inf"), factor=1.0)], uncertainty=None)
