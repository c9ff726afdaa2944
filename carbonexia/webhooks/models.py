from django.conf import settings
from django.db import models

from carbonexia.common.models import BaseModel
from carbonexia.events import EVENT_LABELS


class Webhook(BaseModel):
    """A subscription of one user to some domain events. Deleting it through the API deactivates it, so the
    record of what was sent stays."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhooks")
    url = models.CharField(max_length=2000)
    events = models.JSONField(default=list)
    # Kept in clear because every delivery is signed with it; the API shows it once, at creation.
    secret = models.CharField(max_length=100)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-created_at", "id"]
        indexes = [models.Index(fields=["owner", "active"], name="webhook_owner_active")]

    def __str__(self):
        return self.url

    @property
    def event_labels(self) -> list[tuple[str, str]]:
        """(code, words) of each event subscribed to."""
        return [(event, EVENT_LABELS.get(event, event)) for event in self.events]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class WebhookDelivery(BaseModel):
    """One event for one webhook: the exact body sent (every retry sends these bytes) and where it stands."""

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.CharField(max_length=40)
    event_type = models.CharField(max_length=32)
    # Text, not JSON: jsonb would reorder keys, and the signature covers these exact bytes.
    body = models.TextField()
    status = models.CharField(max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempt_count = models.PositiveSmallIntegerField(default=0)
    # When the next try is due; while a worker is trying, a lease in the future. Null once finished.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name_plural = "webhook deliveries"
        constraints = [models.UniqueConstraint(fields=["webhook", "event_id"], name="webhook_delivery_once_per_event")]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due")]

    def __str__(self):
        return f"{self.event_type} {self.event_id} → {self.webhook}"

    @property
    def event_label(self) -> str:
        return EVENT_LABELS.get(self.event_type, self.event_type)


class WebhookAttempt(models.Model):
    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempts")
    attempted_at = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField()

    class Meta:
        ordering = ["attempted_at", "id"]

    def __str__(self):
        return f"{self.attempted_at.isoformat()} {self.status_code or self.error}"
