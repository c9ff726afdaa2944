"""The body of a reading sent by a meter: one reading `{"timestamp", "kwh"}` or a batch `{"readings": [...]}`.

The JSON API receives the decoded object; a smart meter's MQTT message arrives as bytes (message_items)."""

import json
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


def message_items(payload: bytes, *, max_bytes: int) -> list[Any]:
    """The readings of a message as reading_items finds them; InvalidFile when it is too large or not JSON."""
    if len(payload) > max_bytes:
        raise InvalidFile(f"The message has {len(payload)} bytes; at most {max_bytes} are accepted.")
    try:
        data = json.loads(payload)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise InvalidFile("The message is not UTF-8 JSON.") from None
    if not isinstance(data, dict):
        raise InvalidFile('The message must be a JSON object: {"readings": [{"timestamp", "kwh"}, ...]}.')
    return reading_items(data)
