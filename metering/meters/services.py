"""Writes of smart meters: registering and removing a device, and storing what its messages carry."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from buildings.models import Building
from carbonexia.audit.services import audit_record
from carbonexia.common.errors import Conflict, Invalid

from ..readings.models import ReadingSource
from ..readings.services import meter_readings_ingest
from .messages import MeterMessage, Refused, judge, replay_window
from .models import DeadLetter, Meter, SeenNonce
from .secrets import device_secret, new_salt

MAX_METERS_PER_BUILDING = 100
DEAD_LETTER_RETENTION = timedelta(days=30)


@dataclass(frozen=True)
class Registered:
    meter: Meter
    secret: str  # shown to the owner once; never stored


def meter_create(*, actor: User, building: Building, device_id: str) -> Registered:
    meter = Meter(building=building, device_id=device_id, secret_salt=new_salt())
    try:
        meter.full_clean(validate_unique=False)
    except ValidationError as exc:
        errors = exc.message_dict
        raise Invalid(f"Some fields are not valid: {', '.join(sorted(errors))}.", errors=errors) from None
    taken = Conflict("A meter with this device id is already registered.", code="device_id_taken")
    with transaction.atomic():
        # The building's row lock serialises its registrations, so the limit holds under concurrent requests.
        Building.objects.select_for_update().filter(pk=building.pk).first()
        if Meter.objects.filter(building=building).count() >= MAX_METERS_PER_BUILDING:
            raise Invalid(f"A building has at most {MAX_METERS_PER_BUILDING} meters; delete one first.")
        if Meter.objects.filter(device_id=device_id).exists():
            raise taken
        try:
            with transaction.atomic():
                meter.save()
        except IntegrityError:  # registered by a concurrent request between the check and the insert
            raise taken from None
        audit_record(actor=actor, action="meter.registered", obj=meter, after={"device_id": device_id})
    return Registered(meter=meter, secret=device_secret(meter.secret_salt))


@transaction.atomic
def meter_delete(*, actor: User, meter: Meter) -> None:
    """The device's later messages are dead-lettered as unknown; the readings it sent stay."""
    audit_record(actor=actor, action="meter.deleted", obj=meter, before={"device_id": meter.device_id})
    meter.delete()


@dataclass(frozen=True)
class IngestedBatch:
    stored_readings: int
    dead_letters: int


@transaction.atomic
def meter_messages_ingest(*, messages: list[MeterMessage]) -> IngestedBatch:
    """Stores a batch of meter messages in one transaction: the readings of the good ones through the same
    upsert as the JSON API (a resent message replaces what it sent before, never adds to it), a dead letter
    with the reason for each bad one. The caller acknowledges the messages only after this commits."""
    verdicts = judge(messages)
    stored = 0
    for building, frame in verdicts.frames.items():
        counts = meter_readings_ingest(building=building, frame=frame, source=ReadingSource.MQTT)
        stored += counts.inserted + counts.updated
        audit_record(
            actor="mqtt",
            action="readings.ingested",
            obj=building,
            after={"rows": len(frame), "inserted": counts.inserted, "updated": counts.updated, "source": "MQTT"},
        )
    last_seen: dict[Meter, datetime] = {}
    for item in verdicts.accepted:
        last_seen[item.meter] = max(item.message.received_at, last_seen.get(item.meter, item.message.received_at))
    for meter, seen in last_seen.items():
        Meter.objects.filter(pk=meter.pk).update(last_message_at=seen)
    # A nonce is remembered while a message carrying it could still be accepted; past that, its age refuses it.
    SeenNonce.objects.bulk_create(verdicts.nonces, ignore_conflicts=True)
    SeenNonce.objects.filter(sent_at__lt=timezone.now() - replay_window()).delete()
    if verdicts.refused:
        DeadLetter.objects.bulk_create(item.dead_letter() for item in verdicts.refused)
        # Refused messages cost nothing to send: only the recent ones are kept, so a flood cannot fill the disk.
        DeadLetter.objects.filter(received_at__lt=timezone.now() - DEAD_LETTER_RETENTION).delete()
    return IngestedBatch(stored_readings=stored, dead_letters=len(verdicts.refused))


@transaction.atomic
def meter_message_dead_letter(*, message: MeterMessage, reason: str) -> None:
    """A message whose handling failed unexpectedly (a fault of ours, logged with its traceback) is dead-lettered
    alone with the reason, so the consumer acknowledges it and goes on instead of stopping at it."""
    meter = Meter.objects.filter(device_id=message.device_id).first()
    DeadLetter.objects.bulk_create([Refused(message, meter, reason).dead_letter()])
