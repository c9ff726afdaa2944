"""Keys under which MRV results are cached: a new reading, event, review, baseline or emission factor, or the
end of a month, gives every result computed from the old state a key nobody asks for again."""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from django.db.models import Count, Max
from django.utils import timezone

from buildings.models import Building
from carbonexia.common.read_once import read_once
from metering.factors.models import EmissionFactor
from mrv import calc

from .models import CALCULATION_VERSION

MRV_CACHE_SECONDS = 24 * 3600


def running_month(building: Building, now: datetime) -> pd.Period:
    return calc.current_month(timezone=building.timezone, now=pd.Timestamp(now))


def factors_fingerprint() -> str:
    """What changes whenever an emission factor is added or edited; read once for a batch of keys."""
    summary = EmissionFactor.objects.aggregate(n=Count("id"), last=Max("id"), changed=Max("created_at"))
    return f"{summary['n']}-{summary['last']}-{summary['changed']}"


def mrv_cache_key(*, building: Building, first: pd.Period, last: pd.Period, kind: str = "mrv") -> str:
    """The cache key of what `kind` computed for [first, last] from the building's data as it is now."""
    return key_state(building).key(building=building, first=first, last=last, kind=kind)


def mrv_cache_keys(*, building: Building, spans: list[tuple[pd.Period, pd.Period]], kind: str = "mrv") -> list[str]:
    """`mrv_cache_key` of each span, with the building's data version and the factors read once for all."""
    state = key_state(building)
    return [state.key(building=building, first=first, last=last, kind=kind) for first, last in spans]


@read_once
def key_state(building: Building) -> "KeyState":
    """What the building's keys depend on now, read from the database once (once a read-only request)."""
    version = Building.objects.filter(pk=building.pk).values_list("data_version", flat=True).get()
    # The running month is part of the key: when a month ends, runs that cover it can become eligible.
    return KeyState(version, factors_fingerprint(), running_month(building, timezone.now()))


def loaded_key_states(buildings: Iterable[Building]) -> dict:
    """`key_state` of each building by id, from the data version it was loaded with: the factors are read once for
    all, so a page of buildings costs one query however long it is."""
    factors, now = factors_fingerprint(), timezone.now()
    return {b.pk: KeyState(b.data_version, factors, running_month(b, now)) for b in buildings}


@dataclass(frozen=True)
class KeyState:
    """What a key depends on besides the months, read once: `mrv_cache_key` reads it per key, a batch recompute
    (mrv.recompute) once per building (its data version as loaded) and once for all (factors, the clock)."""

    data_version: int
    factors: str
    running: pd.Period

    def key(self, *, building: Building, first: pd.Period, last: pd.Period, kind: str = "mrv") -> str:
        parts = (CALCULATION_VERSION, building.pk, self.data_version, self.factors, self.running, first, last)
        return f"{kind}:" + hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()
