from celery import shared_task

from .models import WebhookDelivery
from .services import ATTEMPT_TIME_LIMIT, deliveries_sweep, delivery_attempt


@shared_task(
    name="webhooks.deliver",
    acks_late=True,
    max_retries=0,
    soft_time_limit=ATTEMPT_TIME_LIMIT - 15,
    time_limit=ATTEMPT_TIME_LIMIT,
)
def deliver(delivery_id: str, retry_base_seconds: int) -> str:
    """One try of a delivery; the service schedules the next try itself, so this task never retries."""
    delivery = WebhookDelivery.objects.select_related("webhook").filter(pk=delivery_id).first()
    if delivery is None:
        return "missing"
    return delivery_attempt(delivery=delivery, retry_base_seconds=retry_base_seconds).status


@shared_task(name="webhooks.sweep", acks_late=True, max_retries=0)
def sweep() -> int:
    return deliveries_sweep()
