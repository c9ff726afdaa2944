"""Portfolio-wide MRV: one task per building, fanned out as a Celery chord with a summary at the end."""

import pandas as pd
from celery import chord, shared_task

from buildings.models import Building

from .anomalies import building_anomalies
from .selectors import current_baseline, latest_complete_month
from .services import mrv_recompute

MONTHS = 12


@shared_task(name="mrv.recompute_building", acks_late=True, soft_time_limit=120, time_limit=180)
def recompute_building(building_id: str) -> dict:
    """Computes, caches and announces the building's last 12 complete months; idempotent by construction."""
    building = Building.objects.filter(pk=building_id).first()
    last = latest_complete_month(building) if building else None
    if building is None or last is None:
        return {"building_id": building_id, "computed": False, "savings_kwh": 0.0, "co2_saved_kg": 0.0}
    run = mrv_recompute(building=building, first=last - (MONTHS - 1), last=last)
    return {
        "building_id": building_id,
        "computed": True,
        "savings_kwh": run.totals["savings_kwh"],
        "co2_saved_kg": run.totals["co2_saved_kg"],
    }


@shared_task(name="mrv.detect_anomalies", acks_late=True, soft_time_limit=120, time_limit=180)
def detect_anomalies(building_id: str, first: str, last: str) -> int:
    """Finds and caches the anomalies of the months [first, last]; how many there are."""
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
def portfolio_summary(results: list[dict]) -> dict:
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
    return chord(recompute_building.s(building_id) for building_id in ids)(portfolio_summary.s())
