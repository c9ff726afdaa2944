"""The MQTT consumer as a real process against a real Mosquitto: the shared broker of MQTT_BROKER_URL, and a
private one for the test that restarts it."""

import json
import os
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from metering.meters.models import DeadLetter, Meter, SeenNonce
from metering.meters.services import meter_create
from metering.readings.models import MeterReading, ReadingSource
from tests.conftest import client_for
from tests.metering.helpers import make_building
from tests.support.mqtt import ConsumerProcess, Device, MosquittoProcess
from tests.support.waiting import wait_for

pytestmark = [pytest.mark.mqtt]

START = datetime(2025, 3, 1, tzinfo=UTC)


def _readings(count: int, *, first: int = 0, kwh: float = 10.0) -> list[dict]:
    return [
        {"timestamp": (START + timedelta(minutes=15 * (first + i))).isoformat(), "kwh": kwh + i % 7}
        for i in range(count)
    ]


@pytest.fixture
def committed(transactional_db, django_db_serialized_rollback):
    """The consumer is another process: it sees only committed rows."""


@pytest.fixture
def metered(committed, owner):
    building = make_building(owner)
    registered = meter_create(actor=owner, building=building, device_id=f"test-{uuid.uuid4().hex[:16]}")
    return building, registered


def _consumer(tmp_path, broker_url: str):
    consumer = ConsumerProcess(tmp_path, broker_url=broker_url)
    consumer.start()
    return consumer


@pytest.fixture
def shared_broker() -> str:
    return os.environ["MQTT_BROKER_URL"]


@pytest.fixture
def consumer(committed, tmp_path, shared_broker):
    consumer = _consumer(tmp_path, shared_broker)
    yield consumer
    consumer.stop()
    consumer.forget_session()


@pytest.fixture
def device(metered, shared_broker):
    _, registered = metered
    device = Device(shared_broker, device_id=registered.meter.device_id, secret=registered.secret)
    yield device
    device.close()


def _stored(building) -> int:
    return MeterReading.objects.filter(building=building).count()


def _dead_letters(device_id: str) -> list[DeadLetter]:
    return list(DeadLetter.objects.filter(device_id=device_id).order_by("received_at", "id"))


def test_a_single_reading_and_a_batch_become_queryable(owner, metered, consumer, device):
    building, registered = metered
    device.publish(device.single({"timestamp": "2025-03-01T00:00:00+00:00", "kwh": 4.5}))
    device.publish(device.body(_readings(4, first=1)))
    wait_for(lambda: _stored(building), until=lambda n: n == 5)
    answer = client_for(owner).get(f"/meter/{building.pk}/readings", {"start": "2025-03-01T00:00:00+00:00"})
    assert answer.status_code == 200
    assert [r["kwh"] for r in answer.json()["readings"]] == [4.5, 10.0, 11.0, 12.0, 13.0]
    assert set(MeterReading.objects.filter(building=building).values_list("source", flat=True)) == {ReadingSource.MQTT}
    assert Meter.objects.get(pk=registered.meter.pk).last_message_at is not None
    assert _dead_letters(device.device_id) == []


def test_a_message_delivered_twice_counts_once_and_a_resend_replaces(metered, consumer, device):
    building, _ = metered
    batch = device.body(_readings(6))
    device.publish(batch)
    device.publish(batch)
    wait_for(lambda: _stored(building), until=lambda n: n == 6)
    corrected = _readings(1, kwh=99.0)
    device.publish(device.body(corrected))
    wait_for(lambda: MeterReading.objects.get(building=building, time=START).value_kwh, until=lambda v: v == 99.0)
    assert _stored(building) == 6
    assert sorted(MeterReading.objects.filter(building=building).values_list("value_kwh", flat=True)) == sorted(
        [99.0, 11.0, 12.0, 13.0, 14.0, 15.0]
    )


def test_bad_messages_are_dead_lettered_with_their_reason_and_the_consumer_goes_on(metered, consumer, device):
    building, registered = metered
    future = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    device.publish(b"{not json")
    device.publish(device.body(_readings(1)), signed_with=None)
    device.publish(device.body(_readings(1)), signed_with="msec_" + "0" * 64)
    device.publish(device.body([{"timestamp": future, "kwh": 1.0}]))
    device.publish(device.body([{"timestamp": START.isoformat(), "kwh": 10_000.0}]))  # 40 MW in a 50,000 sq ft plant
    stranger = f"unknown-{uuid.uuid4().hex[:12]}"
    device.publish(device.body(_readings(1)), topic=f"carbonexia/meters/{stranger}/readings")
    device.publish(device.body(_readings(2, first=10)))
    wait_for(lambda: _stored(building), until=lambda n: n == 2)
    letters = wait_for(lambda: _dead_letters(device.device_id), until=lambda found: len(found) == 5)
    reasons = [letter.reason for letter in letters]
    assert "not UTF-8 JSON" in reasons[0]
    assert "Unsigned" in reasons[1]
    assert "signature does not match" in reasons[2]
    assert "future" in reasons[3]
    assert "reading 1, kwh" in reasons[4]
    assert letters[0].payload_excerpt == "{not json" and letters[0].payload_bytes == 9
    assert all(letter.meter_id == registered.meter.pk for letter in letters)
    unknown = wait_for(lambda: _dead_letters(stranger), until=lambda found: len(found) == 1)
    assert unknown[0].meter is None and "No meter is registered" in unknown[0].reason
    assert consumer.running and registered.secret not in consumer.log_path.read_text()
    assert sorted(MeterReading.objects.filter(building=building).values_list("value_kwh", flat=True)) == [10.0, 11.0]


def test_old_and_replayed_messages_and_ones_without_a_nonce_are_dead_lettered(metered, consumer, device, settings):
    building, _ = metered
    first = device.body(_readings(2))
    device.publish(first)
    wait_for(lambda: _stored(building), until=lambda n: n == 2)
    device.publish(first)  # a copy of a signed message, replayed
    two_days_ago = datetime.now(UTC) - timedelta(days=2)  # MQTT_REPLAY_WINDOW_SECONDS is a day
    device.publish(device.body(_readings(1, first=5), sent_at=two_days_ago))
    device.publish(json.dumps({"readings": _readings(1, first=6), "sent_at": START.isoformat()}).encode())
    device.publish(device.body(_readings(1, first=7, kwh=50.0)))
    wait_for(lambda: _stored(building), until=lambda n: n == 3)
    letters = wait_for(lambda: _dead_letters(device.device_id), until=lambda found: len(found) == 3)
    reasons = [letter.reason for letter in letters]
    assert reasons[0].startswith("Replayed: nonce") and "Too old" in reasons[1] and "nonce: must be" in reasons[2]
    assert sorted(MeterReading.objects.filter(building=building).values_list("value_kwh", flat=True)) == [
        10.0,
        11.0,
        50.0,
    ]
    assert SeenNonce.objects.filter(meter__building=building).count() == 2


def test_messages_sent_while_the_consumer_is_stopped_arrive_when_it_is_back(metered, consumer, device):
    building, _ = metered
    device.publish(device.body(_readings(3)))
    wait_for(lambda: _stored(building), until=lambda n: n == 3)
    assert consumer.stop() == 0  # SIGTERM: it stores what it holds and leaves
    device.publish(device.body(_readings(5, first=3)))
    consumer.start()
    wait_for(lambda: _stored(building), until=lambda n: n == 8)
    assert _stored(building) == 8


def test_a_broker_restart_mid_stream_loses_nothing(metered, tmp_path):
    building, registered = metered
    broker = MosquittoProcess(tmp_path)
    consumer = _consumer(tmp_path, broker.url)
    device = Device(broker.url, device_id=registered.meter.device_id, secret=registered.secret)
    try:
        for message in range(10):
            device.publish(device.body(_readings(10, first=10 * message)))
        broker.stop()  # some of those are on their way to the consumer, or stored but not yet acknowledged
        broker.start()
        for message in range(10, 20):
            device.publish(device.body(_readings(10, first=10 * message)))
        consumer.wait_connected(times=2)
        wait_for(lambda: _stored(building), until=lambda n: n == 200)
        assert _stored(building) == 200
        # A message stored but not yet acknowledged when the broker went away comes again with its nonce: it is
        # refused as a replay (its readings are already stored), never stored twice, and nothing else is refused.
        refused = [letter.reason for letter in _dead_letters(registered.meter.device_id)]
        assert consumer.running and all(reason.startswith("Replayed") for reason in refused)
    finally:
        device.close()
        consumer.stop()
        broker.stop()
