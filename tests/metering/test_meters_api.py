import hashlib
import hmac
import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from carbonexia.audit.models import AuditEvent
from metering.meters.messages import MeterMessage, judge
from metering.meters.models import DeadLetter, Meter, SeenNonce
from metering.meters.secrets import device_secret, signature_valid
from metering.meters.services import DEAD_LETTER_RETENTION, MAX_METERS_PER_BUILDING, meter_messages_ingest
from metering.readings.models import MeterReading
from tests.metering.helpers import make_building

pytestmark = pytest.mark.django_db


def _meters_url(building) -> str:
    return f"/buildings/{building.pk}/meters"


def _register(client, building, device_id="gw-01"):
    return client.post(_meters_url(building), {"device_id": device_id}, format="json")


def test_register_shows_the_secret_once_and_lists_meters_without_it(as_owner, owner):
    building = make_building(owner)
    created = _register(as_owner, building)
    assert created.status_code == 201
    body = created.json()
    assert set(body) == {"meter_id", "device_id", "secret"} and body["device_id"] == "gw-01"
    meter = Meter.objects.get(pk=body["meter_id"])
    assert body["secret"] == device_secret(meter.secret_salt) and body["secret"] not in json.dumps(
        list(Meter.objects.values()), default=str
    )
    listed = as_owner.get(_meters_url(building))
    assert listed.status_code == 200 and listed.json()["count"] == 1
    (row,) = listed.json()["results"]
    assert row == {
        "meter_id": body["meter_id"],
        "device_id": "gw-01",
        "topic": "carbonexia/meters/gw-01/readings",
        "last_message_at": None,
        "created_at": row["created_at"],
    }
    assert AuditEvent.objects.filter(action="meter.registered", object_id=body["meter_id"]).exists()


def test_delete_is_204_and_the_readings_stay(as_owner, owner):
    building = make_building(owner)
    meter_id = _register(as_owner, building).json()["meter_id"]
    MeterReading.objects.create(building=building, time=datetime(2025, 1, 1, tzinfo=UTC), value_kwh=1, source="MQTT")
    assert as_owner.delete(f"{_meters_url(building)}/{meter_id}").status_code == 204
    assert not Meter.objects.exists() and MeterReading.objects.count() == 1
    assert as_owner.delete(f"{_meters_url(building)}/{meter_id}").status_code == 404


@pytest.mark.parametrize(
    "device_id", ["", "a/b", "meter+", "x#", "é", "a" * 65, "with space"], ids=lambda value: repr(value)[:12]
)
def test_a_device_id_that_cannot_be_one_topic_level_is_422(as_owner, owner, device_id):
    building = make_building(owner)
    answer = _register(as_owner, building, device_id)
    assert answer.status_code == 422 and "device_id" in answer.json()["errors"]
    assert not Meter.objects.exists()


def test_bad_bodies_are_422_and_store_nothing(as_owner, owner):
    building = make_building(owner)
    for body in ({}, {"device_id": None}, {"device_id": ["gw"]}, ["gw"]):
        answer = as_owner.post(_meters_url(building), body, format="json")
        assert answer.status_code in {400, 422}, body
        assert "detail" in answer.json()
    assert not Meter.objects.exists()


def test_a_device_id_is_registered_once_across_the_platform(as_owner, owner, outsider, as_outsider):
    assert _register(as_owner, make_building(owner)).status_code == 201
    answer = _register(as_outsider, make_building(outsider, name="Other"))
    assert answer.status_code == 409 and answer.json()["code"] == "device_id_taken"
    assert Meter.objects.count() == 1


def test_a_building_holds_a_bounded_number_of_meters(as_owner, owner):
    building = make_building(owner)
    Meter.objects.bulk_create(
        Meter(building=building, device_id=f"m{i}", secret_salt="00") for i in range(MAX_METERS_PER_BUILDING)
    )
    assert _register(as_owner, building, "one-more").status_code == 422


def test_an_outsider_gets_404_for_the_list_the_registration_and_the_deletion(as_owner, owner, as_outsider, outsider):
    building = make_building(owner)
    meter_id = _register(as_owner, building).json()["meter_id"]
    assert as_outsider.get(_meters_url(building)).status_code == 404
    assert _register(as_outsider, building, "intruder").status_code == 404
    assert as_outsider.delete(f"{_meters_url(building)}/{meter_id}").status_code == 404
    own = make_building(outsider, name="Own")
    assert as_outsider.delete(f"{_meters_url(own)}/{meter_id}").status_code == 404
    assert Meter.objects.count() == 1


def test_a_verifier_reads_but_may_not_register(as_verifier, owner, as_owner):
    building = make_building(owner)
    _register(as_owner, building)
    assert as_verifier.get(_meters_url(building)).json()["count"] == 1
    assert _register(as_verifier, building, "verifier-gw").status_code == 403


def test_the_signature_is_the_webhooks_hmac_of_the_exact_bytes_under_the_derived_secret(settings):
    settings.METER_SECRET_KEY = "k" * 40
    salt = "00ff"
    # Hand-derived: HMAC-SHA256(key, "carbonexia-meter:" + salt), hex, with the msec_ prefix.
    expected = "msec_" + hmac.new(b"k" * 40, b"carbonexia-meter:00ff", hashlib.sha256).hexdigest()
    assert device_secret(salt) == expected
    payload = b'{"readings":[]}'
    sent = "sha256=" + hmac.new(expected.encode(), payload, hashlib.sha256).hexdigest()
    assert signature_valid(salt=salt, payload=payload, sent=sent)
    assert not signature_valid(salt=salt, payload=payload + b" ", sent=sent)
    assert not signature_valid(salt="00fe", payload=payload, sent=sent)
    settings.METER_SECRET_KEY = "r" * 40  # a rotated key: every device secret changes
    assert not signature_valid(salt=salt, payload=payload, sent=sent)


def _message(meter, payload: bytes, *, at: datetime) -> MeterMessage:
    """The message as the device signs it: a JSON object gets the instant it was sent (`at`) and a new nonce."""
    try:
        fields = json.loads(payload)
    except ValueError:
        fields = None
    if isinstance(fields, dict):
        payload = json.dumps({**fields, "sent_at": at.isoformat(), "nonce": uuid.uuid4().hex}).encode()
    secret = device_secret(meter.secret_salt)
    sent = "sha256=" + hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()
    return MeterMessage(f"carbonexia/meters/{meter.device_id}/readings", payload, sent, at)


def test_one_batch_of_messages_keeps_the_last_value_of_a_repeated_instant(owner):
    """Within one transaction, two messages naming the same instant are one reading: the later one's value."""
    building = make_building(owner, timezone="UTC")
    meter = Meter.objects.create(building=building, device_id="gw", secret_salt="ab")
    first = _message(meter, b'{"timestamp": "2025-01-01T00:00:00", "kwh": 1}', at=datetime(2025, 1, 2, tzinfo=UTC))
    second = _message(meter, b'{"timestamp": "2025-01-01T00:00:00", "kwh": 2}', at=datetime(2025, 1, 3, tzinfo=UTC))
    outcome = meter_messages_ingest(messages=[first, second])
    assert (outcome.stored_readings, outcome.dead_letters) == (1, 0)
    assert list(MeterReading.objects.values_list("value_kwh", flat=True)) == [2.0]
    meter.refresh_from_db()
    assert meter.last_message_at == datetime(2025, 1, 3, tzinfo=UTC)


def test_a_topic_outside_the_pattern_names_no_device(owner):
    building = make_building(owner)
    meter = Meter.objects.create(building=building, device_id="gw", secret_salt="ab")
    message = _message(meter, b"{}", at=datetime(2025, 1, 1, tzinfo=UTC))
    odd = MeterMessage("carbonexia/meters/gw/extra/readings", message.payload, message.signature, message.received_at)
    (verdict,) = judge([odd]).refused
    assert "No meter is registered" in verdict.reason


def test_a_bad_reading_refuses_only_its_own_message_of_the_batch(owner):
    building = make_building(owner, timezone="UTC")
    meter = Meter.objects.create(building=building, device_id="gw", secret_salt="ab")
    at = datetime(2025, 1, 5, tzinfo=UTC)
    good = _message(meter, b'{"readings": [{"timestamp": "2025-01-01T00:00:00", "kwh": 1}]}', at=at)
    bad = _message(meter, b'{"readings": [{"timestamp": "2025-01-01T00:15:00", "kwh": -1}]}', at=at)
    later = _message(meter, b'{"timestamp": "2025-01-01T00:30:00", "kwh": 3}', at=at)
    verdicts = judge([good, bad, later])
    assert [item.message for item in verdicts.accepted] == [good, later]
    (refused,) = verdicts.refused
    assert refused.message == bad and refused.reason.startswith("The data has 1 invalid value. reading 1, kwh:")
    assert list(verdicts.frames[building]["kwh"]) == [1.0, 3.0]


def test_readings_of_one_batch_are_judged_together_when_all_are_good(owner):
    """Single-reading messages a quarter-hour apart: one parse for the building gives every reading its real
    interval, and all are accepted in order."""
    building = make_building(owner, timezone="UTC")
    meter = Meter.objects.create(building=building, device_id="gw", secret_salt="ab")
    at = datetime(2025, 1, 5, tzinfo=UTC)
    messages = [
        _message(meter, f'{{"timestamp": "2025-01-01T00:{minute:02d}:00", "kwh": {minute}}}'.encode(), at=at)
        for minute in (30, 0, 15)
    ]
    verdicts = judge(messages)
    assert verdicts.refused == [] and len(verdicts.accepted) == 3
    assert list(verdicts.frames[building]["kwh"]) == [0.0, 15.0, 30.0]


def test_a_message_with_nul_characters_is_dead_lettered_legibly(owner):
    """PostgreSQL text holds no NUL: the excerpt and the reason show it as U+FFFD instead of failing the batch."""
    building = make_building(owner, timezone="UTC")
    meter = Meter.objects.create(building=building, device_id="gw", secret_salt="ab")
    at = datetime.now(UTC)
    raw = _message(meter, b"\x00{", at=at)
    quoted = _message(meter, b'{"timestamp": "2025\\u0000", "kwh": 1}', at=at)
    outcome = meter_messages_ingest(messages=[raw, quoted])
    assert outcome.dead_letters == 2
    excerpts = dict(DeadLetter.objects.values_list("payload_excerpt", "reason"))
    assert "\ufffd{" in excerpts and all("\x00" not in text for pair in excerpts.items() for text in pair)


def test_dead_letters_older_than_the_retention_go_when_new_ones_come(owner, clock):
    building = make_building(owner, timezone="UTC")
    meter = Meter.objects.create(building=building, device_id="gw", secret_salt="ab")
    now = clock.set("2025-03-01T00:00:00+00:00")
    for age in (DEAD_LETTER_RETENTION + timedelta(seconds=1), DEAD_LETTER_RETENTION):
        DeadLetter.objects.create(
            received_at=now - age, device_id="gw", topic="t", payload_excerpt="", payload_bytes=0, reason="old"
        )
    meter_messages_ingest(messages=[_message(meter, b"{", at=now)])
    assert sorted(DeadLetter.objects.values_list("received_at", flat=True)) == [now - DEAD_LETTER_RETENTION, now]


def test_a_nonce_is_kept_for_the_replay_window_then_pruned(owner, clock, settings):
    """Within the window the same nonce is a replay; past it, its row goes when new messages come (and a message
    that old is refused by its age anyway)."""
    building = make_building(owner, timezone="UTC")
    meter = Meter.objects.create(building=building, device_id="gw", secret_salt="ab")
    settings.MQTT_REPLAY_WINDOW_SECONDS = 3600
    now = clock.set("2025-03-01T00:00:00+00:00")
    first = _message(meter, b'{"timestamp": "2025-02-28T23:00:00", "kwh": 1}', at=now)
    assert meter_messages_ingest(messages=[first]).stored_readings == 1
    later = now + timedelta(seconds=3599)
    replayed = MeterMessage(first.topic, first.payload, first.signature, later)
    assert meter_messages_ingest(messages=[replayed]).dead_letters == 1
    assert DeadLetter.objects.get().reason.startswith("Replayed: nonce")
    clock.set((now + timedelta(seconds=3601)).isoformat())
    fresh = _message(meter, b'{"timestamp": "2025-02-28T23:15:00", "kwh": 1}', at=now + timedelta(seconds=3601))
    meter_messages_ingest(messages=[fresh])
    assert list(SeenNonce.objects.values_list("sent_at", flat=True)) == [now + timedelta(seconds=3601)]
    too_old = MeterMessage(first.topic, first.payload, first.signature, now + timedelta(seconds=3601))
    meter_messages_ingest(messages=[too_old])
    assert DeadLetter.objects.order_by("-id").first().reason.startswith("Too old")
