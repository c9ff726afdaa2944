"""Anomalies in a building's stored readings over a run of months, explained by its recorded events where one
overlaps, and cached under the building's data version like MRV runs (a new reading or event recomputes them)."""

import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from buildings.models import Building, EventType, ProjectEvent
from carbonexia.common.errors import Unavailable
from carbonexia.common.tasks import enqueue
from metering.readings.selectors import meter_interval, meter_series
from mrv import calc

from . import inputs
from .cache_keys import MRV_CACHE_SECONDS, key_state, running_month
from .models import Baseline

logger = logging.getLogger(__name__)
# Readings before the first month that teach the time-of-week profile (four of each weekly slot at least).
PROFILE_CONTEXT = pd.Timedelta(weeks=4)
RUN_OVERHANG = pd.Timedelta(days=1)
SHIFT_EVENT_DAYS = timedelta(days=14)
SEASON_SMOOTHING_DAYS = 7
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


def building_anomalies(
    *,
    building: Building,
    first: pd.Period,
    last: pd.Period,
    baseline: Baseline | None,
    key: Callable[..., str] | None = None,
    read: Mapping[str, Any] | None = None,
) -> list[FoundAnomaly]:
    """Meter anomalies that start in the months [first, last] (in the building's zone), then the residual shift
    of the reporting period when it overlaps them; in time order.

    Each month is judged on its own readings with the PROFILE_CONTEXT before it (so its result never depends
    on which other months were asked for together) and cached on its own; months not in the cache are read
    from the database in one query. The shift is judged over the whole reporting period so far. `key` makes the
    cache keys (by default from the building's state read once; a batch recompute passes its own) and `read` is
    what a batch already read of `anomaly_cache_keys` (a key missing from it is a miss).
    """
    months = list(pd.period_range(first, last, freq="M"))
    key = key or key_state(building).key
    keys = {month: key(building=building, first=month, last=month, kind="anomalies") for month in months}
    if read is None:
        cached = cache.get_many(list(keys.values()))
    else:
        cached = {k: read[k] for k in keys.values() if k in read}
    missing = [month for month in months if keys[month] not in cached]
    if missing:
        computed = {keys[month]: found for month, found in _detect(building=building, months=missing).items()}
        cache.set_many(computed, timeout=MRV_CACHE_SECONDS)
        cached |= computed
    found = [anomaly for month in months for anomaly in cached[keys[month]]]
    start, end = calc.month_bounds(first, building.timezone)[0], calc.month_bounds(last, building.timezone)[1]
    found += [
        shift
        for shift in _shifts(building=building, baseline=baseline, key=key, read=read)
        if shift.start < end and shift.end > start
    ]
    return sorted(found, key=lambda anomaly: (anomaly.start, anomaly.kind))


def anomaly_cache_keys(
    *, building: Building, first: pd.Period, last: pd.Period, baseline: Baseline | None, key: Callable[..., str]
) -> list[str]:
    """The cache keys `building_anomalies` reads for these months, so that a batch reads all of them at once."""
    months = pd.period_range(first, last, freq="M")
    keys = [key(building=building, first=month, last=month, kind="anomalies") for month in months]
    shift = _shift_key(building=building, baseline=baseline, key=key)
    return keys if shift is None else [*keys, shift[1]]


def describe(anomaly: FoundAnomaly, timezone: str) -> str:
    """The anomaly in a sentence a facility manager and a verifier read the same way."""
    start = anomaly.start.tz_convert(timezone)
    end = anomaly.end.tz_convert(timezone)
    same_day = start.date() == (end - pd.Timedelta(microseconds=1)).date()
    when = f"{start:%d %b %Y %H:%M}–{end:%H:%M}" if same_day else f"{start:%d %b %Y %H:%M} to {end:%d %b %Y %H:%M}"
    evidence = anomaly.evidence
    if anomaly.kind == "spike":
        seen, expected = evidence["seen_kwh"], evidence["expected_kwh"]
        text = f"a spike of {seen:,.1f} kWh where {expected:,.1f} kWh was expected ({when})"
    elif anomaly.kind == "flat_line":
        value, count = evidence["value_kwh"], evidence["readings"]
        text = f"the same reading, {value:,.3f} kWh, {count} times in a row ({when}): a stuck meter?"
    elif anomaly.kind == "zero_run":
        text = f"zero use over occupied hours ({when}) where {evidence['expected_kwh']:,.0f} kWh was expected"
    elif anomaly.kind == "interval_change":
        before, after = evidence["interval_before_minutes"], evidence["interval_after_minutes"]
        text = f"the meter's interval changed from {before:g} to {after:g} minutes on {start:%d %b %Y}"
    else:
        size, share = evidence["kwh_per_day"], evidence["share_of_expected"]
        text = f"use shifted by {size:+,.0f} kWh a day ({share:+.0%} of the baseline) from {start:%d %b %Y}"
    if anomaly.explained_by:
        return f"{text}; explained by a recorded event"
    return f"{text}, which no recorded event explains" if anomaly.open else text


def anomalies_detect_after_ingest(*, building: Building, first: pd.Timestamp, last: pd.Timestamp, **_: Any) -> None:
    """Detection runs after readings are stored (on the worker; in-process without one), so the first read of
    the months finds them cached. A queue that is down only defers the work to that first read.

    An integrator posting every few seconds would queue a detection per batch, each made stale by the next: a
    detection waits ANOMALY_DETECT_DELAY_SECONDS, and batches for the same months stored before it starts join it
    (the task clears the mark as it starts, so what is stored later queues another)."""
    months = pd.period_range(
        first.tz_convert(building.timezone).tz_localize(None).to_period("M"),
        last.tz_convert(building.timezone).tz_localize(None).to_period("M"),
        freq="M",
    )
    delay = settings.ANOMALY_DETECT_DELAY_SECONDS
    marked = detection_queued_key(str(building.pk), str(months[0]), str(months[-1]))
    # The mark outlives the delay in case the worker is late; a worker that never comes lets it expire.
    if not cache.add(marked, True, timeout=2 * delay + 60):
        return
    try:
        enqueue("mrv.detect_anomalies", str(building.pk), str(months[0]), str(months[-1]), countdown=delay)
    except Unavailable:
        cache.delete(marked)
        logger.warning("Anomaly detection for building %s deferred: the task queue is unavailable.", building.pk)


def detection_queued_key(building_id: str, first: str, last: str) -> str:
    """The mark of a detection of the months [first, last] queued and not started yet."""
    return f"anomalies-queued:{building_id}:{first}:{last}"


def anomalies_by_month(anomalies: list[FoundAnomaly], *, timezone: str) -> dict[pd.Period, list[FoundAnomaly]]:
    """The anomalies that touch each month."""
    by_month: dict[pd.Period, list[FoundAnomaly]] = {}
    for anomaly in anomalies:
        for month in anomaly.months(timezone):
            by_month.setdefault(month, []).append(anomaly)
    return by_month


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


def _shift_key(
    *, building: Building, baseline: Baseline | None, key: Callable[..., str]
) -> tuple[list[pd.Period], str] | None:
    """The reporting period so far and the cache key of its residual shift; None before there is one."""
    window = _reporting_window(building, baseline)
    if baseline is None or window is None:
        return None
    return window, key(building=building, first=window[0], last=window[-1], kind=f"shift-{baseline.pk}")


def _shifts(
    *, building: Building, baseline: Baseline | None, key: Callable[..., str], read: Mapping[str, Any] | None
) -> list[FoundAnomaly]:
    """The residual shift of the reporting period so far (cached), as a list of none or one."""
    shift = _shift_key(building=building, baseline=baseline, key=key)
    if baseline is None or shift is None:
        return []
    window, shift_key = shift
    found = cache.get(shift_key) if read is None else read.get(shift_key)
    if found is None:
        found = _detect_shift(building=building, baseline=baseline, months=window)
        cache.set(shift_key, found, timeout=MRV_CACHE_SECONDS)
    return found


def _reporting_window(building: Building, baseline: Baseline | None) -> list[pd.Period] | None:
    """The months after the baseline and after the retrofit's completion that have ended."""
    if baseline is None:
        return None
    # Filtered here, not in SQL, so that a batch's prefetched events serve it.
    completed = [
        event.end_date or event.start_date for event in building.events.all() if event.event_type == EventType.RETROFIT
    ]
    after = max([baseline.period_end, *completed])
    first = pd.Period(after, freq="M") + 1
    last = running_month(building, timezone.now()) - 1
    return inputs.months_between(first, last) if first <= last else None


def _detect_shift(*, building: Building, baseline: Baseline, months: list[pd.Period]) -> list[FoundAnomaly]:
    reporting = _daily_residuals(building, baseline, months)
    if reporting is None:
        return []  # a model fitted on months cannot say what a day should use
    residual, expected = reporting
    # What the model misses with the season (e.g. afternoons that need cooling on days whose mean does not)
    # recurs each year; it is taken from the baseline year's residuals on the same calendar days, so only a
    # change the baseline year did not have is left to find.
    window = inputs.months_between(pd.Period(baseline.period_start, freq="M"), pd.Period(baseline.period_end, freq="M"))
    seasonal = _daily_residuals(building, baseline, window)
    if seasonal is not None:
        usual = seasonal[0].rolling(SEASON_SMOOTHING_DAYS, center=True, min_periods=1).mean()
        by_day = usual.groupby(pd.DatetimeIndex(usual.index).strftime("%m-%d")).mean()
        residual = residual - by_day.reindex(pd.DatetimeIndex(residual.index).strftime("%m-%d")).fillna(0.0).to_numpy()
    shift = calc.residual_shift(residual, daily_expected_kwh=expected, thresholds=thresholds())
    if shift is None:
        return []
    localized = calc.Anomaly(
        kind=shift.kind,
        start=shift.start.tz_localize(building.timezone, nonexistent="shift_forward"),
        end=shift.end.tz_localize(building.timezone, nonexistent="shift_forward"),
        severity=shift.severity,
        evidence=shift.evidence,
    )
    return [_found(building, localized, list(building.events.exclude(event_type=EventType.RETROFIT)))]


def _daily_residuals(
    building: Building, baseline: Baseline, months: list[pd.Period]
) -> tuple[pd.Series, pd.Series] | None:
    """Actual minus the model's kWh on each complete day of `months` as a share of the model's kWh, scaled to the
    period's mean daily kWh, and the model's kWh; None without a model of days (a daily one, or an hourly one's
    days summed) or without complete days.

    Shares, because savings are a share of use: a retrofit saving 20 % saves more kWh on a hot day than on a mild
    one, and in kWh that seasonal swing would look like a shift."""
    conditions = inputs.model_conditions(
        building=building, months=months, model=baseline.model, events=inputs.calc_events(building)
    )
    expected = calc.expected_use(model=baseline.model, months=months, **conditions)
    actual = inputs.complete_days(building=building, first=calc.first_day(months[0]), last=calc.last_day(months[-1]))
    if expected is None or expected.daily_kwh is None or actual is None:
        return None
    days = actual.index.intersection(expected.daily_kwh.index)
    model = expected.daily_kwh[days]
    positive = model > 0
    share = actual[days][positive] / model[positive] - 1
    return share * float(model[positive].mean()), model[positive]


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
    """The recorded event that overlaps the anomaly; for a shift, one under way when it began or starting within
    SHIFT_EVENT_DAYS of it (an event anywhere in a shift of months would explain nothing)."""
    first_day: date = anomaly.start.tz_convert(timezone).date()
    last_day: date = (anomaly.end - pd.Timedelta(microseconds=1)).tz_convert(timezone).date()
    if anomaly.kind == "shift":
        last_day = first_day + SHIFT_EVENT_DAYS
        first_day = first_day - SHIFT_EVENT_DAYS
    for event in events:
        if event.start_date <= last_day and (event.end_date is None or event.end_date >= first_day):
            return str(event.pk)
    return None
