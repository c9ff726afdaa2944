"""Failed-login counting: 5 per account or 20 per address inside a 15-minute window → 429.

An attempt is counted before its password is checked and un-counted when the password was right, so parallel
attempts cannot slip under the limit: each takes its own place in the count and only the places up to the
limit get a password check. A window opens at the first counted attempt and closes
LOGIN_FAILURE_WINDOW_SECONDS later.

The counters live where every process sees them (LOGIN_THROTTLE_STORE): in Redis, the cache, when REDIS_URL is
set (while Redis is down they fail open, see carbonexia.common.cache), else in the database; never in one
process's memory, where each gunicorn worker would count its own five.
"""

import hashlib
import time
from datetime import datetime, timedelta
from typing import Protocol

from django.conf import settings
from django.core.cache import cache
from django.db import OperationalError, transaction
from django.db.models import F
from django.utils import timezone

from .models import LoginAttemptWindow


class _Counters(Protocol):
    def count(self, key: str, window: int) -> tuple[int, float]:
        """Counts one more attempt in the key's window (opening one if none is open): the count and when the
        window opened, in epoch seconds."""
        ...

    def uncount(self, key: str) -> None: ...


class _CacheCounters:
    def count(self, key: str, window: int) -> tuple[int, float]:
        cache.add(f"{key}:start", time.time(), timeout=window)
        cache.add(f"{key}:count", 0, timeout=window)
        try:
            count = cache.incr(f"{key}:count")
        except ValueError:  # the window closed between add and incr
            count = 1
            cache.set(f"{key}:count", count, timeout=window)
        return count, cache.get(f"{key}:start") or time.time()

    def uncount(self, key: str) -> None:
        try:
            cache.decr(f"{key}:count")
        except ValueError:  # the window has closed meanwhile
            pass


class _DatabaseCounters:
    def count(self, key: str, window: int) -> tuple[int, float]:
        now = timezone.now()
        closed = now - timedelta(seconds=window)
        self._purge(closed)
        with transaction.atomic():
            row, created = LoginAttemptWindow.objects.select_for_update().get_or_create(
                key=key, defaults={"attempts": 1, "opened_at": now}
            )
            if not created:
                if row.opened_at <= closed:
                    row.attempts, row.opened_at = 1, now
                else:
                    row.attempts += 1
                row.save(update_fields=["attempts", "opened_at"])
        return row.attempts, row.opened_at.timestamp()

    def uncount(self, key: str) -> None:
        LoginAttemptWindow.objects.filter(key=key, attempts__gt=0).update(attempts=F("attempts") - 1)

    @staticmethod
    def _purge(closed: datetime) -> None:
        """Keeps the table to the windows still open. Best effort: two purges racing for the same rows may
        deadlock on PostgreSQL, and the one that loses leaves them to the other."""
        try:
            with transaction.atomic():
                LoginAttemptWindow.objects.filter(opened_at__lte=closed).delete()
        except OperationalError:
            pass


_STORES: dict[str, _Counters] = {"cache": _CacheCounters(), "database": _DatabaseCounters()}


def _keys(email: str, address: str) -> list[tuple[str, int]]:
    # The address first: an address over its limit never opens a window for yet another account name.
    account = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    return [
        (f"login-fail:address:{address}", settings.LOGIN_FAILURES_PER_ADDRESS),
        (f"login-fail:account:{account}", settings.LOGIN_FAILURES_PER_ACCOUNT),
    ]


def login_attempt_begin(*, email: str, address: str) -> int | None:
    """Counts an attempt against the address and the account before its password is checked. Returns the
    seconds to wait when either is already at its limit (the attempt is then not counted), else None."""
    store = _STORES[settings.LOGIN_THROTTLE_STORE]
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    counted = []
    for key, limit in _keys(email, address):
        count, opened = store.count(key, window)
        counted.append(key)
        if count > limit:
            for done in counted:
                store.uncount(done)
            return max(1, int(opened + window - time.time()) + 1)
    return None


def login_attempt_succeeded(*, email: str, address: str) -> None:
    """Un-counts an attempt whose password was right: only failures stay counted."""
    store = _STORES[settings.LOGIN_THROTTLE_STORE]
    for key, _limit in _keys(email, address):
        store.uncount(key)
