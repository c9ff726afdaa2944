import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from carbonexia.webhooks import services
from carbonexia.webhooks.backoff import MAX_ATTEMPTS
from carbonexia.webhooks.models import DeliveryStatus, WebhookDelivery
from carbonexia.webhooks.tasks import deliver, sweep

from .receiver import closed_port

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_in_process")]


def _subscribe(client, url, events=("report_ready",)) -> dict:
    response = client.post("/webhooks", {"url": url, "events": list(events)}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def _deliveries(client, webhook) -> list[dict]:
    response = client.get(f"/webhooks/{webhook['webhook_id']}/deliveries")
    assert response.status_code == 200
    return response.json()["results"]


def _verifies(secret: str, received) -> bool:
    expected = "sha256=" + hmac.new(secret.encode(), received.body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, received.headers["x-carbonexia-signature"])


def test_a_committed_event_reaches_the_receiver_signed(as_owner, owner, receiver, publish_committed):
    webhook = _subscribe(as_owner, receiver.url)
    payload = {"report_id": "rep_" + "cd" * 16, "file_path": "reports/2025/tower-a.pdf"}
    event_id = publish_committed(owner=owner, event_type="report_ready", payload=payload)

    [received] = receiver.requests
    assert received.path == "/hooks?source=carbonexia"
    assert _verifies(webhook["secret"], received)
    assert not _verifies("whsec_" + "0" * 64, received)
    assert received.headers["content-type"] == "application/json"
    assert received.headers["x-carbonexia-event"] == "report_ready"
    sent = json.loads(received.body)
    assert list(sent)[:3] == ["event_id", "event_type", "occurred_at"]
    assert sent == {"event_id": event_id, "event_type": "report_ready", "occurred_at": sent["occurred_at"], **payload}
    assert event_id.startswith("evt_")
    assert timezone.datetime.fromisoformat(sent["occurred_at"]).tzinfo is not None

    [delivery] = _deliveries(as_owner, webhook)
    assert received.headers["x-carbonexia-delivery"] == delivery["delivery_id"]
    assert delivery["event_id"] == event_id and delivery["event_type"] == "report_ready"
    assert delivery["status"] == "succeeded" and delivery["attempt_count"] == 1
    assert delivery["next_attempt_at"] is None and delivery["last_status_code"] == 200
    [attempt] = delivery["attempts"]
    assert attempt["status_code"] == 200 and attempt["error"] == "" and attempt["attempted_at"]
    assert WebhookDelivery.objects.get(pk=delivery["delivery_id"]).body.encode() == received.body


def test_an_event_goes_only_to_the_owners_webhooks_subscribed_to_it(
    as_owner, owner, outsider, receiver, publish_committed
):
    _subscribe(as_owner, receiver.url, events=["ocr_completed"])
    services.webhook_create(owner=outsider, url=receiver.url, events=["report_ready"])
    publish_committed(owner=owner, event_type="report_ready")
    assert receiver.requests == []
    assert not WebhookDelivery.objects.exists()

    publish_committed(owner=owner, event_type="ocr_completed", payload={"upload_id": "upl_" + "1" * 32})
    assert [r.headers["x-carbonexia-event"] for r in receiver.requests] == ["ocr_completed"]


def test_a_payload_cannot_overwrite_the_envelope(as_owner, owner, receiver, publish_committed):
    _subscribe(as_owner, receiver.url)
    event_id = publish_committed(owner=owner, payload={"event_id": "forged", "report_id": "rep_1"})
    assert json.loads(receiver.requests[0].body)["event_id"] == event_id


def test_a_500_is_retried_with_the_same_bytes_until_it_succeeds(as_owner, owner, receiver, settings, publish_committed):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 0
    receiver.fail_first = 2
    webhook = _subscribe(as_owner, receiver.url)
    event_id = publish_committed(owner=owner)

    assert len(receiver.requests) == 3
    assert len({r.body for r in receiver.requests}) == 1
    assert {json.loads(r.body)["event_id"] for r in receiver.requests} == {event_id}
    assert len({r.headers["x-carbonexia-delivery"] for r in receiver.requests}) == 1
    assert all(_verifies(webhook["secret"], r) for r in receiver.requests)
    [delivery] = _deliveries(as_owner, webhook)
    assert delivery["status"] == "succeeded" and delivery["attempt_count"] == 3
    assert [a["status_code"] for a in delivery["attempts"]] == [500, 500, 200]


def test_a_receiver_that_keeps_failing_ends_failed_after_the_limit(
    as_owner, owner, receiver, settings, publish_committed
):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 0
    receiver.status = 503
    webhook = _subscribe(as_owner, receiver.url)
    publish_committed(owner=owner)

    assert len(receiver.requests) == MAX_ATTEMPTS == 8
    [delivery] = _deliveries(as_owner, webhook)
    assert delivery["status"] == "failed" and delivery["attempt_count"] == 8
    assert delivery["next_attempt_at"] is None and delivery["last_status_code"] == 503
    assert [a["status_code"] for a in delivery["attempts"]] == [503] * 8
    deliver.delay(delivery["delivery_id"], 0)
    assert len(receiver.requests) == 8


def test_a_failed_try_waits_for_its_backoff_before_the_next(as_owner, owner, receiver, publish_committed):
    receiver.fail_first = 1  # WEBHOOK_RETRY_BASE_SECONDS keeps its default of 10 s
    _subscribe(as_owner, receiver.url)
    publish_committed(owner=owner)

    delivery = WebhookDelivery.objects.get()
    [attempt] = delivery.attempts.all()
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempt_count == 1
    assert delivery.next_attempt_at - attempt.attempted_at >= timedelta(seconds=10)
    deliver.delay(str(delivery.pk), 10)  # a task arriving early sends nothing
    assert len(receiver.requests) == 1

    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    deliver.delay(str(delivery.pk), 10)
    delivery.refresh_from_db()
    assert len(receiver.requests) == 2 and delivery.status == DeliveryStatus.SUCCEEDED


def test_a_succeeded_delivery_is_never_sent_again(as_owner, owner, receiver, publish_committed):
    _subscribe(as_owner, receiver.url)
    publish_committed(owner=owner)
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - timedelta(hours=1))
    assert deliver.delay(str(delivery.pk), 0).get() == "succeeded"
    assert sweep.delay().get() == 0
    assert len(receiver.requests) == 1
    assert WebhookDelivery.objects.get().attempt_count == 1


def test_the_guard_is_checked_again_at_delivery_time(as_owner, owner, receiver, settings, publish_committed):
    webhook = _subscribe(as_owner, receiver.url)  # accepted while private addresses were allowed
    settings.WEBHOOK_ALLOW_PRIVATE = False
    publish_committed(owner=owner)

    assert receiver.requests == []
    [delivery] = _deliveries(as_owner, webhook)
    assert delivery["status"] == "pending" and delivery["attempt_count"] == 1
    [attempt] = delivery["attempts"]
    assert attempt["status_code"] is None
    assert attempt["error"] == "Not sent: 127.0.0.1 is not a public address."


def test_a_name_rebound_to_a_private_address_after_creation_is_not_called(
    as_owner, owner, receiver, settings, dns, publish_committed
):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    dns["hooks.example.test"] = "93.184.215.14"
    webhook = _subscribe(as_owner, f"http://hooks.example.test:{receiver.port}/hooks")
    dns["hooks.example.test"] = "127.0.0.1"
    publish_committed(owner=owner)

    assert receiver.requests == []
    [attempt] = _deliveries(as_owner, webhook)[0]["attempts"]
    assert "resolves to 127.0.0.1, which is not a public address" in attempt["error"]


def test_the_request_goes_to_the_vetted_address_under_the_hosts_name(as_owner, owner, receiver, dns, publish_committed):
    dns["receiver.example.test"] = "127.0.0.1"
    _subscribe(as_owner, f"http://receiver.example.test:{receiver.port}/in")
    publish_committed(owner=owner)
    [received] = receiver.requests
    assert received.headers["host"] == f"receiver.example.test:{receiver.port}"
    assert received.path == "/in"


def test_an_unreachable_receiver_is_recorded_as_a_failed_attempt(as_owner, owner, publish_committed):
    webhook = _subscribe(as_owner, f"http://127.0.0.1:{closed_port()}/hooks")
    publish_committed(owner=owner)
    [delivery] = _deliveries(as_owner, webhook)
    assert delivery["status"] == "pending" and delivery["last_status_code"] is None
    assert delivery["attempts"][0]["error"].startswith("ConnectionRefusedError")


def test_deleting_a_webhook_gives_up_its_pending_deliveries(as_owner, owner, receiver, publish_committed):
    receiver.status = 500
    webhook = _subscribe(as_owner, receiver.url)
    publish_committed(owner=owner)
    assert as_owner.delete(f"/webhooks/{webhook['webhook_id']}").status_code == 204

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and delivery.next_attempt_at is None
    assert delivery.last_error == "The webhook was deleted before this delivery succeeded."
    deliver.delay(str(delivery.pk), 0)
    publish_committed(owner=owner)
    assert len(receiver.requests) == 1
    assert WebhookDelivery.objects.count() == 1


def test_the_sweeper_resends_a_delivery_whose_task_was_lost(owner, receiver):
    webhook = services.webhook_create(owner=owner, url=receiver.url, events=["report_ready"])
    # Called outside a captured commit, so the task it schedules on commit never runs: a lost task.
    event = {"event_type": "report_ready", "occurred_at": "2025-03-01T00:00:00+00:00", "owner": owner, "payload": {}}
    [lost] = services.deliveries_create(event_id="evt_lost", **event)
    [recent] = services.deliveries_create(event_id="evt_recent", **event)
    WebhookDelivery.objects.filter(pk=lost.pk).update(next_attempt_at=timezone.now() - timedelta(hours=1))

    assert sweep.delay().get() == 1
    assert [json.loads(r.body)["event_id"] for r in receiver.requests] == ["evt_lost"]
    assert webhook.deliveries.get(pk=lost.pk).status == DeliveryStatus.SUCCEEDED
    assert webhook.deliveries.get(pk=recent.pk).status == DeliveryStatus.PENDING


def test_the_admin_shows_deliveries_with_their_attempts_read_only(
    as_owner, owner, receiver, publish_committed, client, make_user
):
    webhook = _subscribe(as_owner, receiver.url)
    publish_committed(owner=owner)
    admin_user = make_user(email="admin@example.test")
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    delivery = WebhookDelivery.objects.get()

    page = client.get(f"/admin/webhooks/webhookdelivery/{delivery.pk}/change/")
    assert page.status_code == 200 and b"duration" in page.content.lower()
    hook_page = client.get(f"/admin/webhooks/webhook/{webhook['webhook_id']}/change/")
    assert hook_page.status_code == 200
    assert webhook["secret"].encode() not in hook_page.content
    assert client.get("/admin/webhooks/webhook/add/").status_code == 403
