"""What the schema fuzzer found, kept as plain examples so they stay fixed whatever the fuzzer draws next."""

import pytest

from tests.conftest import client_for
from tests.metering.helpers import csv_bytes, make_building, upload

OUTSIDE = "Must be between 1900-01-01 and 2199-12-31."


@pytest.fixture
def building(owner):
    return make_building(owner)


def _answer(client, method: str, url: str, body=None):
    return client.get(url) if method == "get" else client.post(url, body, format="json")


# Dates outside the span the MRV engine computes in (pandas counts nanoseconds: years 1677 to 2262) were 500s
# deep in a calculation; they are 422 at the edge now, and the span's own ends still compute.
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "url", "body", "field"),
    [
        ("get", "/mrv/{b}/summary?period=9999-12", None, "period"),
        ("get", "/mrv/{b}/summary?period=1000-01", None, "period"),
        ("get", "/mrv/{b}/summary?period=0000-05", None, "period"),
        ("get", "/mrv/{b}/savings?start=2262-01&end=2262-12", None, "start"),
        ("get", "/meter/{b}/readings?start=0001-01-01T00:00:00&interval=day", None, "start"),
        ("post", "/baseline/calculate", {"months": [{"period": "9999-12", "kwh": 1}]}, "months"),
        ("post", "/baseline/calculate", {"months": [{"period": "0000-01", "kwh": 1}]}, "months"),
        (
            "post",
            "/baseline/calculate",
            {"baseline_start": "3165-11-02", "baseline_end": "3166-01-01"},
            "baseline_start",
        ),
        ("post", "/credits/issue", {"period_start": "9999-01-01", "period_end": "9999-12-31"}, "period_start"),
    ],
)
def test_a_date_outside_the_calendar_is_422_not_500(building, owner, method, url, body, field):
    building_id = str(building.pk)
    answer = _answer(
        client_for(owner), method, url.format(b=building_id), body and {"building_id": building_id, **body}
    )
    assert answer.status_code == 422, answer.content
    assert field in answer.json()["errors"]
    assert OUTSIDE in str(answer.json()["errors"][field])


@pytest.mark.django_db
def test_the_ends_of_the_calendar_still_compute(building, owner):
    api, building_id = client_for(owner), building.pk
    assert api.get(f"/mrv/{building_id}/savings?start=1900-01&end=1900-12").status_code == 200
    assert api.get(f"/mrv/{building_id}/savings?start=2199-01&end=2199-12").status_code == 200
    months = [{"period": "2199-11", "kwh": 1}, {"period": "2199-12", "kwh": 2}]
    assert (
        api.post("/baseline/calculate", {"building_id": str(building_id), "months": months}, format="json").status_code
        == 201
    )


@pytest.mark.django_db
def test_the_schema_describes_the_202_of_a_csv_for_the_worker(building, owner, settings, tasks_in_process):
    settings.METER_CSV_ASYNC_ROWS = 2
    rows = [("2025-03-31T14:00:00", 1), ("2025-03-31T15:00:00", 2)]
    answer = upload(client_for(owner), building.pk, csv_bytes(rows))
    assert answer.status_code == 202
    document = client_for(owner).get("/schema", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    accepted = document["paths"]["/meter/upload-csv"]["post"]["responses"]["202"]["content"]["application/json"]
    component = document["components"]["schemas"][accepted["schema"]["$ref"].rsplit("/", 1)[-1]]
    assert set(component["properties"]) == set(answer.json()) == {"upload_id", "status"}


@pytest.mark.django_db
@pytest.mark.parametrize("accept", ["BÁÃd", "text/csv", "application/xml"])
def test_an_accept_header_the_api_cannot_meet_gets_json_not_406(owner, accept):
    """API.md: JSON out. Random headers from the fuzzer once got a 406 that the contract and schema never list."""
    answer = client_for(owner).post("/webhooks", {"url": "", "events": []}, format="json", HTTP_ACCEPT=accept)
    assert answer.status_code == 422
    assert answer["Content-Type"] == "application/json"
    assert answer.json()["code"] == "invalid"
