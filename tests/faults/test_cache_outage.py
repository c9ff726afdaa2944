"""Redis down: the cache turns into misses and no-ops, so reads are still served (issue 8)."""

import pytest
from django.core.cache import caches

from carbonexia.common.cache import ResilientRedisCache

# Port 1 on loopback refuses connections at once: a Redis that is not there.
DEAD = {
    "BACKEND": "carbonexia.common.cache.ResilientRedisCache",
    "LOCATION": "redis://127.0.0.1:1/0",
    "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
}


def test_an_unreachable_redis_is_a_cache_miss_not_an_error(caplog, monkeypatch):
    monkeypatch.setattr(ResilientRedisCache, "_last_warning", 0.0)  # the once-a-minute warning is due
    cache = ResilientRedisCache(DEAD["LOCATION"], {"OPTIONS": DEAD["OPTIONS"]})
    assert cache.get("key", "fallback") == "fallback"
    assert cache.set("key", 1) is None
    assert cache.add("key", 1) is False
    assert cache.incr("counter") == 1
    assert cache.get_many(["a", "b"]) == {}
    assert "cache unavailable" in caplog.text


@pytest.mark.django_db
def test_health_and_mrv_reads_survive_a_redis_outage(settings, anon, as_owner, owner):
    settings.CACHES = {"default": DEAD}
    assert isinstance(caches["default"], ResilientRedisCache)
    health = anon.get("/health")
    assert health.status_code == 200
    assert health.json()["cache"] == "unavailable" and health.json()["database"] == "ok"
    created = as_owner.post("/buildings", {"name": "Outage", "area_sqft": 10, "timezone": "UTC"}, format="json")
    assert created.status_code == 201
    assert as_owner.get(f"/buildings/{created.json()['building_id']}").status_code == 200
