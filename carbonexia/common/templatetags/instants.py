"""``{{ upload.created_at|instant:building.timezone }}`` → '2024-07-09 14:05 Asia/Kolkata' (see common.instants)."""

from django import template

from carbonexia.common.instants import MINUTES, SECONDS, UTC, format_instant

register = template.Library()


@register.filter
def instant(value, zone=UTC):
    """An instant in ``zone`` (UTC when none is given) with the zone's name; minutes."""
    return format_instant(value, zone or UTC, pattern=MINUTES)


@register.filter
def instant_seconds(value, zone=UTC):
    """The same, to the second (audit rows, webhook attempts)."""
    return format_instant(value, zone or UTC, pattern=SECONDS)
