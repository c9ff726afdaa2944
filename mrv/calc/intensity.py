"""Energy use intensity and the share of the adjusted baseline a period saved.

    EUI (kWh/sq ft) = kWh / floor area in sq ft
    EUI (kWh/m²)    = kWh / (floor area in sq ft / 10.7639)       since 1 m² = 10.7639 sq ft
    saved share     = savings kWh / adjusted baseline kWh          (0.2 = 20 % below the baseline)

An EUI needs a positive floor area; a saved share needs a positive baseline. Without them the answer is None.
"""

from dataclasses import dataclass

SQFT_PER_M2 = 10.7639


@dataclass(frozen=True)
class Intensity:
    kwh_per_sqft: float
    kwh_per_m2: float


def energy_use_intensity(*, kwh: float | None, area_sqft: float | None) -> Intensity | None:
    if kwh is None or area_sqft is None or not area_sqft > 0:
        return None
    per_sqft = kwh / area_sqft
    return Intensity(kwh_per_sqft=per_sqft, kwh_per_m2=per_sqft * SQFT_PER_M2)


def saved_share(*, savings_kwh: float | None, adjusted_baseline_kwh: float | None) -> float | None:
    if savings_kwh is None or adjusted_baseline_kwh is None or not adjusted_baseline_kwh > 0:
        return None
    return savings_kwh / adjusted_baseline_kwh
