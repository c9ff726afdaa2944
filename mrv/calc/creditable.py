"""The creditable tonnes of a period, computed once and split into its vintage blocks.

A period's lower bound comes from one FSU over all its months (``savings.savings_totals``): the
savings uncertainty shrinks with the reporting length, so bounding each calendar year separately
would credit less than the period as a whole (a one-month December keeps little of its central CO2).
The bound is then allocated to the vintages (calendar years) in proportion to their central CO2:

    total   T = floor(credited tonnes × 1000)            thousandths of a tonne, rounded down
    quota   q_v = T × c_v / Σ c                          c_v = max(central CO2 of vintage v, 0)
    share   s_v = floor(q_v), then the T − Σ s_v thousandths left go one each to the vintages with
            the largest remainders q_v − floor(q_v) (ties: the earlier vintage) — Hamilton's
            largest-remainder method, so Σ s_v = T exactly
    credits of vintage v = floor(s_v / 1000)             whole tonnes, one block per vintage

The whole credits of a period are Σ floor(s_v / 1000), the number a request creates, which may be
less than floor(T / 1000): each block rounds down on its own. A vintage with no positive central CO2
gets nothing; when no vintage has any, every share is 0. Quotas are exact rationals (``Fraction``), so
floating-point rounding never moves a thousandth.
"""

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from fractions import Fraction

from mrv.calc.errors import CalcInputError
from mrv.calc.savings import MonthSavings, SavingsTotals, savings_totals
from mrv.calc.uncertainty import BaselineUncertainty

THOUSANDTH = Decimal("0.001")


@dataclass(frozen=True)
class VintageShare:
    vintage: int
    months: tuple[str, ...]
    savings_kwh: float
    co2_saved_kg: float
    co2_creditable_tons: Decimal  # three decimals; the shares of a period sum to its creditable tonnes
    credits: int  # floor(co2_creditable_tons)


@dataclass(frozen=True)
class CreditableAllocation:
    totals: SavingsTotals  # the period's central estimate and its one lower bound
    co2_creditable_tons: Decimal  # the lower bound rounded down to the thousandth; = Σ shares
    credits: int  # Σ credits of the shares
    vintages: tuple[VintageShare, ...]  # in calendar order


def largest_remainder(total: int, weights: Sequence[float]) -> list[int]:
    """``total`` whole units split in proportion to ``weights`` (negative weights count as 0), summing to
    ``total``; all zero when no weight is positive."""
    if total < 0:
        raise CalcInputError("Only a non-negative amount can be allocated.")
    clipped = [Fraction(max(float(weight), 0.0)) for weight in weights]
    whole = sum(clipped, Fraction(0))
    if whole == 0:
        return [0] * len(clipped)
    quotas = [total * weight / whole for weight in clipped]
    shares = [int(quota) for quota in quotas]
    by_remainder = sorted(range(len(quotas)), key=lambda i: (-(quotas[i] - shares[i]), i))
    for i in by_remainder[: total - sum(shares)]:
        shares[i] += 1
    return shares


def creditable_allocation(
    *, months: Sequence[MonthSavings], uncertainty: BaselineUncertainty | None, confidence: float = 0.9
) -> CreditableAllocation | None:
    """The lower bound of ``months`` taken together and its split into vintage years; None without months."""
    if not months:
        return None
    totals = savings_totals(months=months, uncertainty=uncertainty, confidence=confidence)
    if not (math.isfinite(totals.co2_saved_kg) and math.isfinite(totals.co2_credited_tons)):
        raise CalcInputError("The period's CO2 is not a finite number, so it cannot be credited.")
    by_vintage: dict[int, list[MonthSavings]] = defaultdict(list)
    for month in months:
        by_vintage[int(month.period[:4])].append(month)  # "YYYY-MM", as month_savings writes it
    vintages = sorted(by_vintage)
    central_kg = [_co2_kg(by_vintage[vintage]) for vintage in vintages]
    thousandths = int(Decimal(repr(totals.co2_credited_tons)).scaleb(3).to_integral_value(rounding=ROUND_FLOOR))
    shares = largest_remainder(thousandths, central_kg)
    allocated = tuple(
        VintageShare(
            vintage=vintage,
            months=tuple(month.period for month in by_vintage[vintage]),
            savings_kwh=float(sum(month.savings_kwh for month in by_vintage[vintage])),
            co2_saved_kg=kg,
            co2_creditable_tons=Decimal(share).scaleb(-3).quantize(THOUSANDTH),
            credits=share // 1000,
        )
        for vintage, kg, share in zip(vintages, central_kg, shares, strict=True)
    )
    return CreditableAllocation(
        totals=totals,
        co2_creditable_tons=Decimal(thousandths).scaleb(-3).quantize(THOUSANDTH),
        credits=sum(share.credits for share in allocated),
        vintages=allocated,
    )


def _co2_kg(months: Sequence[MonthSavings]) -> float:
    return float(sum(month.co2_saved_kg for month in months if month.co2_saved_kg is not None))
