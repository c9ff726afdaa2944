"""Which webhook URLs we call: http(s) only and, unless private delivery is allowed, public addresses only.

Pure Python (no Django), so the SSRF rules are tested without a database.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

DEFAULT_PORTS = {"http": 80, "https": 443}


class UnsafeURL(ValueError):
    """A URL we refuse to call; the message tells the user why."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str


def parse(url: str) -> Target:
    if any(char.isspace() or ord(char) < 32 or ord(char) == 127 for char in url):
        raise UnsafeURL("The URL contains spaces or control characters.")
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise UnsafeURL("Use an http or https URL.")
    if not parts.hostname:
        raise UnsafeURL("The URL has no host.")
    if parts.username is not None or parts.password is not None:
        raise UnsafeURL("Leave credentials out of the URL; verify the signature header instead.")
    try:
        port = parts.port or DEFAULT_PORTS[scheme]
        host = parts.hostname if parts.hostname.isascii() else parts.hostname.encode("idna").decode("ascii")
    except (ValueError, UnicodeError):
        raise UnsafeURL("The URL's host or port is not valid.") from None
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(scheme=scheme, host=host, port=port, path=path)


def is_public(address: str) -> bool:
    """False for private, loopback, link-local, multicast, reserved, unspecified and other non-global addresses."""
    ip = ipaddress.ip_address(address)
    # An IPv4 address wrapped in IPv6 reaches that IPv4 host, so that host is judged as well.
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    candidates = [ip]
    if isinstance(ip, ipaddress.IPv6Address) and ip.sixtofour:
        candidates.append(ip.sixtofour)
    return all(
        candidate.is_global
        and not (
            candidate.is_private
            or candidate.is_loopback
            or candidate.is_link_local
            or candidate.is_multicast
            or candidate.is_reserved
            or candidate.is_unspecified
        )
        for candidate in candidates
    )


def resolve_host(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise UnsafeURL(f"The host {host} could not be resolved.") from None
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def vetted_addresses(target: Target, *, allow_private: bool) -> list[str]:
    """The addresses `target.host` resolves to now; refused when any of them is not public (unless allowed)."""
    addresses = resolve_host(target.host, target.port)
    if not allow_private:
        refused = [address for address in addresses if not is_public(address)]
        if refused and refused[0] == target.host:
            raise UnsafeURL(f"{target.host} is not a public address.")
        if refused:
            raise UnsafeURL(f"The host {target.host} resolves to {refused[0]}, which is not a public address.")
    return addresses
