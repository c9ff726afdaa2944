"""Portfolio scale (issues 8 and 18): N building-years of 15-minute data ingested through the service, their
anomalies found, then MRV recomputed for every building by a real Celery worker fan-out, in batches and (for
comparison) one task per building; time and peak memory of both sides."""

import os
import resource
import signal
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from celery import group
from django.conf import settings
from django.db import connection

from buildings.models import Building
from buildings.services import building_create, event_record, station_create
from metering.parsers.demo_series import generate_meter, generate_weather
from metering.readings.services import meter_readings_ingest
from metering.weather.services import temperatures_ingest
from mrv.recompute import MONTHS, recompute_months
from mrv.selectors import latest_complete_month
from mrv.services import baseline_calculate

from .harness import Result
from .server import worker_command

TZ = "Asia/Kolkata"
ROOT = Path(__file__).resolve().parents[1]


def _peak_rss_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended while we looked
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _high_water_mb(pid: int) -> float:
    """A live process's peak resident set so far (VmHWM), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _ingest(owner, count: int) -> tuple[float, int]:
    weather = generate_weather(start="2023-01-01", end="2025-01-02", tz=TZ, seed=1, climate="subtropical")
    station = station_create(owner=owner, name="Portfolio station", latitude=28.6, longitude=77.2, timezone=TZ)
    temperatures_ingest(station=station, frame=weather)
    template = generate_meter(
        weather=weather,
        start="2023-01-01",
        end="2024-01-01",
        tz=TZ,
        seed=1,
        cooling_kw_per_degc=20,
        heating_kw_per_degc=0,
    )
    rng = np.random.default_rng(7)
    rows, started = 0, time.perf_counter()
    for n in range(count):
        building = building_create(
            owner=owner, name=f"Portfolio {n}", area_sqft=50_000, timezone=TZ, weather_station=station
        )
        frame = template.assign(kwh=np.round(template["kwh"] * rng.uniform(0.3, 3.0), 3))
        meter_readings_ingest(building=building, frame=frame, source="MANUAL")
        rows += len(frame)
        event_record(
            building=building,
            recorded_by=owner,
            event_type="retrofit",
            start_date=pd.Timestamp("2023-06-01").date(),
            end_date=pd.Timestamp("2023-06-15").date(),
        )
        baseline_calculate(
            actor=owner,
            building=building,
            baseline_start=pd.Timestamp("2023-01-01").date(),
            baseline_end=pd.Timestamp("2023-05-31").date(),
            method="historical",
        )
    return time.perf_counter() - started, rows


def _worker(log: Path) -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    }
    command = worker_command(os.environ["CELERY_QUEUE"], concurrency=2)
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)


def _aggregate_all() -> float:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT building_id, time_bucket('1 month'::interval, time, %s), sum(value_kwh), count(*) "
            "FROM metering_meterreading GROUP BY 1, 2",
            [TZ],
        )
        cursor.fetchall()
    return time.perf_counter() - started


def _recompute_windows() -> dict[str, tuple[str, str] | None]:
    """Every building's first and last month that the recompute covers (None for a building without readings).

    Under `make bench` the database also holds the other benchmarks' buildings, whose readings lie in other
    months than the portfolio's 2023; their detections, like the portfolio's, are done before the recompute.
    """
    windows: dict[str, tuple[str, str] | None] = {}
    for building in Building.objects.order_by("pk"):
        latest = latest_complete_month(building)
        if latest is None:
            windows[str(building.pk)] = None
        else:
            first, last = recompute_months(latest)
            windows[str(building.pk)] = (str(first), str(last))
    return windows


def portfolio(owner, *, count: int) -> tuple[list[Result], str]:
    from carbonexia.celery import app
    from carbonexia.common.tasks import echo
    from mrv.tasks import detect_anomalies, portfolio_chord, recompute_building

    ingest_s, rows = _ingest(owner, count)
    web_peak = _peak_rss_mb(resource.RUSAGE_SELF)
    log = Path(tempfile.mkstemp(prefix="bench-worker-", suffix=".log")[1])
    # Storing readings queued a detection per building; the fan-out below times that work on its own, first,
    # as the worker does it after ingest: the nightly recompute then finds each month's anomalies cached.
    app.control.purge()
    worker = _worker(log)
    try:
        echo.delay("ready").get(timeout=120)  # the worker's start-up is not part of the recompute
        windows = _recompute_windows()
        ids = list(windows)
        started = time.perf_counter()
        found = group(detect_anomalies.s(pk, *months) for pk, months in windows.items() if months)().get(timeout=3600)
        detect_s = time.perf_counter() - started
        # The reference right before and after the recompute too (median of three), so that load from outside
        # the bench that lands on one measurement moves the ratio less.
        references = [_aggregate_all()]
        started = time.perf_counter()
        summary = portfolio_chord().get(timeout=3600)
        recompute_s = time.perf_counter() - started
        references.append(_aggregate_all())
        # The per-building path (one task and its own queries per building), on the same cached anomalies.
        started = time.perf_counter()
        group(recompute_building.s(pk) for pk in ids)().get(timeout=3600)
        one_by_one_s = time.perf_counter() - started
        # Read before the worker stops: each pool process's own peak, and the main process's.
        main_peak = _high_water_mb(worker.pid)
        pool_peak = max((_high_water_mb(pid) for pid in _children(worker.pid)), default=0.0)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=120)
    reference_s = statistics.median([*references, _aggregate_all()])
    note = (
        f"{count} building-years, {rows:,} readings: ingest {ingest_s:,.0f} s ({rows / ingest_s:,.0f} rows/s); "
        f"anomaly detection {detect_s:,.0f} s for the last {MONTHS} months of {len(found)} buildings "
        f"({sum(found)} anomalies); "
        f"recompute {recompute_s:,.1f} s for {summary['computed']} buildings in batches of "
        f"{settings.MRV_RECOMPUTE_BATCH_SIZE} on a 2-process worker, {one_by_one_s:,.1f} s one task per building; "
        f"peak RSS: ingesting (web-side services) process {web_peak:,.0f} MiB, worker main process "
        f"{main_peak:,.0f} MiB, largest worker pool process {pool_peak:,.0f} MiB"
    )
    reference = "one SQL monthly aggregation of the whole hypertable"
    results = [
        Result(
            f"Portfolio recompute, {count} buildings (Celery chord of batches, 2 worker processes, anomalies found)",
            recompute_s,
            reference,
            reference_s,
            2.0,
            note,
        ),
        Result(
            f"Portfolio recompute, {count} buildings, one task per building (the path before batches)",
            one_by_one_s,
            reference,
            reference_s,
        ),
        Result(
            f"Portfolio anomaly detection, {count} building-years (Celery group, 2 worker processes)",
            detect_s,
            reference,
            reference_s,
        ),
    ]
    return results, note
