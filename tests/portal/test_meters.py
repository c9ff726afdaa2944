from datetime import UTC, datetime

import pytest

from metering.meters.models import Meter
from metering.meters.secrets import device_secret
from metering.meters.services import meter_create
from tests.metering.helpers import make_building, message_refused

pytestmark = pytest.mark.django_db


def _page(building) -> str:
    return f"/portal/buildings/{building.pk}/meters/"


def test_adding_a_meter_shows_its_secret_once_and_lists_it(portal, owner):
    building = make_building(owner)
    response = portal.post(_page(building), {"device_id": "floor-3"})
    meter = Meter.objects.get(building=building)
    secret = device_secret(meter.secret_salt).encode()
    assert response.status_code == 200 and secret in response.content
    assert b"It is shown only this once." in response.content
    listed = portal.get(_page(building)).content
    assert b"floor-3" in listed and b"none yet" in listed and secret not in listed


@pytest.mark.parametrize(("device_id", "message"), [("", "This field is required."), ("a/b", "letters, digits")])
def test_a_bad_device_id_is_refused_inline_and_stores_nothing(portal, owner, device_id, message):
    response = portal.post(_page(make_building(owner)), {"device_id": device_id})
    html = response.content.decode()
    assert response.status_code == 422 and message in html and 'id="id_device_id_error"' in html
    assert not Meter.objects.exists()


def test_a_taken_device_id_is_refused_with_409_on_the_form(portal, owner, outsider):
    meter_create(actor=outsider, building=make_building(outsider, name="Other"), device_id="gw")
    response = portal.post(_page(make_building(owner)), {"device_id": "gw"})
    assert response.status_code == 409 and b"already registered" in response.content
    assert Meter.objects.count() == 1


def test_deleting_a_meter_and_its_refused_messages_shown(portal, owner):
    building = make_building(owner)
    meter = meter_create(actor=owner, building=building, device_id="gw").meter
    message_refused("gw", at=datetime(2025, 1, 1, tzinfo=UTC), meter=meter, reason="The message is not UTF-8 JSON.")
    html = portal.get(_page(building)).content.decode()
    assert "Refused messages" in html and "not UTF-8 JSON" in html and "<code>{</code>" in html
    response = portal.post(f"{_page(building)}{meter.pk}/delete/", follow=True)
    assert b"was removed" in response.content and not Meter.objects.exists()


def test_an_outsider_gets_404_for_the_page_the_form_and_the_deletion(outsider_portal, owner):
    building = make_building(owner)
    meter = meter_create(actor=owner, building=building, device_id="gw").meter
    assert outsider_portal.get(_page(building)).status_code == 404
    assert outsider_portal.post(_page(building), {"device_id": "mine"}).status_code == 404
    assert outsider_portal.post(f"{_page(building)}{meter.pk}/delete/").status_code == 404
    assert list(Meter.objects.values_list("device_id", flat=True)) == ["gw"]
