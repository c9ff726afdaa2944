"""Row 5 of issue 14: a JSON body nested 100,000 deep answered 500. Every endpoint's JSON parser now measures
the nesting on the bytes first and answers 400 malformed_request past JSON_MAX_DEPTH."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import User
from carbonexia.common.parsers import nesting_depth
from metering.readings.models import MeterReading
from tests.metering.helpers import make_building

DEEP = "[" * 100_000 + "]" * 100_000

# Strings full of what could fool a byte scan: brackets, quotes and backslashes, escaped by json.dumps.
tricky_text = st.text(alphabet='[]{}"\\ab\u00e9\u2603', max_size=8)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | tricky_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(tricky_text, inner, max_size=4),
    max_leaves=30,
)


def depth_of(value) -> int:
    if isinstance(value, list):
        return 1 + max(map(depth_of, value), default=0)
    if isinstance(value, dict):
        return 1 + max(map(depth_of, value.values()), default=0)
    return 0


@given(json_values, st.booleans())
def test_the_byte_scan_measures_the_depth_the_decoder_would_build(value, ascii_only):
    body = json.dumps(value, ensure_ascii=ascii_only).encode()
    assert nesting_depth(body) == depth_of(value)


def test_hand_checked_depths():
    assert nesting_depth(b"42") == 0
    assert nesting_depth(b'"[[{"') == 0
    assert nesting_depth(b'{"a": [1, {"b": []}], "c": "]]]"}') == 4
    assert nesting_depth(b'["\\\\", [1]]') == 2  # an escaped backslash does not escape the closing quote
    assert nesting_depth(b'["\\"[[", []]') == 2  # an escaped quote does not close the string
    assert nesting_depth(DEEP.encode()) == 100_000


@pytest.mark.django_db
def test_a_body_nested_100_000_deep_is_400_on_open_and_authenticated_endpoints(anon, as_owner, owner):
    building = make_building(owner)
    for client, path in [(anon, "/auth/login"), (anon, "/auth/register"), (as_owner, "/meter/readings")]:
        response = client.generic("POST", path, DEEP, content_type="application/json")
        assert response.status_code == 400, path
        assert response.json() == {
            "detail": "The JSON body is nested 100,000 levels deep; at most 64 are accepted.",
            "code": "malformed_request",
        }
    nested = {"building_id": str(building.pk), "readings": DEEP}  # deep text inside a string is just text
    assert as_owner.post("/meter/readings", nested, format="json").status_code == 422
    assert not User.objects.exclude(pk=owner.pk).exists() and not MeterReading.objects.exists()


@pytest.mark.django_db
def test_the_depth_limit_is_a_setting_and_bodies_at_it_are_parsed(as_owner, owner, settings):
    settings.JSON_MAX_DEPTH = 3
    building = make_building(owner)
    # object > list > object: 3 levels
    at_limit = {"building_id": str(building.pk), "readings": [{"timestamp": "2025-01-01T00:00:00Z", "kwh": "-"}]}
    refused = as_owner.post("/meter/readings", at_limit, format="json")
    assert refused.status_code == 422 and refused.json()["code"] == "invalid_rows"  # parsed, then validated
    over = {**at_limit, "readings": [{"timestamp": "2025-01-01T00:00:00Z", "kwh": [1]}]}
    assert as_owner.post("/meter/readings", over, format="json").json()["code"] == "malformed_request"
    assert not MeterReading.objects.exists()


@pytest.mark.django_db
def test_a_body_in_another_charset_is_measured_in_that_charset(anon):
    deep = anon.generic("POST", "/auth/login", DEEP.encode("utf-16"), content_type="application/json; charset=utf-16")
    assert deep.status_code == 400 and "100,000 levels" in deep.json()["detail"]
    utf16 = json.dumps({"email": "nobody@example.test", "password": "x"}).encode("utf-16")
    login = anon.generic("POST", "/auth/login", utf16, content_type="application/json; charset=utf-16")
    assert login.status_code == 401  # read, and refused for the credentials


@pytest.mark.django_db
def test_an_oversized_json_body_stays_413(anon, settings):
    settings.MAX_UPLOAD_BYTES = 1024
    response = anon.generic("POST", "/auth/login", DEEP, content_type="application/json")
    assert response.status_code == 413 and response.json()["code"] == "too_large"
