"""GET /mrv/{id}/anomalies on stored readings: what is found, what explains it, who may see it."""

from datetime import date

import pandas as pd
import pytest

from buildings.models import EventType
from buildings.services import event_record
from metering.parsers.demo_series import generate_meter, generate_weather
from tests.mrv import builders

pytestmark = pytest.mark.django_db
TZ = builders.TZ


@pytest.fixture
def office(owner):
    """Three months of a 15-minute office (2024-04..06) with a stuck register and a dropout in June."""
    weather = generate_weather(start="2024-04-01", end="2024-07-02", tz=TZ, seed=3, climate="subtropical")
    meter = generate_meter(
        weather=weather,
        start="2024-04-01",
        end="2024-07-01",
        tz=TZ,
        seed=3,
        weekday_occupancy=0.85,
        weekend_occupancy=0.2,
    )
    local = meter["ts"].dt.tz_convert(TZ)
    stuck = (local >= pd.Timestamp("2024-06-04 01:00", tz=TZ)) & (local < pd.Timestamp("2024-06-04 09:00", tz=TZ))
    meter.loc[stuck, "kwh"] = 12.5
    dropout = (local >= pd.Timestamp("2024-06-12 10:00", tz=TZ)) & (local < pd.Timestamp("2024-06-12 13:00", tz=TZ))
    meter.loc[dropout, "kwh"] = 0.0
    b = builders.building(owner)
    builders.store_meter(b, meter)
    return b


def test_a_stuck_register_and_a_dropout_are_listed_with_their_spans(as_owner, office):
    body = as_owner.get(f"/mrv/{office.pk}/anomalies?start=2024-06&end=2024-06").json()
    spans = {(a["kind"], a["start"], a["end"]) for a in body}
    assert ("flat_line", "2024-06-04T01:00:00+05:30", "2024-06-04T09:00:00+05:30") in spans
    assert ("zero_run", "2024-06-12T10:00:00+05:30", "2024-06-12T13:00:00+05:30") in spans
    assert all(a["explained_by"] is None for a in body)
    flat = next(a for a in body if a["kind"] == "flat_line")
    assert flat["evidence"] == {"value_kwh": 12.5, "readings": 32}
    assert as_owner.get(f"/mrv/{office.pk}/anomalies?start=2024-05&end=2024-05").json() == []


def test_a_recorded_event_explains_the_anomaly_it_overlaps(as_owner, owner, office):
    event = event_record(
        building=office,
        recorded_by=owner,
        event_type=EventType.EQUIPMENT_FAILURE,
        start_date=date(2024, 6, 12),
        end_date=date(2024, 6, 12),
    )
    body = as_owner.get(f"/mrv/{office.pk}/anomalies?start=2024-06&end=2024-06").json()
    explained = {a["kind"]: a["explained_by"] for a in body}
    assert explained["zero_run"] == str(event.pk)
    assert explained["flat_line"] is None


def test_outsiders_get_404_and_verifiers_see_the_list(as_outsider, as_verifier, office):
    assert as_outsider.get(f"/mrv/{office.pk}/anomalies?start=2024-06&end=2024-06").status_code == 404
    assert as_verifier.get(f"/mrv/{office.pk}/anomalies?start=2024-06&end=2024-06").status_code == 200


@pytest.mark.parametrize(("query", "field"), [("start=2024-13", "start"), ("start=2024-06&end=2024-01", "end")])
def test_bad_months_are_422(as_owner, office, query, field):
    response = as_owner.get(f"/mrv/{office.pk}/anomalies?{query}")
    assert response.status_code == 422 and field in response.json()["errors"]
