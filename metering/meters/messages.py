"""Judging the messages smart meters publish: whose they are, whether the device signed them, what they hold."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
from django.conf import settings

from .. import parsers
from ..readings.services import meter_bounds
from .models import DEAD_LETTER_EXCERPT_CHARS, DEAD_LETTER_REASON_CHARS, DeadLetter, Meter
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
    frame: pd.DataFrame  # columns ts, kwh, as parse_readings returns them


@dataclass(frozen=True)
class Refused:
    message: MeterMessage
    meter: Meter | None
    reason: str

    def dead_letter(self) -> DeadLetter:
        payload = self.message.payload
        return DeadLetter(
            received_at=self.message.received_at,
            device_id=self.message.device_id[:200],
            meter=self.meter,
            topic=self.message.topic[:300],
            payload_excerpt=payload[: DEAD_LETTER_EXCERPT_CHARS * 4].decode(errors="replace")[
                :DEAD_LETTER_EXCERPT_CHARS
            ],
            payload_bytes=len(payload),
            reason=self.reason[:DEAD_LETTER_REASON_CHARS],
        )


def _reason(error: parsers.InvalidInput) -> str:
    if not isinstance(error, parsers.InvalidRows):
        return error.message
    listed = "; ".join(f"reading {e.row}, {e.column}: {e.message}" for e in error.errors[:LISTED_ROW_ERRORS])
    return f"{error.message} {listed}"


def _judge_one(message: MeterMessage, meter: Meter | None, bounds: dict[str, Any]) -> Accepted | Refused:
    if meter is None:
        return Refused(message, None, f"No meter is registered with device id {message.device_id!r}.")
    if not message.signature:
        return Refused(message, meter, f"Unsigned: the MQTT 5 user property {SIGNATURE_PROPERTY!r} is missing.")
    if not signature_valid(salt=meter.secret_salt, payload=message.payload, sent=message.signature):
        return Refused(message, meter, "The signature does not match the payload under this device's secret.")
    try:
        items = parsers.message_items(message.payload, max_bytes=settings.MQTT_MAX_PAYLOAD_BYTES)
        frame = parsers.parse_readings(items, **bounds)
    except parsers.InvalidInput as error:
        return Refused(message, meter, _reason(error))
    if frame.empty:
        return Refused(message, meter, "The message holds no readings.")
    return Accepted(message, meter, frame)


def judge(messages: list[MeterMessage]) -> list[Accepted | Refused]:
    """Each message in order, accepted with its parsed readings or refused with the reason; the checks are the
    JSON API's (same parser, bounds and power ceiling of the building, nothing dated in the future)."""
    device_ids = {message.device_id for message in messages}
    meters = {
        meter.device_id: meter for meter in Meter.objects.select_related("building").filter(device_id__in=device_ids)
    }
    bounds = {meter.building_id: meter_bounds(meter.building) for meter in meters.values()}
    judged: list[Accepted | Refused] = []
    for message in messages:
        meter = meters.get(message.device_id)
        judged.append(_judge_one(message, meter, bounds[meter.building_id] if meter else {}))
    return judged
