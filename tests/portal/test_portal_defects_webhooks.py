"""Issue 16, webhooks in the portal: events in words (the code in small print), and a test event sent on request
through the same delivery machinery as every event, signed, recorded and listed with its attempt."""

import hashlib
import hmac
import json

import pytest

from carbonexia.audit.models import AuditEvent
from carbonexia.webhooks.models import DeliveryStatus, WebhookDelivery
from carbonexia.webhooks.services import webhook_create
from tests.webhooks.receiver import Receiver

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running


def test_events_read_in_words_with_their_code_in_small_print(portal, owner):
    webhook = webhook_create(owner=owner, url="https://hooks.example.test/x", events=["credits_issued"])
    listed = portal.get("/portal/webhooks/").content.decode()
    assert "Credits issued <small><code>credits_issued</code></small>" in listed
    page = portal.get(f"/portal/webhooks/{webhook.pk}/").content.decode()
    assert "Credits issued <small><code>credits_issued</code></small>" in page
    assert "Events: credits_issued" not in page


def test_a_test_event_is_delivered_signed_and_recorded(
    portal, owner, receiver, tasks_in_process, django_capture_on_commit_callbacks
):
    webhook = webhook_create(owner=owner, url=receiver.url, events=["report_ready"])
    with django_capture_on_commit_callbacks(execute=True):
        response = portal.post(f"/portal/webhooks/{webhook.pk}/test/")
    assert response.status_code == 302 and response["Location"] == f"/portal/webhooks/{webhook.pk}/"

    [received] = receiver.requests
    expected = "sha256=" + hmac.new(webhook.secret.encode(), received.body, hashlib.sha256).hexdigest()
    assert received.headers["x-carbonexia-signature"] == expected
    assert received.headers["x-carbonexia-event"] == "webhook_test"
    sent = json.loads(received.body)
    assert sent["event_type"] == "webhook_test" and sent["webhook_id"] == str(webhook.pk)
    [delivery] = WebhookDelivery.objects.filter(webhook=webhook)
    assert delivery.event_id == sent["event_id"] and delivery.status == DeliveryStatus.SUCCEEDED
    assert delivery.attempts.get().status_code == 200
    assert AuditEvent.objects.filter(action="webhook.test_sent", object_id=str(webhook.pk)).count() == 1

    page = portal.get(response["Location"]).content.decode()
    assert "A test event was sent to" in page
    assert "Test event<br><small><code>webhook_test</code>" in page and "Succeeded" in page


def test_a_test_event_is_only_sent_to_ones_own_webhook_and_only_by_post(portal, outsider_portal, owner):
    webhook = webhook_create(owner=owner, url="https://hooks.example.test/x", events=["report_ready"])
    assert outsider_portal.post(f"/portal/webhooks/{webhook.pk}/test/").status_code == 404
    assert portal.get(f"/portal/webhooks/{webhook.pk}/test/").status_code == 405
    assert not WebhookDelivery.objects.exists()
