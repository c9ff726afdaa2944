"""Writes of grid emission factors; a factor anything references is never edited or deleted."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from carbonexia.audit.services import audit_record
from carbonexia.common.errors import Conflict, Invalid

from . import selectors
from .models import EmissionFactor

EDITABLE_FIELDS = (
    "region",
    "dataset",
    "version",
    "factor_type",
    "factor_kg_per_kwh",
    "valid_from",
    "valid_to",
    "source",
    "for_credits",
)


def _snapshot(factor: EmissionFactor, fields: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(factor, name) for name in fields}


def _validated(factor: EmissionFactor) -> None:
    errors = {}
    try:
        factor.full_clean(exclude=["created_at"])
    except ValidationError as exc:
        errors = exc.message_dict
    period_ok = "valid_from" not in errors and "valid_to" not in errors
    if period_ok and factor.valid_to is not None and factor.valid_to < factor.valid_from:
        errors.setdefault("valid_to", []).append("The validity cannot end before it starts.")
    if errors:
        raise Invalid("The emission factor is not valid.", code="invalid_emission_factor", errors=errors)


def _known(fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not emission factor fields: {', '.join(sorted(unknown))}")


def _locked(factor: EmissionFactor) -> EmissionFactor:
    # FOR UPDATE conflicts with the key-share lock that a new referencing row takes on PostgreSQL, so
    # nothing can start using the factor between the in-use check and the write.
    return EmissionFactor.objects.select_for_update().get(pk=factor.pk)


def _refuse_if_in_use(factor: EmissionFactor, refusal: str) -> None:
    if selectors.factors_in_use(factor):
        raise Conflict(refusal, code="factor_in_use")


@transaction.atomic
def emission_factor_create(*, actor: User, **fields: Any) -> EmissionFactor:
    _known(fields)
    factor = EmissionFactor(**fields)
    _validated(factor)
    factor.save()
    audit_record(actor=actor, action="emission_factor.created", obj=factor, after=_snapshot(factor, EDITABLE_FIELDS))
    return factor


@transaction.atomic
def emission_factor_update(*, factor: EmissionFactor, actor: User, **changes: Any) -> EmissionFactor:
    """Applies `changes`; refused (409) once anything references the factor. No change, no write."""
    _known(changes)
    factor = _locked(factor)
    changed = [name for name, value in changes.items() if getattr(factor, name) != value]
    if not changed:
        return factor
    _refuse_if_in_use(factor, "This emission factor is already used by credits; add a new version instead.")
    before = _snapshot(factor, changed)
    for name in changed:
        setattr(factor, name, changes[name])
    _validated(factor)
    factor.save(update_fields=changed)
    audit_record(
        actor=actor, action="emission_factor.updated", obj=factor, before=before, after=_snapshot(factor, changed)
    )
    return factor


@transaction.atomic
def emission_factor_delete(*, factor: EmissionFactor, actor: User) -> None:
    factor = _locked(factor)
    _refuse_if_in_use(factor, "This emission factor is already used by credits, so it cannot be deleted.")
    before = _snapshot(factor, EDITABLE_FIELDS)
    object_id = str(factor.pk)
    factor.delete()
    audit_record(
        actor=actor,
        action="emission_factor.deleted",
        object_type=EmissionFactor._meta.label_lower,
        object_id=object_id,
        before=before,
    )
