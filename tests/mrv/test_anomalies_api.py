"""GET /mrv/{id}/anomalies on stored readings: what is found, what explains it, who may see it."""

from datetime import date

import pandas as pd
import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.utils import timezone

from buildings.models import EventType
from buildings.services import event_record
from metering.parsers.demo_series import to_csv_bytes
from mrv.cache_keys import mrv_cache_key
from reports.context import report_context
from reports.models import Report
from tests.mrv import builders
from tests.support.waiting import wait_for

pytestmark = pytest.mark.django_db
TZ = builders.TZ


@pytest.fixture
def office(owner):
    return builders.office_with_june_anomalies(owner)


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


def _june_key(building):
    return mrv_cache_key(building=building, first=pd.Period("2024-06"), last=pd.Period("2024-06"), kind="anomalies")


def test_detection_runs_when_readings_are_stored_and_caches_each_month(
    owner, django_capture_on_commit_callbacks, tasks_in_process
):
    b = builders.building(owner)
    with django_capture_on_commit_callbacks(execute=True):
        builders.store_meter(b, builders.month_frame("2024-06", daily_swing=0))  # one value all month: stuck
    (stuck,) = cache.get(_june_key(b))
    assert (stuck.kind, stuck.evidence) == ("flat_line", {"value_kwh": 10.0, "readings": 2880})


@pytest.mark.worker
def test_a_large_upload_is_stored_and_searched_for_anomalies_by_the_worker(live_worker, as_owner, owner, settings):
    settings.METER_CSV_ASYNC_ROWS = 50
    b = builders.building(owner)
    frame = builders.month_frame("2024-06")
    frame["kwh"] = 10.0 + (frame.index % 96) / 10  # a daily cycle, then a stuck register on the 20th
    local = frame["ts"].dt.tz_convert(TZ)
    frame.loc[
        (local >= pd.Timestamp("2024-06-20 01:00", tz=TZ)) & (local < pd.Timestamp("2024-06-20 09:00", tz=TZ)), "kwh"
    ] = 3.3
    response = as_owner.post(
        "/meter/upload-csv", {"building_id": str(b.pk), "file": SimpleUploadedFile("june.csv", to_csv_bytes(frame))}
    )
    assert response.status_code == 202, response.json()
    wait_for(lambda: cache.get(_june_key(b)), until=lambda found: found is not None)
    body = as_owner.get(f"/mrv/{b.pk}/anomalies?start=2024-06&end=2024-06").json()
    assert [(a["kind"], a["start"]) for a in body] == [("flat_line", "2024-06-20T01:00:00+05:30")]


def test_the_verifiers_month_review_lists_the_anomalies_with_a_chart_of_the_days_around(client, make_user, office):
    client.force_login(make_user(role="verifier"))
    page = client.get(f"/admin/mrv/monthreview/add/?building={office.pk}&month=2024-06-01").content.decode()
    assert "Stuck reading" in page and "12.500 kWh, 32 times in a row" in page and "Zero use in occupied hours" in page
    assert "FLAGGED" in page and 'class="anomaly-severe anomaly-open"' in page and "<svg" in page


def test_the_pdf_evidence_pack_lists_the_anomalies_of_its_months(owner, office):
    report = Report.objects.create(
        building=office, period_start=date(2024, 6, 1), period_end=date(2024, 6, 30), requested_by=owner
    )
    html = render_to_string("reports/report.html", report_context(report=report, generated_at=timezone.now()))
    assert "Anomalies in the readings" in html and "Stuck reading" in html and "Zero use in occupied hours" in html
    assert "<td>Tue 2024-06-04 01:00 Asia/Kolkata</td>" in html  # in the building's zone, named, as everywhere
