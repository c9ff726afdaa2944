"""Writes of webhooks: subscriptions, one delivery per subscriber of an event, and the tries to send it."""

import json
import secrets
import time
import uuid
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from carbonexia.audit.services import Actor, audit_record
from carbonexia.common.errors import Invalid
from carbonexia.common.tasks import task_named
from carbonexia.events import EVENT_TYPES, TEST_EVENT

from . import selectors, transport, urlguard
from .backoff import retry_delay_seconds
from .models import DeliveryStatus, Webhook, WebhookAttempt, WebhookDelivery

MAX_WEBHOOKS_PER_USER = 20
TIMEOUT_SECONDS = 10
ATTEMPT_TIME_LIMIT = 45  # the deliver task's hard limit (seconds); its soft limit comes earlier
# While a worker tries a delivery, its next_attempt_at is pushed this far ahead so no other task claims it.
CLAIM_LEASE = timedelta(seconds=2 * ATTEMPT_TIME_LIMIT)
# A pending delivery overdue by more than this has lost its task (worker crash, broker loss); the sweeper
# sends a new one and marks it, so each stuck delivery gets at most one extra task per grace period.
SWEEP_GRACE = timedelta(minutes=5)
SWEEP_BATCH = 500


def _checked_url(url: str) -> str:
    try:
        target = urlguard.parse(url)
        if not settings.WEBHOOK_ALLOW_PRIVATE:
            urlguard.vetted_addresses(target, allow_private=False)
    except urlguard.UnsafeURL as refused:
        raise Invalid(str(refused), code="invalid_url", errors={"url": [str(refused)]}) from None
    return url


def webhook_create(*, owner: AbstractBaseUser, url: str, events: list[str]) -> Webhook:
    events = list(dict.fromkeys(events))
    unknown = [event for event in events if event not in EVENT_TYPES]
    if not events or unknown:
        message = f"Choose events among {', '.join(EVENT_TYPES)}."
        raise Invalid(message, errors={"events": [message]})
    url = _checked_url(url)  # may resolve DNS: before the transaction, which holds a lock
    with transaction.atomic():
        # Locking the owner serialises their creations, so the limit holds under concurrent requests.
        get_user_model().objects.select_for_update().filter(pk=owner.pk).first()
        if selectors.webhooks_of(owner).count() >= MAX_WEBHOOKS_PER_USER:
            message = f"You already have {MAX_WEBHOOKS_PER_USER} webhooks; delete one first."
            raise Invalid(message, code="too_many_webhooks")
        webhook = Webhook.objects.create(
            owner_id=owner.pk, url=url, events=events, secret=f"whsec_{secrets.token_hex(32)}"
        )
        audit_record(actor=owner, action="webhook.created", obj=webhook, after={"url": url, "events": events})
    return webhook


@transaction.atomic
def webhook_delete(*, actor: Actor, webhook: Webhook) -> None:
    """Deactivates the webhook (its delivery history stays) and gives up its pending deliveries."""
    webhook.active = False
    webhook.save(update_fields=["active", "updated_at"])
    cancelled = webhook.deliveries.filter(status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.FAILED,
        next_attempt_at=None,
        last_error="The webhook was deleted before this delivery succeeded.",
        updated_at=timezone.now(),
    )
    audit_record(actor=actor, action="webhook.deleted", obj=webhook, after={"cancelled_deliveries": cancelled})


def _enqueue(delivery_id: uuid.UUID, *, retry_base_seconds: int, countdown: float = 0) -> None:
    # Sent after commit and without enqueue()'s refusal: a delivery the broker missed is resent by the sweeper.
    task_named("webhooks.deliver").apply_async(args=[str(delivery_id), retry_base_seconds], countdown=countdown)


def _deliveries_send(
    webhooks: list[Webhook], *, event_id: str, event_type: str, occurred_at: str, payload: dict[str, Any]
) -> list[WebhookDelivery]:
    """One delivery of the event per webhook, each sent by its own task once the transaction commits."""
    envelope = {"event_id": event_id, "event_type": event_type, "occurred_at": occurred_at}
    # Listing the envelope twice puts its keys first and lets its values win over same-named payload keys.
    body = json.dumps({**envelope, **payload, **envelope}, cls=DjangoJSONEncoder, separators=(",", ":"))
    now = timezone.now()
    # The base of the retry schedule travels with the task, so every try of a delivery follows one schedule.
    retry_base_seconds = settings.WEBHOOK_RETRY_BASE_SECONDS
    with transaction.atomic():
        deliveries = WebhookDelivery.objects.bulk_create(
            WebhookDelivery(webhook=webhook, event_id=event_id, event_type=event_type, body=body, next_attempt_at=now)
            for webhook in webhooks
        )
        for delivery in deliveries:
            transaction.on_commit(partial(_enqueue, delivery.pk, retry_base_seconds=retry_base_seconds), robust=True)
    return deliveries


def deliveries_create(
    *, event_id: str, event_type: str, occurred_at: str, owner: AbstractBaseUser, payload: dict[str, Any]
) -> list[WebhookDelivery]:
    """One delivery per active webhook of `owner` subscribed to the event, each sent by its own task."""
    subscribed = [webhook for webhook in selectors.webhooks_of(owner) if event_type in webhook.events]
    if not subscribed:
        return []
    return _deliveries_send(
        subscribed, event_id=event_id, event_type=event_type, occurred_at=occurred_at, payload=payload
    )


@transaction.atomic
def webhook_test_send(*, actor: AbstractBaseUser, webhook: Webhook) -> WebhookDelivery:
    """A `webhook_test` event to this one webhook, delivered, signed, retried and recorded like any other."""
    event_id = f"evt_{uuid.uuid4().hex}"
    payload = {"webhook_id": str(webhook.pk), "message": "A test event sent from Carbonexia on your request."}
    (delivery,) = _deliveries_send(
        [webhook], event_id=event_id, event_type=TEST_EVENT, occurred_at=timezone.now().isoformat(), payload=payload
    )
    audit_record(actor=actor, action="webhook.test_sent", obj=webhook, after={"event_id": event_id})
    return delivery


def _claim(delivery_id: uuid.UUID) -> bool:
    """Takes a due pending delivery for this worker; False when it is finished, not due or being tried."""
    now = timezone.now()
    due = WebhookDelivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
    return due.update(next_attempt_at=now + CLAIM_LEASE, updated_at=now) == 1


def _headers(delivery: WebhookDelivery, body: bytes) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": "Carbonexia-Webhooks/1.0",
        "X-Carbonexia-Event": delivery.event_type,
        "X-Carbonexia-Delivery": str(delivery.pk),
        "X-Carbonexia-Signature": transport.signature(delivery.webhook.secret, body),
    }


@transaction.atomic
def _attempt_record(
    delivery_id: uuid.UUID,
    *,
    attempted_at: datetime,
    duration_ms: int,
    outcome: transport.Outcome,
    retry_base_seconds: int,
) -> tuple[WebhookDelivery, int | None]:
    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery_id)
    WebhookAttempt.objects.create(
        delivery=delivery,
        attempted_at=attempted_at,
        status_code=outcome.status_code,
        error=outcome.error,
        duration_ms=duration_ms,
    )
    delivery.attempt_count += 1
    delivery.last_status_code, delivery.last_error = outcome.status_code, outcome.error
    delay = None
    if outcome.succeeded:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.SUCCEEDED, None
    elif delivery.status == DeliveryStatus.PENDING:  # not given up meanwhile by deleting the webhook
        delay = retry_delay_seconds(delivery.attempt_count, base=retry_base_seconds)
        if delay is None:
            delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
        else:
            delivery.next_attempt_at = timezone.now() + timedelta(seconds=delay)
    delivery.save()
    return delivery, delay


def delivery_attempt(*, delivery: WebhookDelivery, retry_base_seconds: int) -> WebhookDelivery:
    """Sends a due delivery once and records the try; after a failure, schedules the next try or gives up.

    A finished delivery, one not due yet or one another worker is trying is left alone, so a redelivered
    or duplicated task never sends twice.
    """
    if not _claim(delivery.pk):
        return delivery
    body = delivery.body.encode()
    attempted_at, started = timezone.now(), time.monotonic()
    try:
        outcome = transport.post(
            url=delivery.webhook.url,
            body=body,
            headers=_headers(delivery, body),
            timeout=TIMEOUT_SECONDS,
            allow_private=settings.WEBHOOK_ALLOW_PRIVATE,
        )
    except SoftTimeLimitExceeded:
        outcome = transport.Outcome(status_code=None, error="The receiver took too long; the attempt was stopped.")
    delivery, delay = _attempt_record(
        delivery.pk,
        attempted_at=attempted_at,
        duration_ms=round((time.monotonic() - started) * 1000),
        outcome=outcome,
        retry_base_seconds=retry_base_seconds,
    )
    if delay is not None:
        _enqueue(delivery.pk, retry_base_seconds=retry_base_seconds, countdown=delay)
    return delivery


def deliveries_sweep() -> int:
    """Sends a new task for each pending delivery whose task was lost; returns how many."""
    now = timezone.now()
    overdue = WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now - SWEEP_GRACE)
    swept = 0
    for delivery_id in list(overdue.order_by("next_attempt_at").values_list("pk", flat=True)[:SWEEP_BATCH]):
        # Conditional per row: a delivery a worker claimed meanwhile (lease in the future) is left to it.
        if overdue.filter(pk=delivery_id).update(next_attempt_at=now, updated_at=now):
            _enqueue(delivery_id, retry_base_seconds=settings.WEBHOOK_RETRY_BASE_SECONDS)
            swept += 1
    return swept
