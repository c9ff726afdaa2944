"""A verifier opens a building's portal view from the evidence page: every page reads, nothing changes. The forms
and buttons that change the building are not shown; a post is refused (403) and stores nothing; a facility manager
who does not own the building finds nothing (404)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from buildings.models import Building, ProjectEvent
from credits.models import CreditBlock
from metering.uploads.models import Upload
from mrv.models import Baseline
from tests.portal.conftest import browser_session

pytestmark = pytest.mark.django_db

PAGES = ["", "data/", "baselines/", "credits/", "reports/", "bills/", "meters/"]
CHANGING = [
    "Upload meter data",
    "Save the link",
    "Record the event",
    "Compute the baseline",
    "Request the credits",
    "Upload the bill",
    "Add the meter",
    ">Settings<",
]
POSTS = [
    ("settings/", {"name": "Renamed", "area_sqft": "1", "timezone": "UTC"}),
    ("delete/", {}),
    ("baselines/", {"method": "weather"}),
    ("credits/", {"period_start": "2024-04-01", "period_end": "2024-04-30"}),
    ("data/events/", {"event_type": "retrofit", "start_date": "2024-05-01"}),
    ("data/upload/", {"file": SimpleUploadedFile("meter.csv", b"timestamp,kwh\n2024-05-01T00:00:00+05:30,1\n")}),
    ("meters/", {"device_id": "gw-1"}),
]


def _stored() -> tuple:
    return (
        Building.objects.values_list("name", flat=True).get(),
        Baseline.objects.count(),
        CreditBlock.objects.count(),
        ProjectEvent.objects.count(),
        Upload.objects.count(),
    )


@pytest.mark.parametrize("path", PAGES)
def test_a_verifier_reads_every_page_without_a_button_that_changes_the_building(verifier, measured, path):
    page = browser_session(verifier).get(f"/portal/buildings/{measured.pk}/{path}")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Read-only: you may look at everything about this building" in text
    for label in CHANGING:
        assert label not in text, label


def test_the_owner_still_sees_the_forms(portal, measured):
    data = portal.get(f"/portal/buildings/{measured.pk}/data/").content.decode()
    assert "Record the event" in data and ">Settings<" in data and "Read-only" not in data


@pytest.mark.parametrize(("path", "form"), POSTS)
def test_a_verifiers_post_is_refused_and_stores_nothing(verifier, measured, path, form):
    before = _stored()
    response = browser_session(verifier).post(f"/portal/buildings/{measured.pk}/{path}", form)
    assert response.status_code == 403, response.content[:300]
    assert _stored() == before


@pytest.mark.parametrize("path", PAGES)
def test_another_facility_manager_finds_nothing(outsider_portal, measured, path):
    assert outsider_portal.get(f"/portal/buildings/{measured.pk}/{path}").status_code == 404
    assert outsider_portal.post(f"/portal/buildings/{measured.pk}/{path}", {}).status_code == 404
