"""Every time the admin shows carries its zone's name (issue 16, defect 5), through the one helper
carbonexia.common.admin.instant_column: a building's records in the building's zone, an account's and the audit
log's in UTC. The admin's own datetime display would show the site's zone without saying which; where Django still
formats one itself (the history pages), the project's DATETIME_FORMAT names the zone."""

import datetime as dt
import re
import sys

import pytest
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.test import Client, RequestFactory
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from buildings.models import Building
from carbonexia.audit.models import AuditEvent
from carbonexia.audit.services import audit_record
from carbonexia.common.instants import SECONDS, format_instant
from metering.meters.models import Meter
from tests.metering.helpers import make_building, message_refused, upload_received

# 08:35:12 UTC is 14:05:12 in Kolkata (UTC+05:30).
INSTANT = dt.datetime(2024, 7, 9, 8, 35, 12, tzinfo=dt.UTC)
SHOWN = "2024-07-09 14:05 Asia/Kolkata"


def _admin_page(user, path: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


@pytest.mark.django_db
def test_an_upload_is_listed_and_shown_in_its_buildings_zone(owner, verifier):
    upload = upload_received(make_building(owner), at=INSTANT, period_start=INSTANT)
    listed = _admin_page(verifier, "/admin/metering/upload/")
    assert f'<td class="field-created_at"><span class="nowrap">{SHOWN}</span></td>' in listed
    shown = _admin_page(verifier, f"/admin/metering/upload/{upload.pk}/change/")
    assert shown.count(SHOWN) == 2  # uploaded at, and its first reading
    assert "July 9, 2024" not in shown


@pytest.mark.django_db
def test_audit_events_are_listed_and_shown_in_utc_named(verifier):
    event = audit_record(actor="tests", action="meter_added", object_type="metering.meter", object_id="1")
    shown_as = format_instant(AuditEvent.objects.get(pk=event.pk).occurred_at, pattern=SECONDS)
    assert shown_as.endswith(" UTC")
    shown_as = f'<span class="nowrap">{shown_as}</span>'
    assert f'<td class="field-occurred_at">{shown_as}</td>' in _admin_page(verifier, "/admin/audit/auditevent/")
    assert f'<div class="readonly">{shown_as}</div>' in _admin_page(
        verifier, f"/admin/audit/auditevent/{event.pk}/change/"
    )


@pytest.mark.django_db
def test_a_dead_letter_of_a_known_meter_is_in_its_buildings_zone_and_of_an_unknown_device_in_utc(owner, admin_user):
    meter = Meter.objects.create(
        building=make_building(owner), device_id="gw", secret_salt="s", last_message_at=INSTANT
    )
    message_refused("gw", at=INSTANT, meter=meter)
    message_refused("stranger", at=INSTANT)
    letters = _admin_page(admin_user, "/admin/metering/deadletter/")
    assert "2024-07-09 14:05:12 Asia/Kolkata" in letters and "2024-07-09 08:35:12 UTC" in letters
    assert "2024-07-09 14:05:12 Asia/Kolkata" in _admin_page(admin_user, "/admin/metering/meter/")


def _shown_names(model_admin: admin.ModelAdmin, request, obj) -> list:
    """What a model admin shows of a record: its list's columns and its change page's fields (and inlines')."""
    names = [*model_admin.get_list_display(request), *flatten_fieldsets(model_admin.get_fieldsets(request, obj))]
    for inline in model_admin.get_inline_instances(request, obj):
        names += [(inline.model, name) for name in flatten_fieldsets(inline.get_fieldsets(request, obj))]
    return names


def _is_datetime_field(model: type[models.Model], name) -> bool:
    if not isinstance(name, str):
        return False
    try:
        return isinstance(model._meta.get_field(name), models.DateTimeField)
    except FieldDoesNotExist:
        return False


@pytest.mark.django_db
def test_no_admin_list_or_page_shows_a_datetime_field_through_djangos_display(admin_user):
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    raw = []
    for model, model_admin in admin.site._registry.items():
        if "site-packages" in sys.modules[type(model_admin).__module__].__file__:
            continue  # a library's admin (tokens, task results): Django's display, named by DATETIME_FORMAT below
        record = model()
        record.pk = record.pk or 0  # a stored record's page, as far as the admin asks (it finds nothing under 0)
        for shown in _shown_names(model_admin, request, record):
            owner, name = shown if isinstance(shown, tuple) else (model, shown)
            if _is_datetime_field(owner, name):
                raw.append(f"{owner._meta.label}.{name}")
    assert raw == [], raw


@pytest.mark.django_db
def test_what_django_formats_itself_names_the_zone_too(owner, admin_user):
    building = make_building(owner)
    LogEntry.objects.create(
        user=admin_user,
        content_type=ContentType.objects.get_for_model(Building),
        object_id=str(building.pk),
        object_repr=building.name,
        action_flag=CHANGE,
        change_message="Power ceiling set.",
    )
    history = _admin_page(admin_user, f"/admin/buildings/building/{building.pk}/history/")
    assert re.search(r'<th scope="row">\d{4}-\d\d-\d\d \d\d:\d\d UTC</th>', history), history
    OutstandingToken.objects.create(
        user=owner, jti="j1", token="t", created_at=INSTANT, expires_at=INSTANT + dt.timedelta(days=1)
    )
    tokens = _admin_page(admin_user, "/admin/token_blacklist/outstandingtoken/")
    assert "2024-07-09 08:35 UTC" in tokens and "2024-07-10 08:35 UTC" in tokens
