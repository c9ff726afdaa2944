"""Anomalies in a building's stored readings over a run of months, explained by its recorded events where one
overlaps, and cached under the building's data version like MRV runs (a new reading or event recomputes them)."""

import logging
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
from django.conf import settings
from django.core.cache import cache

from buildings.models import Building, EventType, ProjectEvent
from carbonexia.common.errors import Unavailable
from carbonexia.common.tasks import enqueue
from metering.readings.selectors import meter_interval, meter_series
from mrv import calc

from .selectors import MRV_CACHE_SECONDS, mrv_cache_key

logger = logging.getLogger(__name__)
# Readings before the first month that teach the time-of-week profile (four of each weekly slot at least).
PROFILE_CONTEXT = pd.Timedelta(weeks=4)
RUN_OVERHANG = pd.Timedelta(days=1)
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
    """Anomalies that start in the months [first, last] in the building's zone, in time order.

    Each month is judged on its own readings with the PROFILE_CONTEXT before it (so its result never depends
    on which other months were asked for together) and cached on its own; months not in the cache are read
    from the database in one query.
    """
    months = list(pd.period_range(first, last, freq="M"))
    keys = {month: mrv_cache_key(building=building, first=month, last=month, kind="anomalies") for month in months}
    cached = cache.get_many(list(keys.values()))
    missing = [month for month in months if keys[month] not in cached]
    if missing:
        computed = _detect(building=building, months=missing)
        cache.set_many({keys[month]: found for month, found in computed.items()}, timeout=MRV_CACHE_SECONDS)
        cached |= {keys[month]: found for month, found in computed.items()}
    return [anomaly for month in months for anomaly in cached[keys[month]]]


def anomalies_detect_after_ingest(*, building: Building, first: pd.Timestamp, last: pd.Timestamp, **_: Any) -> None:
    """Detection runs after readings are stored (on the worker; in-process without one), so the first read of
    the months finds them cached. A queue that is down only defers the work to that first read."""
    months = pd.period_range(
        first.tz_convert(building.timezone).tz_localize(None).to_period("M"),
        last.tz_convert(building.timezone).tz_localize(None).to_period("M"),
        freq="M",
    )
    try:
        enqueue("mrv.detect_anomalies", str(building.pk), str(months[0]), str(months[-1]))
    except Unavailable:
        logger.warning("Anomaly detection for building %s deferred: the task queue is unavailable.", building.pk)


def anomaly_counts(anomalies: list[FoundAnomaly], *, timezone: str) -> dict[pd.Period, int]:
    """How many anomalies touch each month."""
    counts: dict[pd.Period, int] = {}
    for anomaly in anomalies:
        for month in anomaly.months(timezone):
            counts[month] = counts.get(month, 0) + 1
    return counts


def _detect(*, building: Building, months: list[pd.Period]) -> dict[pd.Period, list[FoundAnomaly]]:
    starts, ends = calc.months_bounds(months, building.timezone)
    interval = meter_interval(building=building, before=ends[-1])
    if interval is None:
        return dict.fromkeys(months, [])
    # A run that crosses into the next month is seen whole if it ends within RUN_OVERHANG of the month's end.
    readings = meter_series(building=building, start=starts[0] - PROFILE_CONTEXT, end=ends[-1] + RUN_OVERHANG)
    events = list(building.events.exclude(event_type=EventType.RETROFIT))
    found: dict[pd.Period, list[FoundAnomaly]] = {}
    for month, start, end in zip(months, starts, ends, strict=True):
        window = readings[(readings.index >= start - PROFILE_CONTEXT) & (readings.index < end + RUN_OVERHANG)]
        detected = calc.meter_anomalies(window, timezone=building.timezone, interval=interval, thresholds=thresholds())
        found[month] = [_found(building, a, events) for a in detected if start <= a.start < end]
    return found


def _found(building: Building, anomaly: calc.Anomaly, events: list[ProjectEvent]) -> FoundAnomaly:
    return FoundAnomaly(
        anomaly_id=str(uuid.uuid5(_IDS, f"{building.pk}:{anomaly.kind}:{anomaly.start.isoformat()}")),
        kind=anomaly.kind,
        start=anomaly.start,
        end=anomaly.end,
        severity=anomaly.severity,
        evidence=anomaly.evidence,
        explained_by=_explaining(events, anomaly, building.timezone),
    )


def _explaining(events: list[ProjectEvent], anomaly: calc.Anomaly, timezone: str) -> str | None:
    first_day: date = anomaly.start.tz_convert(timezone).date()
    last_day: date = (anomaly.end - pd.Timedelta(microseconds=1)).tz_convert(timezone).date()
    for event in events:
        if event.start_date <= last_day and (event.end_date is None or event.end_date >= first_day):
            return str(event.pk)
    return None
