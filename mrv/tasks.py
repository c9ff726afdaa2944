"""Portfolio-wide MRV: one task per batch of MRV_RECOMPUTE_BATCH_SIZE buildings (mrv.recompute), fanned out as a
Celery chord with a summary at the end."""

import pandas as pd
from celery import chord, shared_task
from django.conf import settings
from django.core.cache import cache

from buildings.models import Building

from .anomalies import building_anomalies, detection_queued_key
from .recompute import mrv_recompute_batch, mrv_recompute_one
from .selectors import current_baseline


@shared_task(name="mrv.recompute_building", acks_late=True, soft_time_limit=120, time_limit=180)
def recompute_building(building_id: str) -> dict:
    """Computes, caches and announces the building's last 12 complete months; idempotent by construction."""
    return mrv_recompute_one(building_id)


@shared_task(name="mrv.recompute_batch", acks_late=True, soft_time_limit=600, time_limit=660)
def recompute_batch(building_ids: list[str]) -> list[dict]:
    """`recompute_building` for a batch of buildings, their inputs read together; idempotent likewise."""
    return mrv_recompute_batch(building_ids=building_ids)


@shared_task(name="mrv.detect_anomalies", acks_late=True, soft_time_limit=120, time_limit=180)
def detect_anomalies(building_id: str, first: str, last: str) -> int:
    """Finds and caches the anomalies of the months [first, last]; how many there are."""
    cache.delete(detection_queued_key(building_id, first, last))  # readings stored from now on queue another
    building = Building.objects.filter(pk=building_id).first()
    if building is None:
        return 0
    found = building_anomalies(
        building=building,
        first=pd.Period(first, freq="M"),
        last=pd.Period(last, freq="M"),
        baseline=current_baseline(building),
    )
    return len(found)


@shared_task(name="mrv.portfolio_summary")
def portfolio_summary(batches: list[list[dict]]) -> dict:
    results = [result for batch in batches for result in batch]
    computed = [r for r in results if r["computed"]]
    return {
        "buildings": len(results),
        "computed": len(computed),
        "savings_kwh": sum(r["savings_kwh"] for r in computed),
        "co2_saved_kg": sum(r["co2_saved_kg"] for r in computed),
    }


@shared_task(name="mrv.portfolio_recompute")
def portfolio_recompute() -> str:
    """The nightly fan-out (beat): returns the chord's id so its summary can be looked up."""
    return portfolio_chord().id


def portfolio_chord():
    ids = [str(pk) for pk in Building.objects.order_by("pk").values_list("pk", flat=True)]
    size = settings.MRV_RECOMPUTE_BATCH_SIZE
    batches = [ids[i : i + size] for i in range(0, len(ids), size)]
    return chord(recompute_batch.s(batch) for batch in batches)(portfolio_summary.s())
