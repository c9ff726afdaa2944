"""`make loadtest`: Locust, headless and bounded, against gunicorn (DEBUG off), TimescaleDB, Redis and a Celery
worker, all on loopback and all started here, in a database of its own that is dropped at the end.

LOADTEST_TIME (default 3m) is the length of the run; LOADTEST_INTEGRATORS (50) and LOADTEST_PORTAL_USERS (20) the
users; LOADTEST_BATCH_SECONDS (10) how often each integrator posts its 1,000 readings; LOADTEST_WEB_WORKERS (4)
gunicorn's workers. Exits non-zero when any request failed or the rows stored differ from the rows sent."""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carbonexia.settings")
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = os.environ.get("TEST_DATABASE_URL", "")
if not os.environ["DATABASE_URL"].startswith("postgres") or not os.environ.get("REDIS_URL"):
    sys.exit("make loadtest needs TimescaleDB and Redis: run it through `make loadtest`, which provisions them.")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="carbonexia-loadtest-media-"))
os.environ["CELERY_QUEUE"] = f"loadtest-{os.getpid()}"  # its own worker takes its tasks, nobody else's
os.environ["ACCESS_TOKEN_MINUTES"] = "600"  # the integrators' tokens outlive any run
django.setup()

import pandas as pd  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from rest_framework_simplejwt.tokens import RefreshToken  # noqa: E402

from accounts.models import User  # noqa: E402
from buildings.services import building_create, station_create  # noqa: E402
from metering.parsers.demo_series import generate_meter, generate_weather  # noqa: E402
from metering.readings.models import MeterReading  # noqa: E402
from metering.readings.services import meter_readings_ingest  # noqa: E402
from metering.weather.services import temperatures_ingest  # noqa: E402
from mrv.services import baseline_calculate  # noqa: E402

from ..server import celery_worker, database_url, gunicorn, production_env  # noqa: E402

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "results"
TZ = "America/Chicago"
PASSWORD = "load-test-password-1"
# p95 targets of issue 18, in ms, by the start of the endpoint's name in the Locust stats.
TARGETS = {"POST /meter/readings": 500, "GET /portal/buildings": 300, "GET /mrv": 300}


def _seed(integrators: int, portal_users: int) -> dict:
    """Integrators with an empty building each; portal users with a building of 18 months of 15-minute readings,
    a weather station and a baseline fitted on 2023, so the dashboard and the savings API have months to show."""
    plan: dict = {"integrators": [], "portal": [], "batch_start": "2024-01-01T00:00:00+00:00"}
    for n in range(integrators):
        user = User.objects.create_user(email=f"integrator{n}@load.test", password=None)
        building = building_create(owner=user, name=f"Integrated {n}", area_sqft=50_000, timezone=TZ)
        plan["integrators"].append(
            {"building_id": str(building.pk), "token": str(RefreshToken.for_user(user).access_token)}
        )
    weather = generate_weather(start="2023-01-01", end="2024-07-02", tz=TZ, seed=11, climate="continental")
    for n in range(portal_users):
        user = User.objects.create_user(email=f"manager{n}@load.test", password=PASSWORD)
        station = station_create(owner=user, name=f"Station {n}", latitude=41.9, longitude=-87.6, timezone=TZ)
        temperatures_ingest(station=station, frame=weather)
        building = building_create(
            owner=user, name=f"Office {n}", area_sqft=50_000, timezone=TZ, weather_station=station
        )
        meter = generate_meter(weather=weather, start="2023-01-01", end="2024-07-01", tz=TZ, seed=n)
        meter_readings_ingest(building=building, frame=meter, source="MANUAL")
        baseline_calculate(
            actor=user,
            building=building,
            baseline_start=pd.Timestamp("2023-01-01").date(),
            baseline_end=pd.Timestamp("2023-12-31").date(),
        )
        plan["portal"].append({"email": user.email, "password": PASSWORD, "building_id": str(building.pk)})
    plan["savings"] = {"start": "2024-01", "end": "2024-06"}
    return plan


def _warm(plan: dict) -> None:
    """What the nightly recompute leaves behind: every portal building's dashboard and savings read once (their MRV
    runs and anomalies cached in Redis), so the run measures steady reads, not 20 first computations at once."""
    for entry in plan["portal"]:
        client = Client()
        client.force_login(User.objects.get(email=entry["email"]))
        building = entry["building_id"]
        savings = f"/mrv/{building}/savings?start={plan['savings']['start']}&end={plan['savings']['end']}"
        token = RefreshToken.for_user(User.objects.get(email=entry["email"])).access_token
        for response in (
            client.get(f"/portal/buildings/{building}/"),
            client.get(savings, HTTP_AUTHORIZATION=f"Bearer {token}"),
        ):
            assert response.status_code == 200, response.content[:300]


def _locust(base: str, plan_path: Path, results: Path, users: int) -> int:
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(HERE / "locustfile.py"),
        "--headless",
        f"--host={base}",
        f"--users={users}",
        "--spawn-rate=10",
        f"--run-time={os.environ.get('LOADTEST_TIME', '3m')}",
        "--stop-timeout=60",  # users finish the request under way: every batch sent is counted
        "--only-summary",
        "--loglevel=WARNING",
    ]
    return subprocess.run(
        command, env={**os.environ, "LOADTEST_PLAN": str(plan_path), "LOADTEST_RESULTS": str(results)}, check=False
    ).returncode


def _report(results: dict, *, stored: int, load: tuple[str, str]) -> tuple[str, int]:
    lines = [
        "| endpoint | requests | errors | p50 | p95 | p99 | p95 target | verdict |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, row in sorted(results["endpoints"].items()):
        target = next((ms for start, ms in TARGETS.items() if name.startswith(start)), None)
        verdict = "—" if target is None else ("ok" if row["p95"] <= target else "MISSED")
        lines.append(
            f"| {name} | {row['requests']:,} | {row['failures']} | {row['p50']:.0f} ms | {row['p95']:.0f} ms"
            f" | {row['p99']:.0f} ms | {f'≤ {target} ms' if target else '—'} | {verdict} |"
        )
    errors = sum(row["failures"] for row in results["endpoints"].values())
    sent = results["rows_sent"]
    lines += [
        "",
        f"- errors: {errors}; rows sent {sent:,}, rows stored {stored:,}: {'equal' if sent == stored else 'DIFFERENT'}",
        f"- load average (1, 5, 15 min) before the run: {load[0]}; after: {load[1]}",
    ]
    return "\n".join(lines), errors


def _load() -> str:
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> None:
    from carbonexia.celery import app

    integrators = int(os.environ.get("LOADTEST_INTEGRATORS", "50"))
    portal_users = int(os.environ.get("LOADTEST_PORTAL_USERS", "20"))
    connection.settings_dict["TEST"]["NAME"] = os.environ.get("LOADTEST_DATABASE", "loadtest_carbonexia")
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    work = Path(tempfile.mkdtemp(prefix="carbonexia-loadtest-"))
    try:
        plan = _seed(integrators, portal_users)
        (work / "plan.json").write_text(json.dumps(plan))
        _warm(plan)
        app.control.purge()  # seeding queued anomaly detections, done by the warm-up: the run starts with none
        env = production_env(database=database_url(connection.settings_dict), JWT_SIGNING_KEY=settings.JWT_SIGNING_KEY)
        workers = int(os.environ.get("LOADTEST_WEB_WORKERS", "4"))
        before = _load()
        with celery_worker(env), gunicorn(env, workers=workers) as base:
            _locust(base, work / "plan.json", work / "results.json", integrators + portal_users)
        after = _load()
        results = json.loads((work / "results.json").read_text())
        buildings = [entry["building_id"] for entry in plan["integrators"]]
        stored = MeterReading.objects.filter(building_id__in=buildings).count()
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)
    report, errors = _report(results, stored=stored, load=(before, after))
    print(report)
    OUT.mkdir(exist_ok=True)
    (OUT / "loadtest.md").write_text(report + "\n")
    if errors or stored != results["rows_sent"]:
        sys.exit(f"LOAD TEST FAILED: {errors} errors; {results['rows_sent']:,} rows sent, {stored:,} stored.")


if __name__ == "__main__":
    main()
