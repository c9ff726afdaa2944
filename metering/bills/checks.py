"""A bill's kWh checked against its building and its meter, so a misread or mistyped figure is seen before it
becomes billing data.

- Floor area. The bill's kWh over its days is an average power. Above the building's power ceiling per sq ft
  of floor area (Building.power_ceiling_w_per_sqft, which its meter readings are held to too) no building of its
  size can draw it. Below MIN_POWER_W_PER_SQFT — a tenth of what an empty building's standby loads (alarms, controls,
  ventilation) draw — a positive figure is most likely digits lost in reading ("38 450" read as 38). 0 kWh is
  taken as stated: the supply was off.
- Meter. The meter's kWh over the same local days: each reading's kWh prorated by the share of its interval that
  falls inside them, so daily or monthly readings count by the day. It is compared only when readings cover at
  least METER_COVERAGE of the bill's time, the rest filled at the covered time's average — as MRV fills a
  month with up to 5 % missing. A difference of more than BILL_METER_TOLERANCE_PCT of the meter's figure flags
  the bill (README: utility and building meters disagree by a few percent; misreads by far more).

A flagged bill can still be confirmed, with an explicit acknowledgement (services.bill_confirm). Whatever a bill
says, a month with meter readings keeps using the meter in MRV (mrv.inputs); `months_on_meter` names them.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
from django.conf import settings

from buildings.models import Building

from ..readings.selectors import meter_interval, meter_series
from .models import EARLIEST_BILL_DATE, MAX_BILL_DAYS, AreaCheck, MeterCheck, UtilityBill

MIN_POWER_W_PER_SQFT = 0.01
METER_COVERAGE = 0.95
_LAST_DAY = (pd.Timestamp.max - pd.Timedelta(days=2)).date()  # pandas holds no instant after 2262-04-11


@dataclass(frozen=True)
class BillCheck:
    kwh: float
    area: AreaCheck
    area_min_kwh: float
    area_max_kwh: float
    meter: MeterCheck
    meter_kwh: float | None  # None unless the meter covers the bill's days
    meter_coverage_pct: float
    meter_tolerance_pct: float

    @property
    def flagged(self) -> bool:
        return self.area != AreaCheck.OK or self.meter == MeterCheck.MISMATCH

    @property
    def difference_pct(self) -> float | None:
        """The bill's kWh above (+) or below (−) the meter's, in percent of the meter's; None without a meter
        figure, or when the meter's is 0."""
        if self.meter_kwh is None or self.meter_kwh == 0:
            return None
        return (self.kwh - self.meter_kwh) / self.meter_kwh * 100

    def fields(self) -> dict[str, Any]:
        """The bill's fields that keep this check."""
        return {
            "checked_kwh": self.kwh,
            "area_check": self.area,
            "area_min_kwh": self.area_min_kwh,
            "area_max_kwh": self.area_max_kwh,
            "meter_check": self.meter,
            "meter_kwh": self.meter_kwh,
            "meter_coverage_pct": self.meter_coverage_pct,
            "meter_tolerance_pct": self.meter_tolerance_pct,
        }

    def sentences(self) -> dict[str, str]:
        """What each check found, in words for the owner and the verifier."""
        bill = f"The bill's {_kwh(self.kwh)}"
        area = {
            AreaCheck.OK: f"{bill} is plausible for the building's floor area.",
            AreaCheck.ABOVE_CEILING: f"{bill} is more than the building's floor area can draw in the bill's days: "
            f"at most {_kwh(self.area_max_kwh)} at its power ceiling.",
            AreaCheck.BELOW_FLOOR: f"{bill} is implausibly little for the building's floor area: even an empty "
            f"building uses about {_kwh(self.area_min_kwh)} in the bill's days. Check for lost digits.",
        }[self.area]
        difference = self.difference_pct
        meter = {
            MeterCheck.OK: f"{bill} agrees with the meter's {_kwh(self.meter_kwh)} over the same days "
            f"(within {self.meter_tolerance_pct:g} %).",
            MeterCheck.MISMATCH: f"{bill} differs from the meter's {_kwh(self.meter_kwh)} over the same days"
            + (f" by {abs(difference):,.1f} %" if difference is not None else "")
            + f", more than the {self.meter_tolerance_pct:g} % allowed.",
            MeterCheck.NOT_COVERED: "The meter's readings cover "
            f"{self.meter_coverage_pct:.0f} % of the bill's days, too few to compare with the bill.",
        }[self.meter]
        return {"floor_area": area, "meter": meter}

    def problems(self) -> list[str]:
        said = self.sentences()
        return [
            said[name]
            for name, bad in (("floor_area", self.area != AreaCheck.OK), ("meter", self.meter == MeterCheck.MISMATCH))
            if bad
        ]


def stored_check(bill: UtilityBill) -> BillCheck | None:
    """The check kept on the bill, or None when its figures were never checked."""
    kwh, least, most = bill.checked_kwh, bill.area_min_kwh, bill.area_max_kwh
    coverage, tolerance = bill.meter_coverage_pct, bill.meter_tolerance_pct
    if kwh is None or least is None or most is None or coverage is None or tolerance is None:
        return None
    return BillCheck(
        kwh=kwh,
        area=AreaCheck(bill.area_check),
        area_min_kwh=least,
        area_max_kwh=most,
        meter=MeterCheck(bill.meter_check),
        meter_kwh=bill.meter_kwh,
        meter_coverage_pct=coverage,
        meter_tolerance_pct=tolerance,
    )


def checkable(first: date, last: date) -> bool:
    """A period a bill may cover, in the dates the checks can judge (a misread year can be anything)."""
    return EARLIEST_BILL_DATE <= first <= last <= _LAST_DAY and (last - first).days < MAX_BILL_DAYS


def bill_check(*, building: Building, kwh: float, period_start: date, period_end: date) -> BillCheck:
    start, end = local_days(period_start, period_end, building.timezone)
    interval = meter_interval(building=building, before=end)
    readings = meter_series(building=building, start=start - interval, end=end) if interval else pd.Series(dtype=float)
    meter_kwh, covered = prorated(readings, interval=interval or pd.Timedelta(0), start=start, end=end)
    return judged(
        kwh=kwh,
        hours=(end - start) / pd.Timedelta(hours=1),
        area_sqft=building.area_sqft,
        ceiling_w_per_sqft=building.power_ceiling_w_per_sqft,
        meter_kwh=meter_kwh,
        covered=covered,
        tolerance_pct=float(settings.BILL_METER_TOLERANCE_PCT),
    )


def local_days(first: date, last: date, tz: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """From the first day's local midnight to the midnight after the last day."""
    midnights = pd.DatetimeIndex([pd.Timestamp(first), pd.Timestamp(last + timedelta(days=1))])
    start, end = midnights.tz_localize(tz, nonexistent="shift_forward", ambiguous=np.ones(2, dtype=bool))
    return start, end


def prorated(
    readings: pd.Series, *, interval: pd.Timedelta, start: pd.Timestamp, end: pd.Timestamp
) -> tuple[float, float]:
    """kWh of readings (each used over `interval` from its instant) inside [start, end), and the share of
    [start, end) their intervals cover, from 0 to 1."""
    if readings.empty or interval <= pd.Timedelta(0):
        return 0.0, 0.0
    begins = readings.index.to_numpy(dtype="datetime64[ns]").astype("int64")  # ns since 1970, UTC
    inside = np.clip(np.minimum(begins + interval.value, end.value) - np.maximum(begins, start.value), 0, None)
    covered = float(inside.sum()) / (end.value - start.value)
    return float((readings.to_numpy(dtype=float) * inside / interval.value).sum()), min(covered, 1.0)


def judged(
    *,
    kwh: float,
    hours: float,
    area_sqft: float,
    ceiling_w_per_sqft: float,
    meter_kwh: float,
    covered: float,
    tolerance_pct: float,
) -> BillCheck:
    """The verdicts on a bill's kWh over `hours`, given the meter's kWh over the same time and the share of it
    the meter covers."""
    least, most = (w_per_sqft * area_sqft * hours / 1000 for w_per_sqft in (MIN_POWER_W_PER_SQFT, ceiling_w_per_sqft))
    if kwh > most:
        area = AreaCheck.ABOVE_CEILING
    elif 0 < kwh < least:
        area = AreaCheck.BELOW_FLOOR
    else:
        area = AreaCheck.OK
    meter_figure = meter_kwh / covered if covered >= METER_COVERAGE else None
    if meter_figure is None:
        meter = MeterCheck.NOT_COVERED
    elif abs(kwh - meter_figure) > tolerance_pct / 100 * meter_figure:
        meter = MeterCheck.MISMATCH
    else:
        meter = MeterCheck.OK
    return BillCheck(
        kwh=kwh,
        area=area,
        area_min_kwh=least,
        area_max_kwh=most,
        meter=meter,
        meter_kwh=meter_figure,
        meter_coverage_pct=round(covered * 100, 2),
        meter_tolerance_pct=tolerance_pct,
    )


@dataclass(frozen=True)
class Findings:
    """What a bill's checks found, and the months of its period that MRV takes from the meter instead."""

    check: BillCheck | None  # None until its figures are checked
    acknowledged: bool
    months_on_meter: list[pd.Period]

    @property
    def flagged(self) -> bool:
        return self.check is not None and self.check.flagged

    def sentences(self) -> list[str]:
        if self.check is None:
            said = [
                "The bill's figures are not checked yet: they are checked against the building and its meter "
                "when confirmed."
            ]
        else:
            said = list(self.check.sentences().values())
        if self.flagged and self.acknowledged:
            said.append("The owner confirmed the bill knowing this.")
        if self.months_on_meter:
            months = ", ".join(str(month) for month in self.months_on_meter)
            said.append(f"Meter readings exist for {months}: savings use the meter there, not this bill.")
        return said


def _kwh(value: float | None) -> str:
    if value is None:
        return "— kWh"
    return f"{value:,.0f} kWh" if abs(value) >= 10 else f"{value:,.2f} kWh"
