"""The pure rules of webhooks: retry schedule, signature, URL and address guard. No database."""

import ast
import sys
from pathlib import Path

import pytest

from carbonexia.webhooks import urlguard
from carbonexia.webhooks.backoff import MAX_ATTEMPTS, retry_delay_seconds
from carbonexia.webhooks.transport import Outcome, signature


def test_the_retry_schedule_triples_from_the_base_and_is_capped_at_an_hour():
    # 10, 10·3 = 30, 30·3 = 90, 270, 810, 2430, then 7290 capped to 3600; no wait after the 8th try.
    assert [retry_delay_seconds(n, base=10) for n in range(1, MAX_ATTEMPTS + 1)] == [
        10,
        30,
        90,
        270,
        810,
        2430,
        3600,
        None,
    ]
    assert sum(retry_delay_seconds(n, base=10) for n in range(1, MAX_ATTEMPTS)) == 7240  # about two hours
    assert [retry_delay_seconds(n, base=0) for n in range(1, 4)] == [0, 0, 0]
    assert retry_delay_seconds(3, base=1) == 9
    with pytest.raises(ValueError):
        retry_delay_seconds(0, base=10)


def test_the_signature_is_hmac_sha256_of_the_raw_body():
    # RFC 4231, test case 2.
    assert signature("Jefe", b"what do ya want for nothing?") == (
        "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    )


def test_only_2xx_counts_as_delivered():
    assert Outcome(200).succeeded and Outcome(204).succeeded
    assert not any(Outcome(code).succeeded for code in (199, 301, 400, 500))
    assert not Outcome(None, "ConnectionRefusedError").succeeded


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("https://hooks.example.test/in?a=1#frag", urlguard.Target("https", "hooks.example.test", 443, "/in?a=1")),
        ("HTTP://Hooks.Example.TEST", urlguard.Target("http", "hooks.example.test", 80, "/")),
        ("http://[2606:4700::1111]:8080/x", urlguard.Target("http", "2606:4700::1111", 8080, "/x")),
        ("https://bücher.example/hook", urlguard.Target("https", "xn--bcher-kva.example", 443, "/hook")),
    ],
)
def test_parse_reads_scheme_host_port_and_path(url, target):
    assert urlguard.parse(url) == target


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.0.0.1",
        "172.31.255.255",
        "192.168.0.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "239.255.255.250",
        "240.0.0.1",
        "255.255.255.255",
        "192.0.2.10",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "2002:a00:1::",
        "2001:db8::1",
    ],
)
def test_non_public_addresses_are_refused(address):
    assert not urlguard.is_public(address)


@pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_are_allowed(address):
    assert urlguard.is_public(address)


def test_the_rules_use_nothing_but_the_standard_library():
    package = Path(urlguard.__file__).parent
    imported = set()
    for name in ("backoff.py", "transport.py", "urlguard.py"):
        for node in ast.walk(ast.parse((package / name).read_text())):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                imported.add(node.module.split(".")[0])
    assert imported <= sys.stdlib_module_names
