import json
from typing import Any, cast

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import connection, models, transaction
from django.utils import timezone

from .chain import GENESIS, canonical_row, link_hash
from .models import AuditEvent

# Serialises appends on PostgreSQL so two writers never chain onto the same predecessor.
_CHAIN_LOCK_KEY = 0x0A0D17

# Who acted: a user (request.user, possibly anonymous), or the name of the part of the system that did.
Actor = AbstractBaseUser | AnonymousUser | str | None


def _jsonable(value: object) -> Any:
    return None if value is None else json.loads(json.dumps(value, default=str))


@transaction.atomic
def audit_record(
    *,
    actor: Actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    actor_user = cast(AbstractBaseUser | None, actor if getattr(actor, "is_authenticated", False) else None)
    actor_label = actor_user.get_username() if actor_user else str(actor or "system")
    fields = {
        "occurred_at": timezone.now(),
        "actor_label": actor_label,
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id),
        "before": _jsonable(before),
        "after": _jsonable(after),
    }
    last = AuditEvent.objects.order_by("-seq").values_list("hash", flat=True).first()
    prev_hash = last or GENESIS
    return AuditEvent.objects.create(
        actor_id=actor_user.pk if actor_user else None,
        prev_hash=prev_hash,
        hash=link_hash(prev_hash, canonical_row(**fields)),
        **fields,
    )


def audit_first_broken_link() -> AuditEvent | None:
    """The first event whose stored hash or predecessor does not match a recomputation, else None."""
    prev_hash = GENESIS
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        row = canonical_row(
            occurred_at=event.occurred_at,
            actor_label=event.actor_label,
            action=event.action,
            object_type=event.object_type,
            object_id=event.object_id,
            before=event.before,
            after=event.after,
        )
        if event.prev_hash != prev_hash or event.hash != link_hash(prev_hash, row):
            return event
        prev_hash = event.hash
    return None
