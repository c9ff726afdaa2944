"""Per-device secrets, derived instead of stored.

secret = "msec_" + hex(HMAC-SHA256(METER_SECRET_KEY, "carbonexia-meter:" + salt)); the meter row keeps only
the random salt. The consumer re-derives a device's secret to check its signature, so the secret is never
at rest anywhere, and a copy of the database (a backup, a leaked dump) cannot sign a message. Rotating
METER_SECRET_KEY therefore invalidates every device's secret: re-register the meters after a rotation.
"""

import hashlib
import hmac
import secrets

from django.conf import settings

from carbonexia.webhooks.transport import signature

SALT_BYTES = 16


def new_salt() -> str:
    return secrets.token_hex(SALT_BYTES)


def device_secret(salt: str) -> str:
    key = settings.METER_SECRET_KEY.encode()
    return "msec_" + hmac.new(key, f"carbonexia-meter:{salt}".encode(), hashlib.sha256).hexdigest()


def signature_valid(*, salt: str, payload: bytes, sent: str) -> bool:
    """Whether `sent` is the payload's `sha256=<hex>` HMAC under the device's secret (constant-time compare)."""
    return hmac.compare_digest(signature(device_secret(salt), payload).encode(), sent.encode())
