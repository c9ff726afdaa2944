from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import admin
from django.db import models
from django.utils.html import format_html

from .instants import MINUTES, UTC, format_instant

# A callable the admin shows of a record. Django takes one in list_display, readonly_fields and fields alike (its
# documentation); django-stubs types the last two as names only, so a column is typed Any to fit all three.
Column = Any
Zone = Callable[[Any], str | None]


class ReadOnlyAdminMixin:
    """For a model admin or inline whose records change only through their service (one write path):
    verifiers and admins may look, nobody adds, changes or deletes here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def in_utc(record) -> str:
    """An account's or a region's times (users, webhooks, audit rows of any object, factors)."""
    return UTC


def in_building_zone(record) -> str:
    """A building's times, of a record with a ``building``: in the building's zone, as its portal pages show them."""
    return record.building.timezone


def instant_column(name: str, zone: Zone = in_utc, *, description: str = "", pattern: str = MINUTES) -> Column:
    """An admin column (list_display) or read-only field (readonly_fields) showing the datetime field ``name`` as
    every page shows an instant (carbonexia.common.instants): in the record's ``zone`` (UTC when it gives none)
    with the zone's name. The admin's own datetime display would show the site's zone, unnamed."""

    def shown(record) -> str:
        text = format_instant(getattr(record, name), zone(record) or UTC, pattern=pattern) or "-"
        return format_html('<span class="nowrap">{}</span>', text)  # on one line, as the admin keeps its own times

    shown.__name__ = name  # the column's CSS class and its lookup name, as for the plain field
    return admin.display(description=description or name.replace("_", " ").capitalize(), ordering=name)(shown)


def shown_fields(
    model: type[models.Model], zone: Zone = in_utc, *, leave_out: Iterable[str] = (), pattern: str = MINUTES
) -> list[Column]:
    """Every field of ``model`` for a read-only change page, in order, its datetimes as instant columns (use it as
    both ``fields`` and ``readonly_fields``)."""
    left_out = set(leave_out)
    return [
        instant_column(field.name, zone, description=str(field.verbose_name).capitalize(), pattern=pattern)
        if isinstance(field, models.DateTimeField)
        else field.name
        for field in model._meta.fields
        if field.name not in left_out
    ]
