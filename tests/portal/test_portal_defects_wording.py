"""Issue 16, defect 10: refusals say fields with the form's labels, not the service's names (start_date), and a
floor area reads as people write it while the stored value stays exact."""

import pytest

from buildings.models import ProjectEvent
from tests.metering.helpers import make_building
from tests.portal.demo_manager import read_bill

pytestmark = pytest.mark.django_db


def test_an_event_ending_before_it_starts_is_refused_with_the_forms_labels(portal, owner):
    building = make_building(owner)
    form = {"event_type": "retrofit", "start_date": "2024-03-10", "end_date": "2024-03-01"}
    response = portal.post(f"/portal/buildings/{building.pk}/data/events/", form)
    html = response.content.decode()
    assert response.status_code == 422 and "Must be on or after the start date." in html
    assert "start_date." not in html and not ProjectEvent.objects.exists()


def test_bill_figures_out_of_order_are_refused_with_the_forms_labels(portal, owner):
    building = make_building(owner)
    bill = read_bill(building, filename="march.pdf", kwh=9000)
    figures = {"kwh": "9000", "period_start": "2025-03-31", "period_end": "2025-03-01"}
    response = portal.post(f"/portal/buildings/{building.pk}/bills/{bill.upload_id}/", figures)
    html = response.content.decode()
    assert response.status_code == 422 and "Must not be before the first day billed." in html
    assert "before period_start" not in html
    bill.refresh_from_db()
    assert not bill.confirmed


@pytest.mark.parametrize(
    ("stored", "shown", "typed"), [(185_000.0, "185,000", "185000"), (1250.5, "1,250.5", "1250.5")]
)
def test_a_floor_area_reads_as_people_write_it_and_stays_exact(portal, owner, stored, shown, typed):
    building = make_building(owner)
    building.area_sqft = stored
    building.save(update_fields=["area_sqft"])
    html = portal.get(f"/portal/buildings/{building.pk}/settings/").content.decode()
    assert f"{shown} sq ft" in html and f'name="area_sqft" value="{typed}"' in html
    assert "185000.0" not in html
    unchanged = {"name": building.name, "building_type": building.building_type, "area_sqft": typed}
    portal.post(f"/portal/buildings/{building.pk}/settings/", {**unchanged, "timezone": building.timezone})
    building.refresh_from_db()
    assert building.area_sqft == stored
