"""A Redis cache that degrades to 'no cache' while Redis is down, instead of failing the request.

Every caller treats a miss as "compute it", so an unreachable Redis becomes a miss (reads) or a no-op
(writes), logged once a minute so operators see the outage. Login throttle counters fail open meanwhile.
"""

import logging
import time
from contextlib import contextmanager

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

log = logging.getLogger(__name__)
_QUIET_SECONDS = 60


class _Down(Exception):
    pass


class ResilientRedisCache(RedisCache):
    _last_warning = 0.0

    @contextmanager
    def _guard(self, operation: str):
        try:
            yield
        except redis.exceptions.ConnectionError as error:
            now = time.monotonic()
            if now - ResilientRedisCache._last_warning > _QUIET_SECONDS:
                ResilientRedisCache._last_warning = now
                log.warning("cache unavailable (%s on %s): serving without it", type(error).__name__, operation)
            raise _Down from None

    def _call(self, operation: str, fallback, *args, **kwargs):
        try:
            with self._guard(operation):
                return getattr(super(), operation)(*args, **kwargs)
        except _Down:
            return fallback

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version=version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", False, key, value, timeout, version=version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", None, key, value, timeout, version=version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version=version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version=version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", list(data), data, timeout, version=version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", delta, key, delta, version=version)
