"""One signed POST to a webhook receiver, on the stdlib: no redirects followed, no proxies, pinned address.

Pure Python (no Django). The host is resolved and vetted here, right before connecting, and the
connection goes to that vetted address, so a DNS answer that changes after the check (rebinding)
cannot steer the request elsewhere.
"""

import hashlib
import hmac
import http.client
import socket
from dataclasses import dataclass

from . import urlguard


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    error: str = ""

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def signature(secret: str, body: bytes) -> str:
    """The X-Carbonexia-Signature value: HMAC-SHA256 of the raw body, keyed with the secret's UTF-8 bytes."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post(*, url: str, body: bytes, headers: dict[str, str], timeout: float, allow_private: bool) -> Outcome:
    try:
        target = urlguard.parse(url)
        address = urlguard.vetted_addresses(target, allow_private=allow_private)[0]
    except urlguard.UnsafeURL as refused:
        return Outcome(status_code=None, error=f"Not sent: {refused}")
    connection_class = http.client.HTTPSConnection if target.scheme == "https" else http.client.HTTPConnection
    # The Host header and TLS certificate check use the host name; the socket goes to the vetted address.
    connection = connection_class(target.host, target.port, timeout=timeout)
    # http.client's documented-by-source hook for opening the socket; the stubs do not list it.
    connection._create_connection = lambda where, *args: socket.create_connection((address, where[1]), *args)  # type: ignore[attr-defined]
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        return Outcome(status_code=connection.getresponse().status)
    except (OSError, http.client.HTTPException) as exc:
        return Outcome(status_code=None, error=f"{exc.__class__.__name__}: {exc}"[:500])
    finally:
        connection.close()
