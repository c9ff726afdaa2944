"""Grid emission factors: which one applies on a date, and the writes that keep used factors immutable."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model

from carbonexia.audit.services import audit_record
from carbonexia.common.errors import Conflict, Invalid

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


class NoEmissionFactor(Invalid):
    code = "no_emission_factor"


@dataclass(frozen=True)
class FactorChoice:
    factor: EmissionFactor
    carried_forward: bool


def _credit_factors(region: str) -> list[EmissionFactor]:
    return list(EmissionFactor.objects.filter(region__iexact=region, for_credits=True).order_by("-valid_from", "-id"))


def _choose(factors: list[EmissionFactor], on: date) -> FactorChoice | None:
    """From factors newest first: the one whose validity covers `on`, else the latest started before it."""
    started = [f for f in factors if f.valid_from <= on]
    covering = next((f for f in started if f.valid_to is None or f.valid_to >= on), None)
    if covering is not None:
        return FactorChoice(factor=covering, carried_forward=False)
    return FactorChoice(factor=started[0], carried_forward=True) if started else None


def factor_for(*, region: str, on: date) -> FactorChoice:
    """The credit factor of `region` whose validity covers `on`, else the latest one that started before it."""
    factors = _credit_factors(region)
    choice = _choose(factors, on)
    if choice is not None:
        return choice
    if factors:
        raise NoEmissionFactor(f"No grid emission factor is known for region {region} on or before {on.isoformat()}.")
    raise NoEmissionFactor(f"No grid emission factor is known for region {region}.")


def factors_for_days(*, region: str, days: list[date]) -> dict[date, FactorChoice | None]:
    """`factor_for` for many dates with one query; None where no factor applies."""
    factors = _credit_factors(region)
    return {day: _choose(factors, day) for day in days}


def _is_referenced(obj: Model) -> bool:
    # Reverse relations include hidden ones (related_name="+", and the through tables of many-to-many
    # fields), which `_meta.related_objects` leaves out; a credit may reference a factor either way.
    relations = [
        field
        for field in obj._meta.get_fields(include_hidden=True)
        if field.auto_created and not field.concrete and (field.one_to_many or field.one_to_one)
    ]
    return any(
        relation.related_model._base_manager.filter(**{relation.field.name: obj}).exists() for relation in relations
    )


def factors_in_use(factor: EmissionFactor) -> bool:
    """Whether any row anywhere references this factor; such a factor is never edited or deleted."""
    return _is_referenced(factor)


def _snapshot(factor: EmissionFactor, fields) -> dict:
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


def _known(fields: dict) -> None:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not emission factor fields: {', '.join(sorted(unknown))}")


def _locked(factor: EmissionFactor) -> EmissionFactor:
    # FOR UPDATE conflicts with the key-share lock that a new referencing row takes on PostgreSQL, so
    # nothing can start using the factor between the in-use check and the write.
    return EmissionFactor.objects.select_for_update().get(pk=factor.pk)


def _refuse_if_in_use(factor: EmissionFactor, refusal: str) -> None:
    if factors_in_use(factor):
        raise Conflict(refusal, code="factor_in_use")


@transaction.atomic
def emission_factor_create(*, actor, **fields) -> EmissionFactor:
    _known(fields)
    factor = EmissionFactor(**fields)
    _validated(factor)
    factor.save()
    audit_record(actor=actor, action="emission_factor.created", obj=factor, after=_snapshot(factor, EDITABLE_FIELDS))
    return factor


@transaction.atomic
def emission_factor_update(*, factor: EmissionFactor, actor, **changes) -> EmissionFactor:
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
def emission_factor_delete(*, factor: EmissionFactor, actor) -> None:
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
