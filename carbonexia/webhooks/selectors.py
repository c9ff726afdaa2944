"""Reads of webhooks, scoped to their owner: anyone else's webhook is 404, whatever their role."""

from django.db.models import QuerySet

from carbonexia.common.errors import NotFound

from .models import Webhook, WebhookDelivery


def webhooks_of(user) -> QuerySet[Webhook]:
    return Webhook.objects.filter(owner=user, active=True)


def webhook_for_owner(*, user, webhook_id) -> Webhook:
    webhook = webhooks_of(user).filter(pk=webhook_id).first()
    if webhook is None:
        raise NotFound("No such webhook.")
    return webhook


def deliveries_of(webhook: Webhook) -> QuerySet[WebhookDelivery]:
    return webhook.deliveries.prefetch_related("attempts").order_by("-created_at", "id")
