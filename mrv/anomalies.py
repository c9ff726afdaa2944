"""Anomalies in a building's stored readings over a run of months, explained by its recorded events where one
overlaps, and cached under the building's data version like MRV runs (a new reading or event recomputes them)."""

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
from django.conf import settings
from django.core.cache import cache

from buildings.models import Building, EventType, ProjectEvent
from metering.readings.selectors import meter_interval, meter_series
from mrv import calc

from .selectors import MRV_CACHE_SECONDS, mrv_cache_key

# Readings before the first month that teach the time-of-week profile (four of each weekly slot at least).
PROFILE_CONTEXT = pd.Timedelta(weeks=4)
_IDS = uuid.UUID("6f1d3c52-8a43-4c1e-9d55-2f0b8e7a9c10")


@dataclass(frozen=True)
class FoundAnomaly:
    anomaly_id: str
    kind: str
    start: pd.Timestamp
    end: pd.Timestamp
    severity: str
    evidence: dict[str, Any]
    explained_by: str | None  # the id of the recorded event that overlaps it

    @property
    def open(self) -> bool:
        """Severe and not explained by a recorded event: such an anomaly holds its month for a verifier."""
        return self.severity == calc.ANOMALY_SEVERE and self.explained_by is None

    def months(self, timezone: str) -> list[pd.Period]:
        first = self.start.tz_convert(timezone).tz_localize(None).to_period("M")
        last = (self.end - pd.Timedelta(microseconds=1)).tz_convert(timezone).tz_localize(None).to_period("M")
        return list(pd.period_range(first, last, freq="M"))

    def as_dict(self) -> dict[str, Any]:
        return {
            "anomaly_id": self.anomaly_id,
            "kind": self.kind,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "severity": self.severity,
            "evidence": self.evidence,
            "explained_by": self.explained_by,
        }


def thresholds() -> calc.AnomalyThresholds:
    return calc.AnomalyThresholds(
        spike_z=settings.ANOMALY_SPIKE_Z,
        spike_min_ratio=settings.ANOMALY_SPIKE_MIN_RATIO,
        flat_run_hours=settings.ANOMALY_FLAT_RUN_HOURS,
        zero_run_hours=settings.ANOMALY_ZERO_RUN_HOURS,
        shift_statistic=settings.ANOMALY_SHIFT_STATISTIC,
        shift_min_share=settings.ANOMALY_SHIFT_MIN_PCT / 100,
        shift_min_days=settings.ANOMALY_SHIFT_MIN_DAYS,
    )


def building_anomalies(*, building: Building, first: pd.Period, last: pd.Period) -> list[FoundAnomaly]:
    """Anomalies that overlap the months [first, last] in the building's zone, in time order (cached)."""
    key = mrv_cache_key(building=building, first=first, last=last, kind="anomalies")
    found = cache.get(key)
    if found is None:
        found = _detect(building=building, first=first, last=last)
        cache.set(key, found, timeout=MRV_CACHE_SECONDS)
    return found


def anomaly_counts(anomalies: list[FoundAnomaly], *, timezone: str) -> dict[pd.Period, int]:
    """How many anomalies touch each month."""
    counts: dict[pd.Period, int] = {}
    for anomaly in anomalies:
        for month in anomaly.months(timezone):
            counts[month] = counts.get(month, 0) + 1
    return counts


def _detect(*, building: Building, first: pd.Period, last: pd.Period) -> list[FoundAnomaly]:
    start = calc.month_bounds(first, building.timezone)[0]
    end = calc.month_bounds(last, building.timezone)[1]
    interval = meter_interval(building=building, before=end)
    if interval is None:
        return []
    readings = meter_series(building=building, start=start - PROFILE_CONTEXT, end=end)
    found = calc.meter_anomalies(readings, timezone=building.timezone, interval=interval, thresholds=thresholds())
    events = list(building.events.exclude(event_type=EventType.RETROFIT))
    return [
        FoundAnomaly(
            anomaly_id=str(uuid.uuid5(_IDS, f"{building.pk}:{a.kind}:{a.start.isoformat()}")),
            kind=a.kind,
            start=a.start,
            end=a.end,
            severity=a.severity,
            evidence=a.evidence,
            explained_by=_explaining(events, a, building.timezone),
        )
        for a in found
        if a.end > start and a.start < end
    ]


def _explaining(events: list[ProjectEvent], anomaly: calc.Anomaly, timezone: str) -> str | None:
    first_day: date = anomaly.start.tz_convert(timezone).date()
    last_day: date = (anomaly.end - pd.Timedelta(microseconds=1)).tz_convert(timezone).date()
    for event in events:
        if event.start_date <= last_day and (event.end_date is None or event.end_date >= first_day):
            return str(event.pk)
    return None
