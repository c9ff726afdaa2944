"""The body of a reading sent by a meter: one reading `{"timestamp", "kwh"}` or a batch `{"readings": [...]}`.

The JSON API receives the decoded object; a smart meter's MQTT message arrives as bytes (message_envelope), with the
instant it was sent (`sent_at`) and a `nonce` beside its readings: both inside the signed payload, so a copy of an
old message cannot be passed off as new (the consumer refuses old instants and nonces it has seen)."""

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .errors import InvalidFile

BATCH_SHAPE = "Must be a list of {timestamp, kwh} objects."


def reading_items(data: dict[str, Any]) -> list[Any]:
    """The batch form, or the single-reading form wrapped as a batch of one; parse_readings judges the values."""
    if isinstance(data.get("readings"), list):
        return list(data["readings"])
    if "readings" in data:
        raise InvalidFile(f"readings: {BATCH_SHAPE}")
    return [{key: data[key] for key in ("timestamp", "kwh") if key in data}]


# Random and long enough never to repeat by chance: a UUID4's 32 hex digits, or 16 to 64 URL-safe characters.
NONCE = re.compile(r"[A-Za-z0-9_-]{16,64}")


@dataclass(frozen=True)
class Envelope:
    items: list[Any]  # the readings as sent, for parse_readings to judge
    sent_at: datetime  # aware
    nonce: str


def message_envelope(payload: bytes, *, max_bytes: int) -> Envelope:
    """The readings of a message as reading_items finds them, with its `sent_at` and `nonce`; InvalidFile when it is
    too large, not JSON, or either of those is missing or malformed."""
    if len(payload) > max_bytes:
        raise InvalidFile(f"The message has {len(payload)} bytes; at most {max_bytes} are accepted.")
    try:
        data = json.loads(payload)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise InvalidFile("The message is not UTF-8 JSON.") from None
    if not isinstance(data, dict):
        raise InvalidFile('The message must be a JSON object: {"readings": [{"timestamp", "kwh"}, ...]}.')
    nonce = data.get("nonce")
    if not isinstance(nonce, str) or not NONCE.fullmatch(nonce):
        raise InvalidFile("nonce: must be 16 to 64 letters, digits, '-' or '_', new for every message (e.g. a UUID4).")
    return Envelope(items=reading_items(data), sent_at=_sent_at(data.get("sent_at")), nonce=nonce)


def _sent_at(value: object) -> datetime:
    wrong = InvalidFile("sent_at: must be the ISO 8601 instant the message was sent, with its UTC offset.")
    if not isinstance(value, str) or len(value) > 40:
        raise wrong
    try:
        sent = datetime.fromisoformat(value)
    except ValueError:
        raise wrong from None
    if sent.tzinfo is None:
        raise wrong
    return sent
