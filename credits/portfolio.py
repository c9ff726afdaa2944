"""The portfolio: one row per building the user may see, composed from the figures the dashboard, the API and the
credits page show. The portal's page and CSV (portal.views.portfolio) and `GET /portfolio` (credits.api) all read
their rows here. The months come from mrv's cached run (the same twelve months the nightly
`mrv.recompute_building` computes and caches, so the page reads them from the cache), savings and CO2 from
`mrv.engine.period_totals`, intensities from `mrv.calc.energy_use_intensity`, credits from
`credits.selectors.credit_positions` and what is creditable now from `credits.selectors.free_credit_period`, as
`creditable_now` computes it for the dashboard.

Year to date: the months of the latest complete month's calendar year, January to that month, in the building's
zone (the MRV months are local months). The last twelve months end with the latest complete month too.

Set-based: once the figures are cached, the rows cost a fixed number of queries however many buildings there are
(the buildings with their latest reading and confirmed bill, their current baselines, their credit positions, the
emission factors' fingerprint that every cache key holds; `with_creditable` adds the ends of the shown rows' live
credit requests). A building whose figures are not cached is computed, once, and cached.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from django.core.cache import cache
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.timesince import timesince

from buildings.models import Building
from buildings.selectors import buildings_visible_to
from metering.bills.models import UtilityBill
from metering.readings.models import MeterReading
from mrv import calc
from mrv.anomalies import building_anomalies
from mrv.cache_keys import MRV_CACHE_SECONDS, KeyState, loaded_key_states
from mrv.engine import MonthResult, period_totals
from mrv.models import Baseline
from mrv.selectors import cached_mrv_run_keyed, complete_month_of, current_baselines

from .selectors import (
    Creditable,
    CreditPosition,
    RunOf,
    credit_positions,
    creditable_over,
    free_credit_period,
    live_request_ends,
)

logger = logging.getLogger(__name__)

MONTHS = 12  # the window mrv.recompute_building caches every night
NOT_COMPUTED = "Its figures could not be computed"


@dataclass
class PortfolioRow:
    building: Building
    credits: CreditPosition
    keys: KeyState = field(repr=False)  # the building's cache key state, read with the page
    last_reading: datetime | None = None  # the latest reading up to now
    last_bill_day: date | None = None  # the last day of the latest confirmed bill
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
    creditable: Creditable | None = None  # filled by `with_creditable`, for the rows shown
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
    def co2_saved_tons(self) -> float | None:
        return None if self.co2_saved_kg is None else self.co2_saved_kg / 1000

    @property
    def creditable_tons(self) -> float:
        """Tonnes a credit request could cover today; 0 when no month is free to request."""
        return self.creditable.co2_creditable_tons if self.creditable else 0.0

    @property
    def creditable_credits(self) -> int:
        """Whole credits a credit request could create today; 0 when no month is free to request."""
        return self.creditable.credits if self.creditable else 0

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

    def run_of(self) -> RunOf:
        """The building's MRV runs, from the cache under the key state read with the page."""
        return lambda first, last: cached_mrv_run_keyed(
            building=self.building, first=first, last=last, state=self.keys, baseline=self.baseline
        )


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


def _measure(row: PortfolioRow, first: pd.Period, last: pd.Period) -> _Measured:
    building, baseline = row.building, row.baseline
    run = row.run_of()(first, last)
    totals = period_totals(months=run.months, baseline=baseline)
    reviewed = {str(pd.Period(day, freq="M")) for day in building.month_reviews.values_list("month", flat=True)}
    found = building_anomalies(building=building, first=first, last=last, baseline=baseline, key=row.keys.key)
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


def _figures(row: PortfolioRow, key: str, measured: _Measured | None) -> None:
    """Fills a row with a latest complete month from its cached figures, or computes and caches them."""
    if measured is None:
        assert row.first is not None and row.last is not None
        measured = _measure(row, row.first, row.last)
        cache.set(key, measured, timeout=MRV_CACHE_SECONDS)
    row.ytd_kwh, row.kwh_12m = measured.ytd_kwh, measured.kwh_12m
    row.savings_kwh, row.saved_share = measured.savings_kwh, measured.saved_share
    row.co2_saved_kg = measured.co2_saved_kg
    row.flagged_months, row.open_anomalies = list(measured.flagged_months), measured.open_anomalies
    if measured.every_month_metered:
        row.intensity = calc.energy_use_intensity(kwh=measured.kwh_12m, area_sqft=row.building.area_sqft)


def _guarded(row: PortfolioRow, compute: Callable[[], None]) -> None:
    # Whatever one building's stored data does to its figures (a refusal, bad numbers, a malformed stored model),
    # the page still shows every other building; the error is logged with its traceback.
    try:
        compute()
    except Exception:
        logger.exception("The portfolio could not compute building %s.", row.building.pk)
        row.error = NOT_COMPUTED


def portfolio_rows(buildings: QuerySet[Building]) -> list[PortfolioRow]:
    """A row per building of `buildings` (already scoped to the user), in the queryset's order."""
    now = timezone.now()
    latest = MeterReading.objects.filter(building=OuterRef("pk"), time__lte=now).order_by("-time").values("time")[:1]
    billed = UtilityBill.objects.filter(building=OuterRef("pk"), confirmed=True).order_by("-confirmed_period_end")
    loaded = list(
        buildings.select_related("weather_station").annotate(
            last_reading=Subquery(latest), last_bill_day=Subquery(billed.values("confirmed_period_end")[:1])
        )
    )
    positions, baselines, keys = credit_positions(loaded), current_baselines(loaded), loaded_key_states(loaded)
    rows, keys_of = [], {}
    for building in loaded:
        last = complete_month_of(building, latest=building.last_reading, now=now)
        row = PortfolioRow(
            building=building,
            credits=positions.get(building.pk, CreditPosition()),
            keys=keys[building.pk],
            last_reading=building.last_reading,
            last_bill_day=building.last_bill_day,
            baseline=baselines.get(building.pk),
            last=last,
        )
        rows.append(row)
        if last is not None:
            row.first = first = last - (MONTHS - 1)
            keys_of[building.pk] = row.keys.key(building=building, first=first, last=last, kind="portfolio")
    cached = cache.get_many(list(keys_of.values())) if keys_of else {}  # Redis refuses an MGET of no keys
    for row in rows:
        key = keys_of.get(row.building.pk)
        if key is not None:
            _guarded(row, partial(_figures, row, key, cached.get(key)))
    return rows


def with_creditable(rows: list[PortfolioRow]) -> list[PortfolioRow]:
    """Fills each row's `creditable`: what a credit request could cover today (the dashboard's `creditable_now`).
    Only for the rows shown, as a period nothing has asked for yet is computed here."""
    covered = live_request_ends([row.building for row in rows])

    def creditable(row: PortfolioRow) -> None:
        period = free_credit_period(
            last=row.last, baseline=row.baseline, covered=covered.get(row.building.pk), run=row.run_of()
        )
        row.creditable = creditable_over(period, run=row.run_of())

    for row in rows:
        if not row.error:
            _guarded(row, partial(creditable, row))
    return rows


def _intensity(row: PortfolioRow) -> float | None:
    return row.intensity.kwh_per_sqft if row.intensity else None


# Every column the page, its CSV and the API sort by; a value of None sorts last in either direction.
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
# Each key ascending, then descending.
SORTS = [name for key in SORT_KEYS for name in (key, f"-{key}")]
SEARCH_MAX_LENGTH = 200


def sorted_rows(rows: list[PortfolioRow], sort: str) -> list[PortfolioRow]:
    """`sort` is one of SORTS: a key of SORT_KEYS, descending with a leading "-"; ties keep the name order."""
    descending = sort.startswith("-")
    key = SORT_KEYS[sort.lstrip("-")]
    by_name = sorted(rows, key=SORT_KEYS[DEFAULT_SORT])
    known = [row for row in by_name if key(row) is not None]
    unknown = [row for row in by_name if key(row) is None]
    return sorted(known, key=key, reverse=descending) + unknown


def portfolio(
    *, user, search: str = "", building_type: str = "", has_issues: bool = False, sort: str = DEFAULT_SORT
) -> list[PortfolioRow]:
    """The rows the user's portfolio page, its CSV and `GET /portfolio` show, filtered and sorted (every row: a
    sort by a figure needs them all). `with_creditable` completes the rows shown."""
    buildings = buildings_visible_to(user).order_by("name", "pk")
    if search:
        buildings = buildings.filter(name__icontains=search)
    if building_type:
        buildings = buildings.filter(building_type=building_type)
    rows = portfolio_rows(buildings)
    if has_issues:
        rows = [row for row in rows if row.issues]
    return sorted_rows(rows, sort)
