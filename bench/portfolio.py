"""Portfolio scale (issue 8): N building-years of 15-minute data ingested through the service, then MRV
recomputed for every building by a real Celery worker fan-out; time and peak memory of both sides."""

import os
import resource
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from celery import group
from django.db import connection

from buildings.models import Building
from buildings.services import building_create, event_record, station_create
from metering.parsers.demo_series import generate_meter, generate_weather
from metering.readings.services import meter_readings_ingest
from metering.weather.services import temperatures_ingest
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


def portfolio(owner, *, count: int) -> tuple[list[Result], str]:
    from carbonexia.celery import app
    from carbonexia.common.tasks import echo
    from mrv.tasks import detect_anomalies, portfolio_chord

    ingest_s, rows = _ingest(owner, count)
    web_peak = _peak_rss_mb(resource.RUSAGE_SELF)
    log = Path(tempfile.mkstemp(prefix="bench-worker-", suffix=".log")[1])
    # Storing readings queued a detection per building; the fan-out below times that work on its own.
    app.control.purge()
    worker = _worker(log)
    try:
        echo.delay("ready").get(timeout=120)  # the worker's start-up is not part of the recompute
        started = time.perf_counter()
        summary = portfolio_chord().get(timeout=3600)
        recompute_s = time.perf_counter() - started
        ids = [str(pk) for pk in Building.objects.order_by("pk").values_list("pk", flat=True)]
        started = time.perf_counter()
        found = group(detect_anomalies.s(pk, "2023-01", "2023-12") for pk in ids)().get(timeout=3600)
        detect_s = time.perf_counter() - started
        # Read before the worker stops: each pool process's own peak, and the main process's.
        main_peak = _high_water_mb(worker.pid)
        pool_peak = max((_high_water_mb(pid) for pid in _children(worker.pid)), default=0.0)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=120)
    reference_s = _aggregate_all()
    note = (
        f"{count} building-years, {rows:,} readings: ingest {ingest_s:,.0f} s ({rows / ingest_s:,.0f} rows/s), "
        f"recompute {recompute_s:,.0f} s for {summary['computed']} buildings on a 2-process worker; "
        f"anomaly detection {detect_s:,.0f} s for {len(ids)} building-years ({sum(found)} anomalies); "
        f"peak RSS: ingesting (web-side services) process {web_peak:,.0f} MiB, worker main process "
        f"{main_peak:,.0f} MiB, largest worker pool process {pool_peak:,.0f} MiB"
    )
    results = [
        Result(
            f"Portfolio recompute, {count} buildings (Celery chord, 2 worker processes)",
            recompute_s,
            "one SQL monthly aggregation of the whole hypertable",
            reference_s,
            None,
            note,
        ),
        Result(
            f"Portfolio anomaly detection, {count} building-years (Celery group, 2 worker processes)",
            detect_s,
            "one SQL monthly aggregation of the whole hypertable",
            reference_s,
            None,
        ),
    ]
    return results, note
