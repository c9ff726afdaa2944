"""Reads of baselines and MRV results. MRV runs are cached under the building's data version; a read
never publishes an event (services.mrv_recompute is the computation that announces itself)."""

import hashlib
from datetime import datetime

import pandas as pd
from django.core.cache import cache
from django.db.models import Count, Max, QuerySet
from django.utils import timezone

from buildings.models import Building
from carbonexia.common.errors import Invalid
from metering.factors.models import EmissionFactor
from metering.readings.models import MeterReading
from mrv import calc

from .engine import MrvRun, mrv_run
from .models import CALCULATION_VERSION, Baseline

MRV_CACHE_SECONDS = 24 * 3600
# The longest run of months one MRV read, report or credit request covers.
MAX_MONTHS = 120


def baselines_of(building: Building) -> QuerySet[Baseline]:
    return building.baselines.order_by("-created_at")


def current_baseline(building: Building) -> Baseline | None:
    return baselines_of(building).first()


def latest_complete_month(building: Building) -> pd.Period | None:
    """The month of the latest reading, or the one before it while that month is still running; never a month
    that has not ended in the building's zone, even if a reading dated later was stored before such readings
    were refused."""
    now = timezone.now()
    latest = MeterReading.objects.filter(building=building, time__lte=now).aggregate(last=Max("time"))["last"]
    if latest is None:
        return None
    month = pd.Timestamp(latest).tz_convert(building.timezone).tz_localize(None).to_period("M")
    return min(month, _running_month(building, now) - 1)


def _running_month(building: Building, now: datetime) -> pd.Period:
    return calc.current_month(timezone=building.timezone, now=pd.Timestamp(now))


def months_checked(first: pd.Period, last: pd.Period, *, field: str = "end") -> tuple[pd.Period, pd.Period]:
    """A run of months in order and at most MAX_MONTHS long, else Invalid naming `field`."""
    if last < first:
        raise Invalid("The period ends before it starts.", errors={field: ["Must not be before start."]})
    if (last - first).n >= MAX_MONTHS:
        raise Invalid(
            f"A period covers at most {MAX_MONTHS} months.", errors={field: [f"At most {MAX_MONTHS} months at a time."]}
        )
    return first, last


def _factors_fingerprint() -> str:
    summary = EmissionFactor.objects.aggregate(n=Count("id"), last=Max("id"), changed=Max("created_at"))
    return f"{summary['n']}-{summary['last']}-{summary['changed']}"


def mrv_cache_key(*, building: Building, first: pd.Period, last: pd.Period, kind: str = "mrv") -> str:
    """The cache key of what `kind` computed for [first, last] from the building's data as it is now."""
    version = Building.objects.filter(pk=building.pk).values_list("data_version", flat=True).get()
    # The running month is part of the key: when a month ends, runs that cover it can become eligible.
    running = _running_month(building, timezone.now())
    parts = (CALCULATION_VERSION, building.pk, version, _factors_fingerprint(), running, first, last)
    return f"{kind}:" + hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()


def cached_mrv_run(*, building: Building, first: pd.Period, last: pd.Period) -> tuple[MrvRun, bool]:
    """The MRV run for [first, last] and whether it came from the cache."""
    key = mrv_cache_key(building=building, first=first, last=last)
    run = cache.get(key)
    if run is not None:
        return run, True
    run = mrv_run(building=building, first=first, last=last, baseline=current_baseline(building))
    cache.set(key, run, timeout=MRV_CACHE_SECONDS)
    return run, False
