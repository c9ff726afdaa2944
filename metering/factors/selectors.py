"""Grid emission factors: which one applies on a date, and whether a factor is in use."""

from dataclasses import dataclass
from datetime import date
from typing import cast

from django.db.models import ForeignObjectRel, Model

from carbonexia.common.errors import Invalid

from .models import EmissionFactor


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
        if isinstance(field, ForeignObjectRel) and (field.one_to_many or field.one_to_one)
    ]
    return any(
        cast(type[Model], relation.related_model)._base_manager.filter(**{relation.field.name: obj}).exists()
        for relation in relations
    )


def factors_in_use(factor: EmissionFactor) -> bool:
    """Whether any row anywhere references this factor; such a factor is never edited or deleted."""
    return _is_referenced(factor)
