"""Smart meters over MQTT (issue 17): readings/s from a publisher on this machine into the hypertable through
a private Mosquitto and the consumer process, beside the JSON batch API on the same readings; and the latency
from publish to queryable."""

import json
import statistics
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import connection
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from metering.meters.services import meter_create
from metering.readings.models import MeterReading
from tests.support.mqtt import ConsumerProcess, Device, MosquittoProcess

from .harness import Result
from .ingest import _building, _year_of_data

READINGS = 20_000
PER_MESSAGE = 100  # a gateway's batch: 25 hours of one meter's quarter-hours
LATENCY_MESSAGES = 200
LATENCY_GAP_SECONDS = 0.02
ARRIVAL_TIMEOUT_SECONDS = 300


def _batches(frame, offset: int) -> list[list[dict]]:
    readings = [{"timestamp": t.isoformat(), "kwh": float(k)} for t, k in zip(frame["ts"], frame["kwh"], strict=True)]
    return [readings[i : i + PER_MESSAGE] for i in range(offset, offset + READINGS, PER_MESSAGE)]


def _count(building) -> int:
    return MeterReading.objects.filter(building=building).count()


def _wait_for_rows(building, rows: int) -> None:
    deadline = time.monotonic() + ARRIVAL_TIMEOUT_SECONDS
    while _count(building) < rows:
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {_count(building)} of {rows} readings arrived")
        time.sleep(0.02)


def _publish_all(device: Device, bodies: list[bytes]) -> None:
    """Every message in flight at once (QoS 1), then every PUBACK awaited: a publisher as fast as it can be."""
    infos = [device.client.publish(device.topic, body, qos=1, properties=device.properties(body)) for body in bodies]
    for info in infos:
        info.wait_for_publish(timeout=ARRIVAL_TIMEOUT_SECONDS)


def _api_client(owner) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(owner).access_token}")
    return client


def _json_batches(owner, building, batches: list[list[dict]]) -> float:
    client = _api_client(owner)
    started = time.perf_counter()
    for readings in batches:
        body = json.dumps({"building_id": str(building.pk), "readings": readings})
        answer = client.generic("POST", "/meter/readings", body, content_type="application/json")
        assert answer.status_code == 202, answer.content
    return time.perf_counter() - started


def _arrivals(building, expected: int, seen: dict, done: threading.Event) -> None:
    """Polls the hypertable from its own connection, noting when each reading first became queryable."""
    try:
        while len(seen) < expected and not done.is_set():
            now = time.perf_counter()
            for instant in MeterReading.objects.filter(building=building).values_list("time", flat=True):
                seen.setdefault(instant, now)
            time.sleep(0.005)
    finally:
        connection.close()


def mqtt_vs_json(owner) -> list[Result]:
    frame = _year_of_data(seed=4)
    mqtt_building, api_building, latency_building = (_building(owner, 30_000 + n) for n in range(3))
    registered = meter_create(actor=owner, building=mqtt_building, device_id="bench-throughput")
    timed = meter_create(actor=owner, building=latency_building, device_id="bench-latency")
    batches = _batches(frame, offset=0)
    with tempfile.TemporaryDirectory(prefix="carbonexia-bench-mqtt-") as workdir:
        broker = MosquittoProcess(Path(workdir))
        consumer = ConsumerProcess(
            Path(workdir), broker_url=broker.url, batch_size=settings.MQTT_BATCH_SIZE, batch_ms=settings.MQTT_BATCH_MS
        )
        consumer.start()
        device = Device(broker.url, device_id=registered.meter.device_id, secret=registered.secret)
        latency_device = Device(broker.url, device_id=timed.meter.device_id, secret=timed.secret)
        try:
            bodies = [device.body(readings) for readings in batches]
            started = time.perf_counter()
            _publish_all(device, bodies)
            _wait_for_rows(mqtt_building, READINGS)
            mqtt_seconds = time.perf_counter() - started
            latencies = _latencies(latency_device, latency_building, frame)
        finally:
            device.close()
            latency_device.close()
            consumer.stop()
            broker.stop()
    api_seconds = _json_batches(owner, api_building, batches)
    single_api = _single_reading_seconds(owner, api_building, frame)
    p50, p99 = float(np.percentile(latencies, 50)), float(np.percentile(latencies, 99))
    settings_text = f"MQTT_BATCH_SIZE={settings.MQTT_BATCH_SIZE}, MQTT_BATCH_MS={settings.MQTT_BATCH_MS}"
    return [
        Result(
            f"MQTT, {READINGS:,} readings in messages of {PER_MESSAGE}: publish → hypertable",
            mqtt_seconds,
            f"JSON batch API, same readings, {PER_MESSAGE} per request",
            api_seconds,
            None,
            f"{READINGS / mqtt_seconds:,.0f} vs {READINGS / api_seconds:,.0f} readings/s; consumer as a process on "
            f"a private Mosquitto ({settings_text}); the API in-process, one request after another",
            ours_text=f"{READINGS / mqtt_seconds:,.0f} readings/s",
            reference_text=f"{READINGS / api_seconds:,.0f} readings/s",
        ),
        Result(
            f"MQTT latency, publish → queryable, p50 (p99 {p99 * 1000:,.0f} ms)",
            p50,
            "JSON API, one reading, request → 202",
            single_api,
            None,
            f"{LATENCY_MESSAGES} single-reading messages {LATENCY_GAP_SECONDS * 1000:.0f} ms apart; p50 "
            f"{p50 * 1000:,.0f} ms, p99 {p99 * 1000:,.0f} ms; a batch waits up to MQTT_BATCH_MS for company",
        ),
    ]


def _latencies(device: Device, building, frame) -> list[float]:
    readings = [
        {"timestamp": t.isoformat(), "kwh": float(k)}
        for t, k in zip(frame["ts"][:LATENCY_MESSAGES], frame["kwh"][:LATENCY_MESSAGES], strict=True)
    ]
    seen: dict = {}
    done = threading.Event()
    watcher = threading.Thread(target=_arrivals, args=(building, LATENCY_MESSAGES, seen, done))
    watcher.start()
    published = []
    try:
        for reading in readings:
            body = device.single(reading)
            published.append(time.perf_counter())
            device.client.publish(device.topic, body, qos=1, properties=device.properties(body))
            time.sleep(LATENCY_GAP_SECONDS)
        watcher.join(timeout=ARRIVAL_TIMEOUT_SECONDS)
    finally:
        done.set()
        watcher.join()
    arrived = sorted(seen.values())
    if len(arrived) < LATENCY_MESSAGES:
        raise RuntimeError(f"only {len(arrived)} of {LATENCY_MESSAGES} readings arrived")
    by_time = dict(sorted(seen.items()))
    return [at - sent for at, sent in zip(by_time.values(), published, strict=True)]


def _single_reading_seconds(owner, building, frame) -> float:
    client = _api_client(owner)
    times = []
    for t, k in zip(frame["ts"][-LATENCY_MESSAGES:], frame["kwh"][-LATENCY_MESSAGES:], strict=True):
        body = json.dumps({"building_id": str(building.pk), "timestamp": t.isoformat(), "kwh": float(k)})
        started = time.perf_counter()
        answer = client.generic("POST", "/meter/readings", body, content_type="application/json")
        times.append(time.perf_counter() - started)
        assert answer.status_code == 202, answer.content
    return statistics.median(times)
