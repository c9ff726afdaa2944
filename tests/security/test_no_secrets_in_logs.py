"""No password, token, webhook secret or signing key reaches a log, at any log level: the app's own loggers,
Django's (requests, SQL), and the real Celery worker's output."""

import logging

import pytest
from django.conf import settings as django_settings
from django.db import transaction

from accounts.models import User
from carbonexia.events import publish
from carbonexia.webhooks.models import DeliveryStatus, WebhookDelivery
from tests.conftest import ARTIFACTS, client_for
from tests.support.waiting import wait_for
from tests.webhooks.receiver import Receiver

PASSWORD = "Log-Secret-pass-2026"
WRONG_PASSWORD = "Not-The-Pass-but-still-secret-71"


def _signing_keys() -> list[str]:
    return [django_settings.SECRET_KEY, django_settings.SIMPLE_JWT["SIGNING_KEY"]]


def _absent(secrets: list[str], text: str) -> list[str]:
    return [secret[:12] + "…" for secret in secrets if secret and secret in text]


def _log_text(caplog) -> str:
    return "\n".join(
        caplog.handler.format(record) + (record.exc_text or "") + repr(record.args) for record in caplog.records
    )


@pytest.mark.django_db
def test_the_whole_account_and_webhook_flow_logs_no_secret_even_at_debug(
    anon, caplog, settings, tasks_in_process, django_capture_on_commit_callbacks
):
    settings.DEBUG = True  # the embedded default: Django would log every SQL statement with its parameters
    settings.WEBHOOK_ALLOW_PRIVATE = True
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django")  # as an operator chasing a problem might
    assert (
        anon.post("/auth/register", {"email": "logs@example.test", "password": PASSWORD}, format="json").status_code
        == 201
    )
    refused = anon.post("/auth/login", {"email": "logs@example.test", "password": WRONG_PASSWORD}, format="json")
    assert refused.status_code == 401
    tokens = anon.post("/auth/login", {"email": "logs@example.test", "password": PASSWORD}, format="json").json()
    rotated = anon.post("/auth/refresh", {"refresh_token": tokens["refresh_token"]}, format="json").json()
    assert anon.post("/auth/refresh", {"refresh_token": tokens["refresh_token"]}, format="json").status_code == 401
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {rotated['access_token']}"}
    assert anon.get("/auth/me", **bearer).status_code == 200
    assert anon.get("/auth/me", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}x").status_code == 401
    with Receiver() as receiver:
        created = anon.post("/webhooks", {"url": receiver.url, "events": ["report_ready"]}, format="json", **bearer)
        assert created.status_code == 201
        owner = User.objects.get(email="logs@example.test")
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            publish(event_type="report_ready", owner=owner, payload={"report_id": "rep_" + "cd" * 16})
        assert len(receiver.requests) == 1
    logout = anon.post("/auth/logout", {"refresh_token": rotated["refresh_token"]}, format="json", **bearer)
    assert logout.status_code == 204

    logged = _log_text(caplog)
    assert "Unauthorized: /auth/me" in logged  # the capture saw Django's own request log
    secrets = [
        PASSWORD,
        WRONG_PASSWORD,
        tokens["access_token"],
        tokens["refresh_token"],
        rotated["access_token"],
        rotated["refresh_token"],
        created.json()["secret"],
        *_signing_keys(),
    ]
    assert _absent(secrets, logged) == []


@pytest.mark.worker
def test_the_worker_log_holds_no_webhook_secret(live_worker, owner, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    log_path = ARTIFACTS / "celery-worker.log"
    earlier = log_path.stat().st_size
    with Receiver() as receiver:
        created = client_for(owner).post(
            "/webhooks", {"url": receiver.url, "events": ["credits_issued"]}, format="json"
        )
        with transaction.atomic():
            publish(event_type="credits_issued", owner=owner, payload={"credit_block_id": "blk_9", "tons": 3.0})
        wait_for(
            lambda: WebhookDelivery.objects.filter(webhook_id=created.json()["webhook_id"]).first(),
            until=lambda found: found is not None and found.status == DeliveryStatus.SUCCEEDED,
        )
    with log_path.open("rb") as log:
        log.seek(earlier)
        worker_log = log.read().decode(errors="replace")
    assert "Task webhooks.deliver[" in worker_log  # the worker did log its work
    assert _absent([created.json()["secret"], *_signing_keys()], worker_log) == []
