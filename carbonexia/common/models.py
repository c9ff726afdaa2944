import uuid

from django.db import models


class BaseModel(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


def prefixed_id(prefix: str, pk: uuid.UUID) -> str:
    """The public form of an id that carries a type prefix, e.g. upl_<32 hex> (API.md)."""
    return f"{prefix}_{pk.hex}"


def parse_prefixed_id(prefix: str, value: str) -> uuid.UUID | None:
    """Accepts the prefixed form (and the bare UUID); None when it is neither."""
    raw = value[len(prefix) + 1 :] if value.startswith(f"{prefix}_") else value
    try:
        return uuid.UUID(raw)
    except ValueError:
        return None
