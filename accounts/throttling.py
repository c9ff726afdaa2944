"""Failed-login counting: 5 per account or 20 per address inside a 15-minute window → 429.

The window opens at the first failure and closes 15 minutes later; the counter is an atomic
cache increment so parallel attempts cannot slip under the limit.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache


def _windows(email: str, address: str) -> list[tuple[str, int]]:
    account = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    return [
        (f"login-fail:account:{account}", settings.LOGIN_FAILURES_PER_ACCOUNT),
        (f"login-fail:address:{address}", settings.LOGIN_FAILURES_PER_ADDRESS),
    ]


def login_retry_after(*, email: str, address: str) -> int | None:
    """Seconds until this login may be tried again, or None when it is not throttled."""
    now = time.time()
    waits = []
    for key, limit in _windows(email, address):
        count = cache.get(f"{key}:count") or 0
        start = cache.get(f"{key}:start")
        if count >= limit and start is not None:
            waits.append(max(1, int(start + settings.LOGIN_FAILURE_WINDOW_SECONDS - now) + 1))
    return max(waits) if waits else None


def login_failed(*, email: str, address: str) -> None:
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    for key, _limit in _windows(email, address):
        cache.add(f"{key}:start", time.time(), timeout=window)
        cache.add(f"{key}:count", 0, timeout=window)
        try:
            cache.incr(f"{key}:count")
        except ValueError:  # the window expired between add and incr
            cache.set(f"{key}:count", 1, timeout=window)
