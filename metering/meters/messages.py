"""Judging the messages smart meters publish: whose they are, whether the device signed them, what they hold."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pandas as pd
from django.conf import settings

from buildings.models import Building

from .. import parsers
from ..readings.services import meter_bounds
from .models import DEAD_LETTER_EXCERPT_CHARS, DEAD_LETTER_REASON_CHARS, DeadLetter, Meter, SeenNonce
from .secrets import signature_valid

TOPIC_PREFIX, TOPIC_SUFFIX = "carbonexia/meters/", "/readings"
TOPIC_FILTER = f"{TOPIC_PREFIX}+{TOPIC_SUFFIX}"
# The MQTT 5 user property that carries `sha256=<hex HMAC-SHA256 of the payload>` under the device's secret.
SIGNATURE_PROPERTY = "signature"
LISTED_ROW_ERRORS = 5


@dataclass(frozen=True)
class MeterMessage:
    topic: str
    payload: bytes
    signature: str | None
    received_at: datetime

    @property
    def device_id(self) -> str:
        inner = self.topic.removeprefix(TOPIC_PREFIX).removesuffix(TOPIC_SUFFIX)
        return inner if TOPIC_PREFIX + inner + TOPIC_SUFFIX == self.topic else ""


@dataclass(frozen=True)
class Accepted:
    message: MeterMessage
    meter: Meter
    items: list[Any]  # the readings as sent, judged by parse_readings
    envelope: parsers.Envelope


@dataclass(frozen=True)
class Refused:
    message: MeterMessage
    meter: Meter | None
    reason: str

    def dead_letter(self) -> DeadLetter:
        payload = self.message.payload
        excerpt = payload[: DEAD_LETTER_EXCERPT_CHARS * 4].decode(errors="replace")[:DEAD_LETTER_EXCERPT_CHARS]
        return DeadLetter(
            received_at=self.message.received_at,
            device_id=self.message.device_id[:200],
            meter=self.meter,
            topic=self.message.topic[:300],
            payload_excerpt=_storable(excerpt),
            payload_bytes=len(payload),
            reason=_storable(self.reason[:DEAD_LETTER_REASON_CHARS]),
        )


def _storable(text: str) -> str:
    # PostgreSQL's text cannot hold NUL: one such byte would fail the batch's transaction at every redelivery.
    return text.replace("\x00", "\ufffd")


def _reason(error: parsers.InvalidInput) -> str:
    if not isinstance(error, parsers.InvalidRows):
        return error.message
    listed = "; ".join(f"reading {e.row}, {e.column}: {e.message}" for e in error.errors[:LISTED_ROW_ERRORS])
    return f"{error.message} {listed}"


def _unpacked(message: MeterMessage, meter: Meter | None) -> Accepted | Refused:
    """Whose the message is, whether that device signed it and lately, and its readings as sent (not judged yet)."""
    if meter is None:
        return Refused(message, None, f"No meter is registered with device id {message.device_id!r}.")
    if not message.signature:
        return Refused(message, meter, f"Unsigned: the MQTT 5 user property {SIGNATURE_PROPERTY!r} is missing.")
    if not signature_valid(salt=meter.secret_salt, payload=message.payload, sent=message.signature):
        return Refused(message, meter, "The signature does not match the payload under this device's secret.")
    try:
        envelope = parsers.message_envelope(message.payload, max_bytes=settings.MQTT_MAX_PAYLOAD_BYTES)
    except parsers.InvalidInput as error:
        return Refused(message, meter, _reason(error))
    stale = _stale(envelope.sent_at, message.received_at)
    if stale:
        return Refused(message, meter, stale)
    if not envelope.items:
        return Refused(message, meter, "The message holds no readings.")
    return Accepted(message, meter, envelope.items, envelope)


def replay_window() -> timedelta:
    return timedelta(seconds=settings.MQTT_REPLAY_WINDOW_SECONDS)


def _stale(sent_at: datetime, received_at: datetime) -> str:
    """Why a message sent at `sent_at` is refused on arrival, or ""."""
    if received_at - sent_at > replay_window():
        return (
            f"Too old: sent at {sent_at.isoformat()}, received {received_at.isoformat()}; messages sent more than "
            f"{settings.MQTT_REPLAY_WINDOW_SECONDS:,} s earlier (MQTT_REPLAY_WINDOW_SECONDS) are refused as possible "
            "replays."
        )
    if sent_at - received_at > timedelta(seconds=settings.READING_CLOCK_SKEW_SECONDS):
        return f"sent_at {sent_at.isoformat()} is later than the message's arrival: the device's clock is wrong."
    return ""


@dataclass
class Verdicts:
    accepted: list[Accepted]
    refused: list[Refused]
    frames: dict[Building, pd.DataFrame]  # per building, the readings to store (columns ts, kwh)
    nonces: list[SeenNonce]  # of the messages signed, fresh and new, to remember for the replay window


def _parsed_one_by_one(group: list[Accepted], bounds: dict[str, Any], verdicts: Verdicts) -> pd.DataFrame | None:
    """Each message alone, so only a bad one is refused; where messages repeat an instant (a resend), the one
    received last wins."""
    frames = []
    for item in group:
        try:
            frames.append(parsers.parse_readings(item.items, **bounds))
            verdicts.accepted.append(item)
        except parsers.InvalidInput as error:
            verdicts.refused.append(Refused(item.message, item.meter, _reason(error)))
    if not frames:
        return None
    return pd.concat(frames, ignore_index=True).drop_duplicates("ts", keep="last").sort_values("ts")


def _fresh(unpacked: list[Accepted | Refused]) -> list[Accepted | Refused]:
    """Refuses the signed messages whose nonce their device already used within the replay window (one query for the
    batch), or earlier in the batch."""
    signed = [item for item in unpacked if isinstance(item, Accepted)]
    stored = SeenNonce.objects.filter(
        meter__in={item.meter.pk for item in signed}, nonce__in={item.envelope.nonce for item in signed}
    )
    seen = set(stored.values_list("meter_id", "nonce"))
    judged: list[Accepted | Refused] = []
    for item in unpacked:
        if isinstance(item, Accepted):
            key = (item.meter.pk, item.envelope.nonce)
            if key in seen:
                item = Refused(
                    item.message,
                    item.meter,
                    f"Replayed: nonce {item.envelope.nonce!r} was already used by a message of this device. A copy "
                    "of a stored message (redelivered when the consumer stopped before acknowledging it) changes "
                    "nothing.",
                )
            seen.add(key)
        judged.append(item)
    return judged


def judge(messages: list[MeterMessage]) -> Verdicts:
    """Accepts or refuses each message with the JSON API's checks (same parser, bounds and power ceiling of the
    building, nothing dated in the future). One parse per building judges the batch's readings together (and
    gives the power check their real spacing); only when that finds a fault (a bad reading, an instant sent
    twice) is each message of the building judged alone."""
    device_ids = {message.device_id for message in messages}
    meters = {
        meter.device_id: meter for meter in Meter.objects.select_related("building").filter(device_id__in=device_ids)
    }
    verdicts = Verdicts(accepted=[], refused=[], frames={}, nonces=[])
    groups: dict[Building, list[Accepted]] = defaultdict(list)
    for unpacked in _fresh([_unpacked(message, meters.get(message.device_id)) for message in messages]):
        if isinstance(unpacked, Refused):
            verdicts.refused.append(unpacked)
        else:
            groups[unpacked.meter.building].append(unpacked)
            envelope = unpacked.envelope
            verdicts.nonces.append(SeenNonce(meter=unpacked.meter, nonce=envelope.nonce, sent_at=envelope.sent_at))
    for building, group in groups.items():
        bounds = meter_bounds(building)
        frame: pd.DataFrame | None
        try:
            frame = parsers.parse_readings([reading for item in group for reading in item.items], **bounds)
            verdicts.accepted += group
        except parsers.InvalidInput:
            frame = _parsed_one_by_one(group, bounds, verdicts)
        if frame is not None:
            verdicts.frames[building] = frame
    return verdicts
