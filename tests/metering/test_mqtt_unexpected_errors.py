"""An unexpected error (not the database's) in handling one message: that message is dead-lettered with the reason
and logged, the rest of its batch is stored, every message is acknowledged, and the consumer goes on."""

import json
import uuid
from datetime import UTC, datetime

import pytest

from carbonexia.webhooks.transport import signature
from metering.meters import messages
from metering.meters.consumer import Delivery, MeterConsumer
from metering.meters.messages import MeterMessage
from metering.meters.models import DeadLetter
from metering.meters.services import meter_create
from metering.readings.models import MeterReading
from tests.metering.helpers import make_building
from tests.support.mqtt import Device

POISON_KWH = 13.13


def _delivery(device_id: str, secret: str, mid: int, kwh: float) -> Delivery:
    payload = Device.body([{"timestamp": f"2025-03-01T{mid:02d}:00:00+00:00", "kwh": kwh}])
    message = MeterMessage(
        topic=f"carbonexia/meters/{device_id}/readings",
        payload=payload,
        signature=signature(secret, payload),
        received_at=datetime.now(UTC),
    )
    return Delivery(message=message, mid=mid, qos=1, connection=1)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # as the other tests that commit
def test_one_message_that_raises_is_dead_lettered_and_the_rest_are_stored(owner, monkeypatch, caplog):
    building = make_building(owner)
    registered = meter_create(actor=owner, building=building, device_id=f"poison-{uuid.uuid4().hex[:8]}")
    parse = messages.parsers.parse_readings

    def parse_or_fail(items, **bounds):  # a fault no check foresaw, in the readings of one message
        if any(item["kwh"] == POISON_KWH for item in items):
            raise RuntimeError("unforeseen")
        return parse(items, **bounds)

    monkeypatch.setattr(messages.parsers, "parse_readings", parse_or_fail)
    consumer = MeterConsumer(broker_url="mqtt://127.0.0.1:1", client_id="unit", batch_size=10, batch_ms=10)
    consumer.connection = 1
    acknowledged = []
    monkeypatch.setattr(consumer.client, "ack", lambda mid, qos: acknowledged.append(mid))
    device_id, secret = registered.meter.device_id, registered.secret
    batch = [_delivery(device_id, secret, 1, 5.0), _delivery(device_id, secret, 2, POISON_KWH)]
    batch.append(_delivery(device_id, secret, 3, 7.0))
    consumer._store(batch)  # the batch fails as a whole, then each message is stored alone
    assert acknowledged == [1, 2, 3]
    assert sorted(MeterReading.objects.filter(building=building).values_list("value_kwh", flat=True)) == [5.0, 7.0]
    letter = DeadLetter.objects.get(device_id=device_id)
    assert "error on our side (RuntimeError)" in letter.reason and json.loads(letter.payload_excerpt)["readings"]
    assert "could not be handled; dead-lettered" in caplog.text
    # The consumer goes on: the next batch is stored as usual.
    consumer._store([_delivery(device_id, secret, 4, 9.0)])
    assert MeterReading.objects.filter(building=building).count() == 3 and acknowledged[-1] == 4
