"""Issue 14, item 2: one tenant pushes the worst data that gets past validation through the public API — the
largest floor area, the largest reading a meter can hold every day for two years, the coldest and hottest
temperatures on record, the largest baseline the API takes — and requests the largest credit block the ledger
can hold. Every page other people use still renders: the verifier's queue and evidence, the admin lists, the MRV
reads, the credit ledger, the portal's building lists and the tenant's own dashboard."""

import pandas as pd
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from buildings.models import MAX_AREA_SQFT
from credits.models import MAX_BLOCK_CREDITS, CreditBlock, Status
from metering.parsers import MAX_READING_KWH, MAX_TEMPERATURE_C, MIN_TEMPERATURE_C
from metering.readings.models import MeterReading
from tests.conftest import client_for
from tests.metering.helpers import make_building

pytestmark = pytest.mark.django_db

LARGEST_BASELINE_KWH = 1e12  # the API's bound on a month of a baseline


def _created(response, status=201) -> dict:
    assert response.status_code == status, response.json()
    return response.json()


def _csv(rows) -> SimpleUploadedFile:
    text = "timestamp,kwh\n" + "".join(f"{day:%Y-%m-%d},{kwh!r}\n" for day, kwh in rows)
    return SimpleUploadedFile("worst.csv", text.encode(), content_type="text/csv")


@pytest.fixture
def worst_building(owner, as_owner):
    """The tenant's building, loaded with the worst accepted data through the API; returns it and its blocks."""
    building_id = _created(
        as_owner.post(
            "/buildings",
            {"name": "Largest", "area_sqft": MAX_AREA_SQFT, "building_type": "data_center", "timezone": "Asia/Kolkata"},
            format="json",
        )
    )["building_id"]
    station = {"name": "Extremes", "latitude": -89.9, "longitude": 179.9, "timezone": "Asia/Kolkata"}
    station_id = _created(as_owner.post("/weather/stations", station, format="json"))["station_id"]
    days = pd.date_range("2023-01-01", "2025-03-31", freq="D")
    temperatures = [
        {"date": f"{day:%Y-%m-%d}", "temperature_c": MIN_TEMPERATURE_C if i % 2 else MAX_TEMPERATURE_C}
        for i, day in enumerate(days)
    ]
    _created(as_owner.post(f"/weather/{station_id}/readings", {"readings": temperatures}, format="json"), 202)
    _created(as_owner.patch(f"/buildings/{building_id}", {"weather_station_id": station_id}, format="json"), status=200)
    # 1e9 kWh a day is the most any reading may hold (the building's 5e10 W would allow 1.2e9), then nothing.
    readings = [(day, MAX_READING_KWH if day.year < 2025 else 0.0) for day in days]
    _created(
        as_owner.post("/meter/upload-csv", {"building_id": building_id, "file": _csv(readings)}, format="multipart")
    )
    event = {"event_type": "retrofit", "start_date": "2024-12-01", "end_date": "2024-12-15", "description": "All of it"}
    _created(as_owner.post(f"/buildings/{building_id}/events", event, format="json"))
    months = [{"period": f"2024-{m:02d}", "kwh": LARGEST_BASELINE_KWH} for m in range(1, 13)]
    baseline = {"building_id": building_id, "months": months, "method": "historical"}
    assert _created(as_owner.post("/baseline/calculate", baseline, format="json"))["valid"] is True
    return building_id


def _issue(client, building_id, start, end):
    return client.post(
        "/credits/issue", {"building_id": building_id, "period_start": start, "period_end": end}, format="json"
    )


def test_a_request_no_block_can_hold_is_refused_and_the_largest_that_fits_is_stored(as_owner, worst_building):
    # 1e12 kWh saved a month at 0.7383 kg/kWh is 738.3 million t: three months do not fit a block, two do.
    refused = _issue(as_owner, worst_building, "2025-01-01", "2025-03-31")
    assert refused.status_code == 422, refused.json()
    assert refused.json()["code"] == "block_too_large"
    assert refused.json()["detail"].startswith("The request is larger than a credit block can hold")
    assert not CreditBlock.objects.exists()
    stored = _created(_issue(as_owner, worst_building, "2025-01-01", "2025-02-28"))
    assert stored["credits_requested"] == pytest.approx(2 * 738_300_000, rel=1e-6)
    assert stored["credits_requested"] <= MAX_BLOCK_CREDITS


def test_every_shared_page_renders_after_the_worst_data(
    owner, as_owner, worst_building, verifier, as_verifier, make_user, client
):
    block_id = _created(_issue(as_owner, worst_building, "2025-01-01", "2025-02-28"))["credit_id"]
    neighbour = make_user(email="neighbour@example.test")
    make_building(neighbour, name="Next door")
    other = make_building(owner, name="Tenant's normal building")
    readings = client_for(owner).post(
        "/meter/readings",
        {"building_id": str(other.pk), "readings": [{"timestamp": "2025-01-01T00:00", "kwh": 10}]},
        format="json",
    )
    assert readings.status_code == 202

    verifier_browser = Client()
    verifier.is_staff = True
    verifier.save()
    verifier_browser.force_login(verifier)
    admin_pages = [
        "/admin/credits/creditblock/",
        "/admin/credits/creditblock/?status=all",
        f"/admin/credits/creditblock/{block_id}/change/",
        "/admin/buildings/building/",
        f"/admin/buildings/building/{worst_building}/change/",
        "/admin/metering/upload/",
        "/admin/mrv/baseline/",
        reverse("portal:buildings"),  # a verifier's portfolio: every building
    ]
    for page in admin_pages:
        assert verifier_browser.get(page).status_code == 200, page
    approved = as_verifier.post(f"/credits/{block_id}/verify", {"decision": "approve", "comment": "ok"}, format="json")
    assert approved.status_code == 200 and approved.json()["status"] == Status.ISSUED
    retired = as_owner.post(
        f"/credits/{block_id}/retire",
        {"quantity": 1_000_000, "beneficiary": "Someone", "reason": "Offset"},
        format="json",
    )
    assert retired.status_code == 200
    for page in admin_pages:
        assert verifier_browser.get(page).status_code == 200, page

    api_reads = [
        f"/mrv/{worst_building}/summary",
        f"/mrv/{worst_building}/summary?period=2024-06",
        f"/mrv/{worst_building}/savings?start=2023-01&end=2025-03",
        f"/credits/{worst_building}",
        f"/meter/{worst_building}/readings?interval=month",
        f"/baseline/{worst_building}",
        "/buildings",
    ]
    for path in api_reads:
        assert as_verifier.get(path).status_code == 200, path
        assert as_owner.get(path).status_code == 200, path
    totals = as_verifier.get(f"/mrv/{worst_building}/savings?start=2023-01&end=2025-03").json()["totals"]
    assert 0 < totals["savings_kwh"] < float("inf")

    tenant_browser = Client()
    tenant_browser.force_login(owner)
    tenant_pages = [reverse("portal:buildings")] + [
        reverse(f"portal:{page}", args=[worst_building])
        for page in ("dashboard", "data", "baselines", "credits", "reports", "bills", "building-edit")
    ]
    for page in tenant_pages:
        assert tenant_browser.get(page).status_code == 200, page
    neighbour_browser = Client()
    neighbour_browser.force_login(neighbour)
    assert neighbour_browser.get(reverse("portal:buildings")).status_code == 200
    assert MeterReading.objects.filter(building_id=worst_building, value_kwh=MAX_READING_KWH).count() == 731
