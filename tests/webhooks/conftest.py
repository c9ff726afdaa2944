import socket

import pytest
from django.db import transaction

from carbonexia.events import publish

from .receiver import Receiver

REPORT_READY = {"report_id": "rep_" + "ab" * 16, "file_path": "reports/2025/tower-a.pdf"}


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running


@pytest.fixture
def dns(monkeypatch):
    """Fake DNS answers for the names a test sets ({name: address, or None for no answer}); others resolve for real."""
    answers: dict[str, str | None] = {}
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in answers:
            return real(host, port, *args, **kwargs)
        if answers[host] is None:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        family = socket.AF_INET6 if ":" in answers[host] else socket.AF_INET
        return [(family, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (answers[host], port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


@pytest.fixture
def publish_committed(django_capture_on_commit_callbacks):
    """Publishes an event in a transaction and runs what its commit triggers (delivery tasks in process)."""

    def run(*, owner, event_type="report_ready", payload=REPORT_READY) -> str:
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            return publish(event_type=event_type, owner=owner, payload=payload)

    return run
