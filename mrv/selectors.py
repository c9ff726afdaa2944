"""Reads of baselines and MRV results. MRV runs are cached under the building's data version; a read
never publishes an event (services.mrv_recompute is the computation that announces itself)."""

from datetime import datetime

import pandas as pd
from django.core.cache import cache
from django.db.models import Max, OuterRef, QuerySet, Subquery
from django.utils import timezone

from buildings.models import Building
from carbonexia.common.errors import Invalid
from carbonexia.common.read_once import read_once
from metering.readings.models import MeterReading

from .cache_keys import MRV_CACHE_SECONDS, KeyState, mrv_cache_key, running_month
from .engine import MrvRun, mrv_run
from .models import Baseline

# The longest run of months one MRV read, report or credit request covers.
MAX_MONTHS = 120
# The months the verifiers' queue looks through: the last year, the run the nightly recompute caches; and how
# many buildings whose run is not cached one look at the queue computes.
QUEUE_MONTHS = 12
QUEUE_COLD_RUNS = 3


def baselines_of(building: Building) -> QuerySet[Baseline]:
    return building.baselines.order_by("-created_at")


@read_once
def current_baseline(building: Building) -> Baseline | None:
    return baselines_of(building).first()


def current_baselines(buildings) -> dict:
    """`current_baseline` of each of the buildings by building id, in one query; a building without one is absent."""
    newest = Baseline.objects.filter(building=OuterRef("building")).order_by("-created_at").values("pk")[:1]
    found = Baseline.objects.filter(building__in=buildings, pk=Subquery(newest))
    return {baseline.building_id: baseline for baseline in found}


def reporting_start(baseline: Baseline | None) -> pd.Period | None:
    """The first month of the reporting period: the one after the baseline's last; None without a baseline."""
    return pd.Period(baseline.period_end, freq="M") + 1 if baseline else None


@read_once
def latest_complete_month(building: Building) -> pd.Period | None:
    """The month of the latest reading, or the one before it while that month is still running; never a month
    that has not ended in the building's zone, even if a reading dated later was stored before such readings
    were refused."""
    now = timezone.now()
    latest = MeterReading.objects.filter(building=building, time__lte=now).aggregate(last=Max("time"))["last"]
    return complete_month_of(building, latest=latest, now=now)


def complete_month_of(building: Building, *, latest: datetime | None, now: datetime) -> pd.Period | None:
    """`latest_complete_month` from the instant of the building's latest reading up to `now` (None without one)."""
    if latest is None:
        return None
    month = pd.Timestamp(latest).tz_convert(building.timezone).tz_localize(None).to_period("M")
    return min(month, running_month(building, now) - 1)


def months_checked(first: pd.Period, last: pd.Period, *, field: str = "end") -> tuple[pd.Period, pd.Period]:
    """A run of months in order and at most MAX_MONTHS long, else Invalid naming `field`."""
    if last < first:
        raise Invalid("The period ends before it starts.", errors={field: ["Must not be before start."]})
    if (last - first).n >= MAX_MONTHS:
        raise Invalid(
            f"A period covers at most {MAX_MONTHS} months.", errors={field: [f"At most {MAX_MONTHS} months at a time."]}
        )
    return first, last


def cached_mrv_run(*, building: Building, first: pd.Period, last: pd.Period) -> tuple[MrvRun, bool]:
    """The MRV run for [first, last] and whether it came from the cache."""
    key = mrv_cache_key(building=building, first=first, last=last)
    run = cache.get(key)
    if run is not None:
        return run, True
    return _computed(key, building=building, first=first, last=last, baseline=current_baseline(building)), False


def cached_mrv_run_keyed(
    *, building: Building, first: pd.Period, last: pd.Period, state: KeyState, baseline: Baseline | None
) -> MrvRun:
    """`cached_mrv_run` for a caller that read the building's key state and current baseline already (a page of
    buildings reads them together), so a cached run costs no query."""
    key = state.key(building=building, first=first, last=last)
    run = cache.get(key)
    return run if run is not None else _computed(key, building=building, first=first, last=last, baseline=baseline)


def _computed(key: str, *, building: Building, first: pd.Period, last: pd.Period, baseline: Baseline | None) -> MrvRun:
    run = mrv_run(building=building, first=first, last=last, baseline=baseline)
    cache.set(key, run, timeout=MRV_CACHE_SECONDS)
    return run


def cached_mrv_run_only(*, building: Building, first: pd.Period, last: pd.Period) -> MrvRun | None:
    """The cached MRV run for [first, last], or None when nothing computed it for the building's current data."""
    return cache.get(mrv_cache_key(building=building, first=first, last=last))


def flagged_months_awaiting_review(*, compute_at_most: int | None = None) -> tuple[list[dict], int]:
    """Every FLAGGED month no verifier has reviewed yet, oldest first, and how many buildings could not be looked
    through. Each building with a baseline is read in the last 12 complete months (the run the nightly recompute
    caches, `mrv.recompute_building`), after its baseline's period. A building whose run is not cached is computed
    here, at most `compute_at_most` (QUEUE_COLD_RUNS) of them per call, as each takes about a second; the others
    are counted, and the next call or the nightly recompute finds them.

    Each entry: building, month (a Period), since (the instant the month ended in the building's zone: it can
    be reviewed from then on), missing_pct and anomalies."""
    waiting, not_computed = [], 0
    compute_at_most = QUEUE_COLD_RUNS if compute_at_most is None else compute_at_most
    for building in Building.objects.filter(baselines__isnull=False).distinct().order_by("name", "pk"):
        baseline, last = current_baseline(building), latest_complete_month(building)
        if baseline is None or last is None:
            continue
        first = last - (QUEUE_MONTHS - 1)
        run = cached_mrv_run_only(building=building, first=first, last=last)
        if run is None and compute_at_most > 0:
            compute_at_most -= 1
            run, _ = cached_mrv_run(building=building, first=first, last=last)
        if run is None:
            not_computed += 1
            continue
        after_baseline = pd.Period(baseline.period_end, freq="M")
        reviewed = set(building.month_reviews.values_list("month", flat=True))
        for result in run.months:
            month = pd.Period(result.period, freq="M")
            if result.quality == "FLAGGED" and month > after_baseline and month.start_time.date() not in reviewed:
                waiting.append(
                    {
                        "building": building,
                        "month": month,
                        "since": (month + 1).start_time.tz_localize(building.timezone).to_pydatetime(),
                        "missing_pct": result.missing_pct,
                        "anomalies": result.anomalies,
                    }
                )
    return sorted(waiting, key=lambda entry: entry["since"]), not_computed
