"""Reads of baselines and MRV results. MRV runs are cached under the building's data version."""

import hashlib

import pandas as pd
from django.core.cache import cache
from django.db.models import Count, Max, QuerySet
from django.utils import timezone

from buildings.models import Building
from carbonexia import events
from metering.models import EmissionFactor, MeterReading

from .engine import MrvRun, mrv_run
from .models import CALCULATION_VERSION, Baseline

MRV_CACHE_SECONDS = 24 * 3600


def baselines_of(building: Building) -> QuerySet[Baseline]:
    return building.baselines.order_by("-created_at")


def current_baseline(building: Building) -> Baseline | None:
    return baselines_of(building).first()


def latest_complete_month(building: Building) -> pd.Period | None:
    """The month of the latest reading, or the one before it while that month is still running."""
    latest = MeterReading.objects.filter(building=building).aggregate(last=Max("time"))["last"]
    if latest is None:
        return None
    month = pd.Timestamp(latest).tz_convert(building.timezone).tz_localize(None).to_period("M")
    now = pd.Timestamp(timezone.now()).tz_convert(building.timezone).tz_localize(None)
    return month if now >= (month + 1).start_time else month - 1


def _factors_fingerprint() -> str:
    summary = EmissionFactor.objects.aggregate(n=Count("id"), last=Max("id"), changed=Max("created_at"))
    return f"{summary['n']}-{summary['last']}-{summary['changed']}"


def _cache_key(*parts) -> str:
    return "mrv:" + hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()


def cached_mrv_run(*, building: Building, first: pd.Period, last: pd.Period) -> tuple[MrvRun, bool]:
    """The MRV run for [first, last] and whether it came from the cache."""
    version = Building.objects.filter(pk=building.pk).values_list("data_version", flat=True).get()
    key = _cache_key(CALCULATION_VERSION, building.pk, version, _factors_fingerprint(), first, last)
    run = cache.get(key)
    if run is not None:
        return run, True
    run = mrv_run(building=building, first=first, last=last, baseline=current_baseline(building))
    cache.set(key, run, timeout=MRV_CACHE_SECONDS)
    events.publish(
        event_type="mrv_calculated",
        owner=building.owner,
        payload={
            "building_id": run.building_id,
            "baseline_id": run.baseline_id,
            "start": str(first),
            "end": str(last),
            "savings_kwh": run.totals["savings_kwh"],
            "co2_saved_kg": run.totals["co2_saved_kg"],
            "eligible_months": [m.period for m in run.months if m.eligible],
        },
    )
    return run, False
