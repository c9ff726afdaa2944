"""``{% if building|changeable_by:user %}``: whether the page shows its forms and buttons that change the building.
Verifiers see every building read-only (buildings.selectors.may_change); the views refuse their posts alike."""

from django import template

from buildings.selectors import may_change

register = template.Library()


@register.filter
def changeable_by(building, user) -> bool:
    return may_change(user=user, building=building)
