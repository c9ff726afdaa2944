from django.core.validators import RegexValidator
from django.db import models

from carbonexia.common.models import BaseModel

# Letters, digits and . _ - only: a device id is one MQTT topic level, so "/", "+" and "#" cannot appear in it.
DEVICE_ID_PATTERN = r"^[A-Za-z0-9._-]{1,64}$"
DEVICE_ID_MESSAGE = "Use 1 to 64 letters, digits, dots, underscores or hyphens."
# How much of a refused message is kept for the owner and the admin to see, whatever its size.
DEAD_LETTER_EXCERPT_CHARS = 1000
DEAD_LETTER_REASON_CHARS = 2000


class Meter(BaseModel):
    """A smart meter or gateway that publishes a building's readings over MQTT.

    Its secret is never stored: it is derived from `secret_salt` with the server's METER_SECRET_KEY
    (metering.meters.secrets), so the database alone does not let anyone sign a message."""

    building = models.ForeignKey("buildings.Building", on_delete=models.CASCADE, related_name="meters")
    device_id = models.CharField(
        max_length=64, unique=True, validators=[RegexValidator(DEVICE_ID_PATTERN, DEVICE_ID_MESSAGE)]
    )
    secret_salt = models.CharField(max_length=64, editable=False)
    # The arrival of the newest message whose readings were stored.
    last_message_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["device_id"]

    def __str__(self):
        return self.device_id


class DeadLetter(models.Model):
    """A message the consumer refused, with why: kept so a bad device can be diagnosed, never retried."""

    received_at = models.DateTimeField(db_index=True)
    device_id = models.CharField(max_length=200)  # as named in the topic, which may not be a registered meter
    meter = models.ForeignKey(Meter, null=True, blank=True, on_delete=models.SET_NULL, related_name="dead_letters")
    topic = models.CharField(max_length=300)
    payload_excerpt = models.TextField(max_length=DEAD_LETTER_EXCERPT_CHARS)
    payload_bytes = models.PositiveIntegerField()
    reason = models.TextField(max_length=DEAD_LETTER_REASON_CHARS)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self):
        return f"{self.device_id} {self.received_at.isoformat()}: {self.reason[:60]}"


class SeenNonce(models.Model):
    """A nonce a device's signed message carried, kept while a message sent at `sent_at` could still be accepted
    (MQTT_REPLAY_WINDOW_SECONDS): the same nonce again within it is a replay. Older rows are pruned."""

    meter = models.ForeignKey(Meter, on_delete=models.CASCADE, related_name="+")
    nonce = models.CharField(max_length=64)
    sent_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meter", "nonce"], name="seen_nonce_once_per_meter")]

    def __str__(self):
        return f"{self.meter_id} {self.nonce}"
