import hashlib
import hmac
import json

import pytest
from django.db import transaction

from carbonexia.events import publish
from carbonexia.webhooks import services
from carbonexia.webhooks.models import DeliveryStatus, WebhookDelivery
from tests.support.waiting import wait_for


@pytest.mark.worker
def test_a_real_worker_delivers_after_one_retry(live_worker, owner, receiver, settings):
    # The retry base travels in the task message, so the worker process retries at once here.
    settings.WEBHOOK_RETRY_BASE_SECONDS = 0
    receiver.fail_first = 1
    webhook = services.webhook_create(owner=owner, url=receiver.url, events=["credits_issued"])
    with transaction.atomic():
        event_id = publish(event_type="credits_issued", owner=owner, payload={"credit_block_id": "blk_1", "tons": 12.5})

    delivery = wait_for(
        lambda: WebhookDelivery.objects.filter(webhook=webhook).first(),
        until=lambda found: found is not None and found.status != DeliveryStatus.PENDING,
    )
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.attempt_count == 2
    assert [attempt.status_code for attempt in delivery.attempts.all()] == [500, 200]
    first, second = receiver.requests
    assert first.body == second.body == delivery.body.encode()
    assert json.loads(second.body)["event_id"] == event_id
    expected = "sha256=" + hmac.new(webhook.secret.encode(), second.body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(expected, second.headers["x-carbonexia-signature"])
    assert second.headers["x-carbonexia-delivery"] == str(delivery.pk)
