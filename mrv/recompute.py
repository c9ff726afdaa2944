"""The portfolio recompute (issue 18), set-based: a batch of buildings is read with one query per kind of input
(latest readings, baselines, month totals, meter intervals, reviews, factors, station temperatures) instead of
several per building, each run is assembled by the engine exactly as `mrv_run` assembles it, and the runs are
cached in one write.

On TimescaleDB the month totals of every building come from one query of the day rows kept beside the
readings (metering.readings.rollup), and the meters' intervals from one LATERAL query. Elsewhere (SQLite) each
building takes the per-building path, `mrv_recompute_one`, which the batch must equal number for number
(tests/mrv/test_batch_recompute.py).
"""

import functools
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from buildings.models import Building
from metering.factors.selectors import FactorChoice, factors_for_days
from metering.readings.models import MeterReading
from metering.readings.rollup import Window, bucket_totals
from metering.readings.selectors import meter_interval, modal_spacing
from metering.readings.timeseries import instants
from mrv import calc

from . import inputs
from .anomalies import anomalies_by_month, anomaly_cache_keys, building_anomalies
from .cache_keys import MRV_CACHE_SECONDS, KeyState, factors_fingerprint, running_month
from .engine import MrvRun, PeriodInputs, run_from_inputs
from .models import Baseline, Decision, MonthReview
from .selectors import complete_month_of, latest_complete_month
from .services import mrv_calculated_publish, mrv_recompute

MONTHS = 12  # a recompute covers the building's last twelve complete months
READINGS = MeterReading._meta.db_table
# meter_interval's sample: the latest readings of the month before the end of the run.
INTERVAL_SAMPLE, INTERVAL_WINDOW = 100, timedelta(days=31)


def recompute_months(last: pd.Period) -> tuple[pd.Period, pd.Period]:
    """The first and last month a recompute covers, given the building's latest complete month."""
    return last - (MONTHS - 1), last


def outcome(building_id: str, run: MrvRun | None) -> dict[str, Any]:
    """What a recompute task returns for one building, for the portfolio summary."""
    return {
        "building_id": building_id,
        "computed": run is not None,
        "savings_kwh": run.totals["savings_kwh"] if run else 0.0,
        "co2_saved_kg": run.totals["co2_saved_kg"] if run else 0.0,
    }


def mrv_recompute_one(building_id: str) -> dict[str, Any]:
    """The per-building path: computes, caches and announces the building's last MONTHS complete months."""
    building = Building.objects.filter(pk=building_id).first()
    last = latest_complete_month(building) if building else None
    if building is None or last is None:
        return outcome(building_id, None)
    first, last = recompute_months(last)
    return outcome(building_id, mrv_recompute(building=building, first=first, last=last))


def mrv_recompute_batch(*, building_ids: list[str]) -> list[dict[str, Any]]:
    """`mrv_recompute_one` for each building, with the batch's inputs read together; one outcome per id."""
    if connection.vendor != "postgresql":
        return [mrv_recompute_one(building_id) for building_id in building_ids]
    now = timezone.now()
    buildings = {
        str(b.pk): b
        for b in Building.objects.filter(pk__in=building_ids)
        .select_related("weather_station", "owner")
        .prefetch_related("events")
    }
    latest = _latest_readings(list(buildings), now)
    spans = {}
    for pk, building in buildings.items():
        last = complete_month_of(building, latest=latest.get(pk), now=now)
        if last is not None:
            spans[pk] = inputs.months_between(*recompute_months(last))
    batch = _Batch(buildings={pk: buildings[pk] for pk in spans}, spans=spans, now=now)
    runs = {pk: batch.run(pk) for pk in spans}
    cache.set_many(
        {batch.keys[pk].key(building=buildings[pk], first=m[0], last=m[-1]): runs[pk] for pk, m in spans.items()},
        timeout=MRV_CACHE_SECONDS,
    )
    for pk, months in spans.items():
        mrv_calculated_publish(building=buildings[pk], run=runs[pk], first=months[0], last=months[-1])
    return [outcome(pk, runs.get(pk)) for pk in building_ids]


class _Batch:
    """The stored inputs of a batch's runs, read together; `run(pk)` assembles one building's run from them."""

    def __init__(self, *, buildings: dict[str, Building], spans: dict[str, list[pd.Period]], now: datetime):
        self.buildings, self.spans, self.now = buildings, spans, now
        factors = factors_fingerprint()
        self.keys = {pk: KeyState(b.data_version, factors, running_month(b, now)) for pk, b in self.buildings.items()}
        self.baselines = _current_baselines(list(buildings))
        bounds = {pk: calc.months_bounds(months, buildings[pk].timezone) for pk, months in spans.items()}
        windows = {pk: (starts[0], ends[-1]) for pk, (starts, ends) in bounds.items()}
        self.totals = _month_totals(buildings, windows)
        self.intervals = _intervals(buildings, {pk: end for pk, (_, end) in windows.items()})
        self.approved = _approved(list(buildings))
        self.anomalies_read = cache.get_many(
            [
                key
                for pk, months in spans.items()
                for key in anomaly_cache_keys(
                    building=buildings[pk],
                    first=months[0],
                    last=months[-1],
                    baseline=self.baselines.get(pk),
                    key=self.keys[pk].key,
                )
            ]
        )
        self._temperatures: dict[tuple, Any] = {}
        self._factors: dict[tuple, dict[date, FactorChoice | None]] = {}

    def run(self, pk: str) -> MrvRun:
        building, months, baseline = self.buildings[pk], self.spans[pk], self.baselines.get(pk)
        first_days = [calc.first_day(month) for month in months]
        events = inputs.calc_events(building)
        adjusted, expected_use = {}, None
        if baseline is not None:
            conditions = self._conditions(building, months, baseline.model, events)
            adjusted = calc.adjusted_baselines_kwh(model=baseline.model, months=months, **conditions)
            # The model's shape is needed only where a month has gaps: computed then, once (as engine._adjusted).
            expected_use = functools.cache(
                functools.partial(calc.expected_use, model=baseline.model, months=months, **conditions)
            )
        found = building_anomalies(
            building=building,
            first=months[0],
            last=months[-1],
            baseline=baseline,
            key=self.keys[pk].key,
            read=self.anomalies_read,
        )
        gathered = PeriodInputs(
            months=months,
            first_days=first_days,
            events=events,
            qualities=inputs.qualities_from_totals(
                building=building,
                months=months,
                found=self.totals.get(pk, {}),
                interval=self.intervals[pk],
                expected_use=expected_use,
            ),
            adjusted=adjusted,
            factors=self._factors_for(building.grid_region, first_days),
            approved={day for day in self.approved.get(pk, ()) if first_days[0] <= day <= first_days[-1]},
            current=calc.current_month(timezone=building.timezone, now=pd.Timestamp(self.now)),
            anomalies=anomalies_by_month(found, timezone=building.timezone),
            zone=building.timezone,
        )
        return run_from_inputs(building=building, baseline=baseline, gathered=gathered)

    def _conditions(self, building: Building, months: list[pd.Period], model: dict, events) -> dict[str, Any]:
        """`inputs.model_conditions`, with each station's temperatures read once for the buildings that share
        its zone and months."""
        hourly = model.get("granularity") == "hourly"
        memo = (building.weather_station_id, building.timezone, months[0], months[-1], hourly)
        if memo not in self._temperatures:
            if hourly:
                start, end = inputs.span_of(building, months)
                self._temperatures[memo] = inputs.hourly_temperatures(building=building, start=start, end=end)
            else:
                self._temperatures[memo] = inputs.daily_temperatures(building=building, months=months)
        if hourly:
            return {"hourly_temperature_c": self._temperatures[memo]}
        return {
            "daily_temperature_c": self._temperatures[memo],
            "daily_occupancy": inputs.daily_occupancy(building=building, months=months, events=events),
        }

    def _factors_for(self, region: str, days: list[date]) -> dict[date, FactorChoice | None]:
        memo = (region.lower(), tuple(days))
        if memo not in self._factors:
            self._factors[memo] = factors_for_days(region=region, days=days)
        return self._factors[memo]


def _rows(sql: str, params: Iterable[Any]) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.fetchall()


def _newest_readings(column: str, *, since: str, until: str, inclusive: bool, limit: str) -> str:
    """A subquery of the newest `limit` readings of building `w.id` with `since` <= time and time before `until`,
    or at it if `inclusive` (SQL expressions), newest first, that only the (building_id, time) index can answer:
    one probe a chunk.

    Written with `building_id = w.id`, the planner may walk the time index backwards through each newer chunk and
    filter out every other building's readings, as it did once the hypertable held buildings whose readings end at
    different dates (9 s for 50 buildings, where the probes take 8 ms). Row comparisons keep the building in the
    index condition, and the order by building and time is one the time index cannot give.
    """
    return (
        f"SELECT {column} FROM {READINGS} r "
        f"WHERE (r.building_id, r.time) >= (w.id, {since}) "
        f"AND (r.building_id, r.time) {'<=' if inclusive else '<'} (w.id, {until}) "
        f"ORDER BY r.building_id DESC, r.time DESC LIMIT {limit}"
    )


def _latest_readings(ids: list[str], now: datetime) -> dict[str, datetime]:
    """Each building's latest reading up to `now`: one index probe per building and chunk, in one query."""
    latest = _newest_readings("r.time", since="'-infinity'::timestamptz", until="%s", inclusive=True, limit="1")
    rows = _rows(f"SELECT w.id::text, ({latest}) FROM unnest(%s::uuid[]) AS w(id)", [now, ids])
    return {pk: latest for pk, latest in rows if latest is not None}


def _current_baselines(ids: list[str]) -> dict[str, Baseline]:
    """`selectors.current_baseline` of each building (the newest), in one query."""
    newest = Baseline.objects.filter(building_id__in=ids).order_by("building_id", "-created_at").distinct("building_id")
    return {str(baseline.building_id): baseline for baseline in newest}


def _month_totals(
    buildings: dict[str, Building], windows: dict[str, tuple[pd.Timestamp, pd.Timestamp]]
) -> dict[str, dict[pd.Period, tuple[float, int]]]:
    """kWh and reading count per calendar month of each building's zone over its window, in one read of the day
    rows (`bucket_totals`, which `meter_bucket_totals` reads one building through)."""
    rows = bucket_totals(
        {
            pk: Window(start.to_pydatetime(), end.to_pydatetime(), buildings[pk].timezone)
            for pk, (start, end) in windows.items()
        },
        "month",
    )
    totals: dict[str, dict[pd.Period, tuple[float, int]]] = {pk: {} for pk in windows}
    if not rows:
        return totals
    frame = pd.DataFrame(rows, columns=["building", "bucket", "kwh", "count"])
    frame["bucket"] = instants(frame["bucket"])
    for building, months in frame.groupby("building", sort=False):
        pk = str(building)
        local = pd.DatetimeIndex(months["bucket"]).tz_convert(buildings[pk].timezone).tz_localize(None)
        # Plain floats and ints, as the per-building read gives them.
        sums = zip(months["kwh"].tolist(), months["count"].tolist(), strict=True)
        totals[pk] = dict(zip(local.to_period("M"), sums, strict=True))
    return totals


def _intervals(buildings: dict[str, Building], ends: dict[str, pd.Timestamp]) -> dict[str, pd.Timedelta | None]:
    """`meter_interval(before=end)` of each building: its sample of latest readings in one LATERAL query; a meter
    with fewer than two readings in the month before `end` is asked alone, as meter_interval widens its look."""
    ids = list(ends)
    sample = _newest_readings(
        "EXTRACT(EPOCH FROM r.time)::float8",
        since="w.since",
        until="w.before",
        inclusive=False,
        limit=str(INTERVAL_SAMPLE),
    )
    rows = _rows(
        f"SELECT w.id::text, array({sample}) "
        "FROM unnest(%s::uuid[], %s::timestamptz[], %s::timestamptz[]) AS w(id, before, since)",
        [
            ids,
            [ends[pk].to_pydatetime() for pk in ids],
            [(ends[pk] - INTERVAL_WINDOW).to_pydatetime() for pk in ids],
        ],
    )
    intervals = {}
    for pk, times in rows:
        if len(times) >= 2:
            intervals[pk] = modal_spacing(times)
        else:
            intervals[pk] = meter_interval(building=buildings[pk], before=ends[pk], sample=INTERVAL_SAMPLE)
    return intervals


def _approved(ids: list[str]) -> dict[str, set[date]]:
    """The months a verifier approved, per building."""
    approved: dict[str, set[date]] = {}
    reviews = MonthReview.objects.filter(building_id__in=ids, decision=Decision.APPROVE)
    for building_id, month in reviews.values_list("building_id", "month"):
        approved.setdefault(str(building_id), set()).add(month)
    return approved
