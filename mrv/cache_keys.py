"""Keys under which MRV results are cached: a new reading, event, review, baseline or emission factor, or the
end of a month, gives every result computed from the old state a key nobody asks for again."""

import hashlib
from datetime import datetime

import pandas as pd
from django.db.models import Count, Max
from django.utils import timezone

from buildings.models import Building
from metering.factors.models import EmissionFactor
from mrv import calc

from .models import CALCULATION_VERSION

MRV_CACHE_SECONDS = 24 * 3600


def running_month(building: Building, now: datetime) -> pd.Period:
    return calc.current_month(timezone=building.timezone, now=pd.Timestamp(now))


def _factors_fingerprint() -> str:
    summary = EmissionFactor.objects.aggregate(n=Count("id"), last=Max("id"), changed=Max("created_at"))
    return f"{summary['n']}-{summary['last']}-{summary['changed']}"


def mrv_cache_keys(*, building: Building, spans: list[tuple[pd.Period, pd.Period]], kind: str = "mrv") -> list[str]:
    """The cache keys of what `kind` computed for each span [first, last] from the building's data as it is now;
    the building's data version and the factors are read once for them all."""
    version = Building.objects.filter(pk=building.pk).values_list("data_version", flat=True).get()
    # The running month is part of the key: when a month ends, runs that cover it can become eligible.
    running = running_month(building, timezone.now())
    state = (CALCULATION_VERSION, building.pk, version, _factors_fingerprint(), running)
    return [
        f"{kind}:" + hashlib.sha256(":".join(map(str, (*state, first, last))).encode()).hexdigest()
        for first, last in spans
    ]


def mrv_cache_key(*, building: Building, first: pd.Period, last: pd.Period, kind: str = "mrv") -> str:
    """The cache key of what `kind` computed for [first, last] from the building's data as it is now."""
    (key,) = mrv_cache_keys(building=building, spans=[(first, last)], kind=kind)
    return key
