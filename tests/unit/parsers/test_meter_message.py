import pytest

from metering.parsers import InvalidFile, message_items, reading_items


def test_a_batch_and_a_single_reading_give_the_items():
    assert message_items(b'{"readings": [{"timestamp": "t", "kwh": 1}]}', max_bytes=100) == [
        {"timestamp": "t", "kwh": 1}
    ]
    assert message_items(b'{"timestamp": "t", "kwh": 1, "extra": 0}', max_bytes=100) == [{"timestamp": "t", "kwh": 1}]


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        (b"\xff\xfe", "not UTF-8 JSON"),
        (b"{", "not UTF-8 JSON"),
        (b"[1]", "must be a JSON object"),
        (b'{"readings": 3}', "readings: Must be a list"),
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
    payload = b'{"readings": []}'
    assert message_items(payload, max_bytes=len(payload)) == []
    with pytest.raises(InvalidFile, match=f"{len(payload)} bytes; at most {len(payload) - 1}"):
        message_items(payload, max_bytes=len(payload) - 1)


def test_reading_items_of_an_object_without_readings_is_one_reading():
    assert reading_items({"kwh": 1}) == [{"kwh": 1}]
