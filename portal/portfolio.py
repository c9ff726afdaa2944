"""The portfolio: one row per building the user may see, composed from the figures the dashboard, the API and the
credits page show. The months come from mrv's cached run (the same twelve months the nightly
`mrv.recompute_building` computes and caches, so the page reads them from the cache), savings and CO2 from
`mrv.engine.period_totals`, intensities from `mrv.calc.energy_use_intensity`, credits from
`credits.selectors.credit_positions`. A building without a cached run is computed here, once, and cached.

Year to date: the months of the latest complete month's calendar year, January to that month, in the building's
zone (the MRV months are local months). The last twelve months end with the latest complete month too.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from django.core.cache import cache
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.timesince import timesince

from buildings.models import Building
from buildings.selectors import buildings_visible_to
from credits.selectors import CreditPosition, credit_positions
from metering.bills.models import UtilityBill
from metering.readings.models import MeterReading
from mrv import calc
from mrv.anomalies import building_anomalies
from mrv.cache_keys import MRV_CACHE_SECONDS, mrv_cache_key
from mrv.engine import MonthResult, period_totals
from mrv.models import Baseline
from mrv.selectors import cached_mrv_run, current_baseline, latest_complete_month

logger = logging.getLogger(__name__)

MONTHS = 12  # the window mrv.recompute_building caches every night


@dataclass
class PortfolioRow:
    building: Building
    credits: CreditPosition
    last_reading: datetime | None = None
    last_bill_day: date | None = None
    baseline: Baseline | None = None
    first: pd.Period | None = None  # the window's first month
    last: pd.Period | None = None  # the latest complete month
    ytd_kwh: float | None = None
    kwh_12m: float | None = None
    intensity: calc.Intensity | None = None  # over the twelve months, when every one of them was metered
    savings_kwh: float | None = None
    saved_share: float | None = None
    co2_saved_kg: float | None = None
    flagged_months: list[str] = field(default_factory=list)  # FLAGGED and not yet reviewed by a verifier
    open_anomalies: int = 0
    error: str = ""

    @property
    def age(self) -> str:
        """How old the latest reading (or confirmed bill) is, in its largest unit ("3 days"); empty without data."""
        latest = self.last_reading
        if latest is None and self.last_bill_day is not None:  # the end of the bill's last day, in the building's zone
            day_after = self.last_bill_day + timedelta(days=1)
            latest = datetime.combine(day_after, time(), tzinfo=ZoneInfo(self.building.timezone))
        return timesince(latest, timezone.now(), depth=1) if latest else ""

    @property
    def ytd_first(self) -> pd.Period | None:
        return None if self.last is None else pd.Period(year=self.last.year, month=1, freq="M")

    @property
    def issues(self) -> list[str]:
        """What needs someone's attention, in words."""
        found = []
        if self.error:
            found.append(self.error)
        if self.last is None and not self.error:
            found.append("No meter readings")
        if self.baseline is None:
            found.append("No baseline")
        elif not self.baseline.valid:
            found.append("Baseline fails Guideline 14")
        if self.flagged_months:
            count = len(self.flagged_months)
            found.append(f"{count} FLAGGED month{'s' if count > 1 else ''} to review")
        if self.open_anomalies:
            found.append(f"{self.open_anomalies} open anomal{'ies' if self.open_anomalies > 1 else 'y'}")
        return found


def _metered_kwh(months: Iterable[MonthResult]) -> float | None:
    """The months' metered (and gap-filled) kWh; None when none of them has readings."""
    known = [month.actual_kwh for month in months if month.actual_kwh is not None]
    return sum(known) if known else None


@dataclass(frozen=True)
class _Measured:
    """What the building's twelve months measured; cached under the building's data version, like the run."""

    ytd_kwh: float | None
    kwh_12m: float | None
    every_month_metered: bool
    savings_kwh: float | None
    saved_share: float | None
    co2_saved_kg: float | None
    flagged_months: tuple[str, ...]
    open_anomalies: int


def _measure(building: Building, baseline: Baseline | None, first: pd.Period, last: pd.Period) -> _Measured:
    run, _ = cached_mrv_run(building=building, first=first, last=last)
    totals = period_totals(months=run.months, baseline=baseline)
    reviewed = {str(pd.Period(day, freq="M")) for day in building.month_reviews.values_list("month", flat=True)}
    found = building_anomalies(building=building, first=first, last=last, baseline=baseline)
    return _Measured(
        ytd_kwh=_metered_kwh(m for m in run.months if pd.Period(m.period, freq="M").year == last.year),
        kwh_12m=_metered_kwh(run.months),
        every_month_metered=all(month.actual_kwh is not None for month in run.months),
        savings_kwh=totals.savings_kwh if totals else None,
        saved_share=(
            calc.saved_share(savings_kwh=totals.savings_kwh, adjusted_baseline_kwh=totals.adjusted_baseline_kwh)
            if totals
            else None
        ),
        co2_saved_kg=totals.co2_saved_kg if totals else None,
        flagged_months=tuple(m.period for m in run.months if m.quality == "FLAGGED" and m.period not in reviewed),
        open_anomalies=sum(1 for anomaly in found if anomaly.open),
    )


def _figures(row: PortfolioRow) -> None:
    building, last = row.building, latest_complete_month(row.building)
    if last is None:
        return
    row.first, row.last = last - (MONTHS - 1), last
    key = mrv_cache_key(building=building, first=row.first, last=last, kind="portfolio")
    measured = cache.get(key)
    if measured is None:
        measured = _measure(building, row.baseline, row.first, last)
        cache.set(key, measured, timeout=MRV_CACHE_SECONDS)
    row.ytd_kwh, row.kwh_12m = measured.ytd_kwh, measured.kwh_12m
    row.savings_kwh, row.saved_share = measured.savings_kwh, measured.saved_share
    row.co2_saved_kg = measured.co2_saved_kg
    row.flagged_months, row.open_anomalies = list(measured.flagged_months), measured.open_anomalies
    if measured.every_month_metered:
        row.intensity = calc.energy_use_intensity(kwh=measured.kwh_12m, area_sqft=building.area_sqft)


def _row(building: Building, *, credits: CreditPosition, last_reading, last_bill_day) -> PortfolioRow:
    row = PortfolioRow(building=building, credits=credits, last_reading=last_reading, last_bill_day=last_bill_day)
    row.baseline = current_baseline(building)
    try:
        _figures(row)
    # Whatever one building's stored data does to its figures (a refusal, bad numbers, a malformed stored model),
    # the page still shows every other building; the error is logged with its traceback.
    except Exception:
        logger.exception("The portfolio could not compute building %s.", building.pk)
        row.error = "Its figures could not be computed"
    return row


def portfolio_rows(buildings: QuerySet[Building]) -> list[PortfolioRow]:
    """A row per building of `buildings` (already scoped to the user), in the queryset's order."""
    latest = MeterReading.objects.filter(building=OuterRef("pk")).order_by("-time").values("time")[:1]
    billed = UtilityBill.objects.filter(building=OuterRef("pk"), confirmed=True).order_by("-confirmed_period_end")
    positions = credit_positions(buildings)
    buildings = buildings.select_related("weather_station").annotate(
        last_reading=Subquery(latest), last_bill_day=Subquery(billed.values("confirmed_period_end")[:1])
    )
    return [
        _row(
            building,
            credits=positions.get(building.pk, CreditPosition()),
            last_reading=building.last_reading,
            last_bill_day=building.last_bill_day,
        )
        for building in buildings
    ]


def _intensity(row: PortfolioRow) -> float | None:
    return row.intensity.kwh_per_sqft if row.intensity else None


# Every column the page and its CSV sort by; a value of None sorts last in either direction.
SORT_KEYS: dict[str, Callable[[PortfolioRow], Any]] = {
    "name": lambda row: row.building.name.casefold(),
    "type": lambda row: row.building.get_building_type_display(),
    "ytd_kwh": lambda row: row.ytd_kwh,
    "kwh_12m": lambda row: row.kwh_12m,
    "eui": _intensity,
    "savings_kwh": lambda row: row.savings_kwh,
    "saved_share": lambda row: row.saved_share,
    "co2": lambda row: row.co2_saved_kg,
    "issued": lambda row: row.credits.issued,
    "pending": lambda row: row.credits.pending,
    "retired": lambda row: row.credits.retired,
    "last_reading": lambda row: row.last_reading,
    "issues": lambda row: len(row.issues),
}
DEFAULT_SORT = "name"


def sorted_rows(rows: list[PortfolioRow], sort: str) -> list[PortfolioRow]:
    """`sort` is a key of SORT_KEYS, descending with a leading "-"; ties keep the name order."""
    descending = sort.startswith("-")
    key = SORT_KEYS[sort.lstrip("-")]
    by_name = sorted(rows, key=SORT_KEYS[DEFAULT_SORT])
    known = [row for row in by_name if key(row) is not None]
    unknown = [row for row in by_name if key(row) is None]
    return sorted(known, key=key, reverse=descending) + unknown


def portfolio(*, user, search: str = "", building_type: str = "", has_issues: bool = False, sort: str = DEFAULT_SORT):
    """The rows the user's portfolio page and its CSV show, filtered and sorted."""
    buildings = buildings_visible_to(user).order_by("name", "pk")
    if search:
        buildings = buildings.filter(name__icontains=search)
    if building_type:
        buildings = buildings.filter(building_type=building_type)
    rows = portfolio_rows(buildings)
    if has_issues:
        rows = [row for row in rows if row.issues]
    return sorted_rows(rows, sort)


def _csv_number(value: float | None, digits: int) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def _csv_text(value: str) -> str:
    """A spreadsheet runs a cell that starts with = + - @ as a formula: such a name is written as text."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@") else value


CSV_HEADER = [
    "building",
    "type",
    "area_sqft",
    "first_month",
    "last_month",
    "ytd_kwh",
    "last_12_months_kwh",
    "eui_kwh_per_sqft",
    "eui_kwh_per_m2",
    "savings_kwh",
    "savings_pct",
    "co2_saved_t",
    "credits_issued",
    "credits_pending",
    "credits_retired",
    "last_reading_utc",
    "last_bill_day",
    "issues",
]


def csv_rows(rows: list[PortfolioRow]) -> list[list[str]]:
    """The CSV export of the same rows, in the same order: the header, then one line per building."""
    lines = [CSV_HEADER]
    for row in rows:
        share = None if row.saved_share is None else row.saved_share * 100
        co2_tons = None if row.co2_saved_kg is None else row.co2_saved_kg / 1000
        lines.append(
            [
                _csv_text(row.building.name),
                row.building.get_building_type_display(),
                _csv_number(row.building.area_sqft, 0),
                str(row.first or ""),
                str(row.last or ""),
                _csv_number(row.ytd_kwh, 1),
                _csv_number(row.kwh_12m, 1),
                _csv_number(row.intensity.kwh_per_sqft if row.intensity else None, 3),
                _csv_number(row.intensity.kwh_per_m2 if row.intensity else None, 2),
                _csv_number(row.savings_kwh, 1),
                _csv_number(share, 1),
                _csv_number(co2_tons, 3),
                str(row.credits.issued),
                str(row.credits.pending),
                str(row.credits.retired),
                row.last_reading.isoformat() if row.last_reading else "",
                str(row.last_bill_day or ""),
                "; ".join(row.issues),
            ]
        )
    return lines
