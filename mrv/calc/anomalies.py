"""Meter anomalies and non-routine event candidates, found in stored readings without a per-reading loop.

Expected use of each interval: the meter's own time-of-week profile (the median of each weekly slot over
the readings given) plus the median departure from it over
the hours around each reading, so a hot afternoon raises what is expected and a unit error does not hide in it.

Kinds (each with a span, the values seen and expected, and a severity):
- spike: an interval whose relative residual has a robust z-score (against 1.4826 × MAD of all relative
  residuals) of at least ``spike_z`` and is at least ``spike_min_ratio`` times what was expected.
- flat_line: the same non-zero value for at least ``flat_run_hours`` in a row (a stuck register).
- zero_run: zeros for at least ``zero_run_hours`` in a row over hours the profile says are occupied.
- interval_change: the meter's reading interval (the modal spacing of a day's timestamps) changes.
- shift: a sustained shift of the daily residuals of the baseline model (``mrv.calc.residual_shift``).

Readings here are kWh per interval, as stored: a negative value never gets past ingestion, so resets of a
cumulative register show up, if at all, as spikes or zero runs of the converted series.
"""

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from mrv.calc.errors import CalcInputError

KINDS = ("spike", "flat_line", "zero_run", "interval_change", "shift")
SEVERE, WARNING = "severe", "warning"
# Half the span of readings around each one whose level sets what is expected of it.
LEVEL_WINDOW = pd.Timedelta(hours=2)
DAY_NS = 86_400 * 10**9


@dataclass(frozen=True)
class AnomalyThresholds:
    spike_z: float = 8.0
    spike_min_ratio: float = 2.0
    spike_min_spread: float = 0.02  # floor of the residuals' robust spread, so a noiseless meter is not all spikes
    flat_run_hours: float = 6.0
    zero_run_hours: float = 2.0
    occupied_level: float = 0.5  # share of the way from the profile's base (5th pct) to its peak (95th pct)
    shift_statistic: float = 6.0  # mean-shift test statistic after the autocorrelation correction
    shift_min_share: float = 0.05  # of the mean daily expected use
    shift_min_days: int = 14  # half the window on each side of a split (so 28 days before and after by default)


DEFAULT_THRESHOLDS = AnomalyThresholds()


@dataclass(frozen=True)
class Anomaly:
    kind: str
    start: pd.Timestamp
    end: pd.Timestamp  # exclusive
    severity: str
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "severity": self.severity,
            "evidence": dict(self.evidence),
        }


def meter_anomalies(
    readings: pd.Series,
    *,
    timezone: str,
    interval: pd.Timedelta,
    thresholds: AnomalyThresholds = DEFAULT_THRESHOLDS,
) -> list[Anomaly]:
    """Spikes, flat lines, zero runs and interval changes in ``readings`` (kWh per interval, tz-aware index)."""
    if not isinstance(readings.index, pd.DatetimeIndex) or readings.index.tz is None:
        raise CalcInputError("Meter readings need timezone-aware timestamps.")
    if interval <= pd.Timedelta(0):
        raise CalcInputError("The reading interval must be positive.")
    series = readings.dropna().astype(float).sort_index()
    series = series[~series.index.duplicated()]
    if len(series) < 2:
        return []
    local = pd.DatetimeIndex(series.index).tz_convert(timezone)
    values = series.to_numpy()
    changes = _interval_changes(local, interval)
    found = list(changes)
    # Each stretch read at one interval is judged against its own profile: an hourly reading holds four
    # quarter-hours' kWh and would look like a spike against a quarter-hourly profile.
    cuts = np.searchsorted(_nanoseconds(local), [change.start.value for change in changes])
    intervals = [interval] + [pd.Timedelta(change.evidence["interval_after_minutes"], unit="min") for change in changes]
    for part, step in zip(np.split(np.arange(len(values)), cuts), intervals, strict=True):
        if len(part) > 1:
            found += _within_one_interval(values[part], local[part], step, thresholds)
    return sorted(found, key=lambda a: (a.start, a.kind))


def _within_one_interval(
    values: np.ndarray, local: pd.DatetimeIndex, interval: pd.Timedelta, thresholds: AnomalyThresholds
) -> list[Anomaly]:
    found = _flat_lines(values, local, interval, thresholds)
    if interval < pd.Timedelta(days=1):
        typical = _typical(values, local, interval)
        expected = _expected(values, typical, interval)
        found += _spikes(values, expected, local, interval, thresholds)
        found += _zero_runs(values, typical, expected, local, interval, thresholds)
    return found


def _slots(local: pd.DatetimeIndex, interval: pd.Timedelta) -> np.ndarray:
    minutes = local.dayofweek.to_numpy() * 1440 + local.hour.to_numpy() * 60 + local.minute.to_numpy()
    slots: np.ndarray = minutes // max(int(interval / pd.Timedelta(minutes=1)), 1)
    return slots


def _typical(values: np.ndarray, local: pd.DatetimeIndex, interval: pd.Timedelta) -> np.ndarray:
    """The time-of-week profile (the median of each weekly slot) at each reading."""
    typical: np.ndarray = pd.Series(values).groupby(_slots(local, interval)).transform("median").to_numpy()
    return typical


def _expected(values: np.ndarray, typical: np.ndarray, interval: pd.Timedelta) -> np.ndarray:
    """The time-of-week profile plus the median departure from it over the hours around each reading: weather
    adds or removes load for hours at a time, a spike or a dropout does not move a median."""
    window = 2 * max(int(LEVEL_WINDOW / interval), 1) + 1
    departure = pd.Series(values - typical).rolling(window, center=True, min_periods=1).median().to_numpy()
    expected: np.ndarray = np.maximum(typical + departure, 0.0)
    return expected


def _runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (exclusive) positions of each run of True in ``mask``."""
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)


def _contiguous(local: pd.DatetimeIndex, interval: pd.Timedelta) -> np.ndarray:
    """True where a reading follows the previous one by exactly one interval."""
    steps = np.diff(_nanoseconds(local), prepend=_nanoseconds(local)[0] - interval.value)
    contiguous: np.ndarray = steps == interval.value
    return contiguous


def _spikes(
    values: np.ndarray,
    expected: np.ndarray,
    local: pd.DatetimeIndex,
    interval: pd.Timedelta,
    thresholds: AnomalyThresholds,
) -> list[Anomaly]:
    floor = max(float(np.nanpercentile(expected, 5)), 1e-9)
    relative = (values - expected) / np.maximum(expected, floor)
    centre = np.nanmedian(relative)
    scale = max(1.4826 * float(np.nanmedian(np.abs(relative - centre))), thresholds.spike_min_spread)
    z = (relative - centre) / scale
    hits = (z >= thresholds.spike_z) & (values >= thresholds.spike_min_ratio * np.maximum(expected, floor))
    starts, ends = _runs(hits)
    return [
        Anomaly(
            kind="spike",
            start=local[s],
            end=local[e - 1] + interval,
            severity=SEVERE if values[s:e].max() >= 10 * max(expected[s:e].max(), floor) else WARNING,
            evidence={
                "seen_kwh": round(float(values[s:e].max()), 3),
                "expected_kwh": round(float(expected[s:e].max()), 3),
                "robust_z": round(float(z[s:e].max()), 1),
            },
        )
        for s, e in zip(starts, ends, strict=True)
    ]


def _flat_lines(
    values: np.ndarray, local: pd.DatetimeIndex, interval: pd.Timedelta, thresholds: AnomalyThresholds
) -> list[Anomaly]:
    minimum = max(int(np.ceil(pd.Timedelta(hours=thresholds.flat_run_hours) / interval)), 3)
    same = np.concatenate([[False], (np.diff(values) == 0) & (values[1:] != 0)]) & _contiguous(local, interval)
    starts, ends = _runs(same)
    found = []
    for s, e in zip(starts - 1, ends, strict=True):  # a run of equal steps starts one reading earlier
        if e - s >= minimum:
            found.append(
                Anomaly(
                    kind="flat_line",
                    start=local[s],
                    end=local[e - 1] + interval,
                    severity=SEVERE if (e - s) * interval >= pd.Timedelta(days=1) else WARNING,
                    evidence={"value_kwh": float(values[s]), "readings": int(e - s)},
                )
            )
    return found


def _zero_runs(
    values: np.ndarray,
    typical: np.ndarray,
    expected: np.ndarray,
    local: pd.DatetimeIndex,
    interval: pd.Timedelta,
    thresholds: AnomalyThresholds,
) -> list[Anomaly]:
    base, peak = np.percentile(typical, [5, 95])
    occupied = typical > base + thresholds.occupied_level * (peak - base) if peak > base else typical > 0
    minimum = max(int(np.ceil(pd.Timedelta(hours=thresholds.zero_run_hours) / interval)), 2)
    starts, ends = _runs(values == 0)
    found = []
    for s, e in zip(starts, ends, strict=True):
        if e - s >= minimum and occupied[s:e].any():
            found.append(
                Anomaly(
                    kind="zero_run",
                    start=local[s],
                    end=local[e - 1] + interval,
                    severity=SEVERE,
                    evidence={
                        "readings": int(e - s),
                        "expected_kwh": round(float(np.nansum(expected[s:e])), 3),
                        "occupied_readings": int(occupied[s:e].sum()),
                    },
                )
            )
    return found


def _interval_changes(local: pd.DatetimeIndex, interval: pd.Timedelta) -> list[Anomaly]:
    """Days whose modal spacing between readings of the same day differs from the day before (the first day is
    compared with ``interval``); a gap between days or a day with one reading says nothing about the interval."""
    days = _nanoseconds(local.tz_localize(None)) // DAY_NS  # local calendar days
    same_day = days[1:] == days[:-1]
    steps, step_days = np.diff(_nanoseconds(local))[same_day], days[1:][same_day]
    if not steps.size:
        return []
    modal = pd.Series(interval.value, index=np.unique(step_days))
    # Only days with a step of another length can have another modal step; counting those alone stays cheap.
    odd_days = np.unique(step_days[steps != interval.value])
    if odd_days.size:
        on_odd = np.isin(step_days, odd_days)
        counts = pd.DataFrame({"day": step_days[on_odd], "step": steps[on_odd]}).value_counts().reset_index(name="n")
        # The most frequent step of each day; on a tie the shorter one, as Series.mode would pick.
        best = counts.sort_values(["day", "n", "step"], ascending=[True, False, True]).drop_duplicates("day")
        modal[best["day"].to_numpy()] = best["step"].to_numpy()
    previous = modal.shift(1, fill_value=interval.value)
    changed = modal[modal != previous]
    zone = local.tz
    return [
        Anomaly(
            kind="interval_change",
            start=pd.Timestamp(int(day) * DAY_NS).tz_localize(zone),
            end=(pd.Timestamp(int(day) * DAY_NS) + pd.Timedelta(days=1)).tz_localize(zone),
            severity=WARNING,
            evidence={
                "interval_before_minutes": previous[day] / 60e9,
                "interval_after_minutes": modal[day] / 60e9,
            },
        )
        for day in changed.index
    ]


def _nanoseconds(index: pd.DatetimeIndex) -> np.ndarray:
    """Nanoseconds since 1970 (UTC for an aware index, wall-clock time for a naive one)."""
    naive = index.tz_convert("UTC").tz_localize(None) if index.tz is not None else index
    nanoseconds: np.ndarray = naive.to_numpy(dtype="datetime64[ns]").view(np.int64)
    return nanoseconds
