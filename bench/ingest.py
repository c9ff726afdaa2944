"""Ingestion benchmarks (issue 3): our CSV and JSON paths against PostgreSQL's own COPY of the same rows."""

import io
import json
import time

import numpy as np
import pandas as pd
import requests
from django.conf import settings
from django.db import connection
from rest_framework_simplejwt.tokens import RefreshToken

from buildings.services import building_create
from metering.parsers.demo_series import generate_meter, generate_weather, to_csv_bytes
from metering.readings.services import meter_csv_upload, meter_greenbutton_upload, meter_readings_ingest
from tests.support.greenbutton import Channel, Point, blocks_of, feed

from .harness import Result, paired_medians
from .server import database_url, gunicorn, production_env

TZ = "America/New_York"
YEAR = ("2024-01-01", "2025-01-01")


def _year_of_data(seed: int) -> pd.DataFrame:
    weather = generate_weather(start=YEAR[0], end="2025-01-02", tz=TZ, seed=seed, climate="continental")
    meter = generate_meter(weather=weather, start=YEAR[0], end=YEAR[1], tz=TZ, seed=seed)
    # 2024 is a leap year: 366 days; the building-year is 35,040 rows (365 days of quarter-hours).
    return meter.iloc[:35_040].reset_index(drop=True)


def _building(owner, n: int):
    return building_create(owner=owner, name=f"Bench {n}", area_sqft=10_000, timezone=TZ)


def _copy_text(building, frame: pd.DataFrame) -> str:
    buffer = io.StringIO()
    columns = {
        "building_id": str(building.pk),
        "time": frame["ts"].dt.strftime("%Y-%m-%d %H:%M:%S+00"),
        "value_kwh": frame["kwh"],
        "source": "CSV",
    }
    pd.DataFrame(columns).to_csv(buffer, index=False, header=False)
    return buffer.getvalue()


def _copy_reference(owner, frame: pd.DataFrame, *, repeats: int, offset: int):
    """What PostgreSQL does without us: COPY of the same rows, already in COPY's format, into the hypertable."""
    texts = [_copy_text(_building(owner, offset + i), frame) for i in range(repeats)]
    statement = "COPY metering_meterreading (building_id, time, value_kwh, source) FROM STDIN WITH (FORMAT csv)"

    def copy(i):
        with connection.cursor() as cursor, cursor.copy(statement) as copy:
            copy.write(texts[i])

    return copy


def csv_upload_vs_copy(owner, *, repeats: int = 7) -> Result:
    """The service alone (no request), to tell the request path's share from the storage path's."""
    frame = _year_of_data(seed=1)
    data = to_csv_bytes(frame, tz=TZ)
    buildings = [_building(owner, i) for i in range(repeats)]
    ours, reference = paired_medians(
        lambda i: meter_csv_upload(actor=owner, building=buildings[i], data=data, filename="year.csv"),
        _copy_reference(owner, frame, repeats=repeats, offset=1000),
        repeats=repeats,
    )
    return Result(
        "CSV upload, 1 building-year (35,040 rows), service only",
        ours,
        "COPY into hypertable",
        reference,
        None,
        "ours = parse + validate + SHA-256 + file store + COPY (or stage and upsert where stored rows overlap) + audit",
    )


def over_http(owner, *, repeats: int = 15) -> list[Result]:
    """A CSV upload and a JSON batch as integrators send them: through gunicorn (DEBUG off, 2 sync workers) on
    loopback, the whole middleware stack, JWT and DRF; COPY of the same rows alternates with each request."""
    env = production_env(database=database_url(connection.settings_dict), JWT_SIGNING_KEY=settings.JWT_SIGNING_KEY)
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {RefreshToken.for_user(owner).access_token}"
    year = _year_of_data(seed=5)
    data = to_csv_bytes(year, tz=TZ)
    batch = year.iloc[:10_000]
    readings = [{"timestamp": t.isoformat(), "kwh": float(k)} for t, k in zip(batch["ts"], batch["kwh"], strict=True)]
    with gunicorn(env) as base:

        def upload(building):
            files = {"file": ("year.csv", data, "text/csv")}
            response = session.post(f"{base}/meter/upload-csv", files=files, data={"building_id": str(building.pk)})
            assert response.status_code == 201, response.content[:500]

        def post(body):
            response = session.post(f"{base}/meter/readings", data=body, headers={"Content-Type": "application/json"})
            assert response.status_code == 202, response.content[:500]

        upload(_building(owner, 4999))  # a first request warms the workers' imports and connections
        buildings = [_building(owner, 5000 + i) for i in range(repeats)]
        csv = paired_medians(
            lambda i: upload(buildings[i]), _copy_reference(owner, year, repeats=repeats, offset=5500), repeats=repeats
        )
        bodies = [
            json.dumps({"building_id": str(_building(owner, 6000 + i).pk), "readings": readings}).encode()
            for i in range(repeats)
        ]
        batches = paired_medians(
            lambda i: post(bodies[i]), _copy_reference(owner, batch, repeats=repeats, offset=6500), repeats=repeats
        )
    return [
        Result(
            "CSV upload over HTTP, 1 building-year (35,040 rows, gunicorn)",
            csv[0],
            "COPY into hypertable",
            csv[1],
            1.5,
            "ours = multipart request through gunicorn and every middleware, JWT, parse, validate, SHA-256, file "
            "store, COPY (or stage and upsert where stored rows overlap), Upload record, audit",
        ),
        Result(
            "JSON batch over HTTP, 10,000 readings (gunicorn)",
            batches[0],
            "COPY into hypertable",
            batches[1],
            2.0,
            "ours = JSON request through gunicorn, JWT, DRF parsing, validation, storage and audit",
        ),
    ]


def greenbutton_vs_csv(owner, *, repeats: int = 5) -> Result:
    """A building-year of 15-minute readings as the utility's Green Button download, beside the same readings as a
    CSV: both through their upload service into fresh buildings (parse, validate, store the file, upsert, audit)."""
    frame = _year_of_data(seed=4)
    watt_hours = np.round(frame["kwh"].to_numpy() * 1000).astype(np.int64)
    frame = frame.assign(kwh=watt_hours / 1000)  # the same readings in both files, to the Wh
    espi = feed(Point("Bench building", [Channel(blocks_of(frame["ts"].iloc[0].isoformat(), watt_hours))]))
    data = to_csv_bytes(frame, tz=TZ)
    buildings = [(_building(owner, 3000 + i), _building(owner, 3500 + i)) for i in range(repeats)]

    def upload_espi(i):
        upload = meter_greenbutton_upload(actor=owner, building=buildings[i][0], data=espi, filename="year.xml")
        assert upload.rows == len(frame), upload.rows

    ours, reference = paired_medians(
        upload_espi,
        lambda i: meter_csv_upload(actor=owner, building=buildings[i][1], data=data, filename="year.csv"),
        repeats=repeats,
    )
    return Result(
        f"Green Button upload, 1 building-year ({len(frame):,} readings, {len(espi) / 1e6:.1f} MB of ESPI XML)",
        ours,
        f"CSV upload of the same readings ({len(data) / 1e6:.1f} MB)",
        reference,
        2.0,
        "both = parse + validate + SHA-256 + file store + COPY to stage + upsert + audit; ours parses XML (lxml)",
    )


def portfolio_ingest_vs_copy(owner, *, count: int) -> Result:
    """Building-years stored one after another through the service the portfolio uses (meter_readings_ingest:
    its own transaction, COPY or upsert, data version, the readings_stored signal), each beside COPY of the same
    rows into another building; the rates compare as ingest's share of COPY's."""
    base = _year_of_data(seed=6)
    rng = np.random.default_rng(6)
    frames = [base.assign(kwh=np.round(base["kwh"] * rng.uniform(0.3, 3.0), 3)) for _ in range(count)]
    buildings = [_building(owner, 30_000 + n) for n in range(count)]
    copies = [_copy_text(_building(owner, 40_000 + n), frames[n]) for n in range(count)]
    statement = "COPY metering_meterreading (building_id, time, value_kwh, source) FROM STDIN WITH (FORMAT csv)"
    ours_s = reference_s = 0.0
    for n in range(count):
        started = time.perf_counter()
        meter_readings_ingest(building=buildings[n], frame=frames[n], source="MANUAL")
        ours_s += time.perf_counter() - started
        started = time.perf_counter()
        with connection.cursor() as cursor, cursor.copy(statement) as copy:
            copy.write(copies[n])
        reference_s += time.perf_counter() - started
    rows = count * len(base)
    ours_rate, reference_rate = rows / ours_s, rows / reference_s
    return Result(
        f"Portfolio ingest, {count} building-years through the service, one after another",
        ours_s,
        "COPY of the same rows",
        reference_s,
        1 / 0.6,
        f"{rows:,} rows each side: ingest at {ours_rate / reference_rate:.0%} of COPY's rate (target ≥ 60 %)",
        ours_text=f"{ours_rate:,.0f} rows/s",
        reference_text=f"{reference_rate:,.0f} rows/s",
    )


def _hypertable_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM metering_meterreading")
        return cursor.fetchone()[0]


def hundred_building_years(owner, *, count: int = 100) -> tuple[Result, str]:
    base = _year_of_data(seed=3)
    rng = np.random.default_rng(3)
    rates = []
    for n in range(count):
        frame = base.assign(kwh=np.round(base["kwh"] * rng.uniform(0.5, 1.5), 3))
        data = to_csv_bytes(frame, tz=TZ)
        building = _building(owner, 20_000 + n)
        started = time.perf_counter()
        meter_csv_upload(actor=owner, building=building, data=data, filename=f"b{n}.csv")
        rates.append(len(frame) / (time.perf_counter() - started))
    first, last = float(np.mean(rates[:10])), float(np.mean(rates[-10:]))
    result = Result(
        f"{count} building-years in a row: rows/s, last 10 vs first 10",
        1 / last,
        "first 10 uploads",
        1 / first,
        None,
        f"first 10: {first:,.0f} rows/s, last 10: {last:,.0f} rows/s "
        f"({count * len(base):,} rows uploaded; {_hypertable_rows():,} in the hypertable at the end)",
        ours_text=f"{last:,.0f} rows/s",
        reference_text=f"{first:,.0f} rows/s",
    )
    return result, f"{first:,.0f} → {last:,.0f} rows/s"
