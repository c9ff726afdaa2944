from datetime import UTC, datetime

import pytest

from metering.parsers import InvalidFile, message_envelope, reading_items

SIGNED = b'"sent_at": "2025-03-01T00:00:00+00:00", "nonce": "0123456789abcdef0123456789abcdef"'


def message_items(payload: bytes, *, max_bytes: int) -> list:
    return message_envelope(payload, max_bytes=max_bytes).items


def test_a_batch_and_a_single_reading_give_the_items():
    assert message_items(b'{"readings": [{"timestamp": "t", "kwh": 1}], ' + SIGNED + b"}", max_bytes=200) == [
        {"timestamp": "t", "kwh": 1}
    ]
    single = b'{"timestamp": "t", "kwh": 1, "extra": 0, ' + SIGNED + b"}"
    assert message_items(single, max_bytes=200) == [{"timestamp": "t", "kwh": 1}]
    envelope = message_envelope(single, max_bytes=200)
    assert envelope.sent_at == datetime(2025, 3, 1, tzinfo=UTC) and envelope.nonce == "0123456789abcdef" * 2


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        (b"\xff\xfe", "not UTF-8 JSON"),
        (b"{", "not UTF-8 JSON"),
        (b"[1]", "must be a JSON object"),
        (b'{"readings": 3, ' + SIGNED + b"}", "readings: Must be a list"),
        (b'{"readings": []}', "nonce: must be"),
        (b'{"readings": [], "nonce": "short"}', "nonce: must be"),
        (b'{"readings": [], "nonce": "0123456789abcdef"}', "sent_at: must be"),
        (b'{"readings": [], "nonce": "0123456789abcdef", "sent_at": "2025-03-01T00:00:00"}', "sent_at: must be"),
        (b'{"readings": [], "nonce": "0123456789abcdef", "sent_at": 1740787200}', "sent_at: must be"),
        (b"[" * 100_000 + b"]" * 100_000, "at most"),
    ],
)
def test_what_is_not_a_message_of_readings_is_refused_with_a_reason(payload, words):
    with pytest.raises(InvalidFile, match=words):
        message_items(payload, max_bytes=1000)


def test_deep_nesting_within_the_size_limit_is_refused_not_a_crash():
    with pytest.raises(InvalidFile, match="not UTF-8 JSON"):
        message_items(b"[" * 50_000 + b"]" * 50_000, max_bytes=200_000)


def test_the_size_limit_is_inclusive():
    payload = b'{"readings": [], ' + SIGNED + b"}"
    assert message_items(payload, max_bytes=len(payload)) == []
    with pytest.raises(InvalidFile, match=f"{len(payload)} bytes; at most {len(payload) - 1}"):
        message_items(payload, max_bytes=len(payload) - 1)


def test_reading_items_of_an_object_without_readings_is_one_reading():
    assert reading_items({"kwh": 1}) == [{"kwh": 1}]
