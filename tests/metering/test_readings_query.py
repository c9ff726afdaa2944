import pandas as pd
import pytest
from django.db import connection

from metering.readings.models import MeterReading
from tests.metering.helpers import frame_csv, make_building, quarter_hours, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def building_with_data(as_owner, owner):
    """Three months of 15-minute data for a New York building, spanning the March DST change."""
    building = make_building(owner, timezone="America/New_York")
    frame = quarter_hours("2025-01-01 00:00", 96 * 90, "America/New_York")
    assert upload(as_owner, building.pk, frame_csv(frame)).status_code == 201
    return building, frame


def _all_pages(client, url):
    readings, pages = [], 0
    while url:
        body = client.get(url).json()
        readings += body["readings"]
        url, pages = body["next"], pages + 1
    return readings, pages


@pytest.mark.parametrize(("interval", "rule"), [("hour", "h"), ("day", "D"), ("month", "MS")])
def test_sums_equal_a_pandas_computation_in_local_time(as_owner, building_with_data, interval, rule):
    building, frame = building_with_data
    expected = frame.set_index("ts")["kwh"].resample(rule).sum()
    readings, _ = _all_pages(as_owner, f"/meter/{building.pk}/readings?interval={interval}&limit=5000")
    stamps = pd.to_datetime([r["timestamp"] for r in readings], utc=True).tz_convert("America/New_York")
    got = pd.Series([r["kwh"] for r in readings], index=stamps)
    assert len(got) == len(expected)
    assert (got.index == expected.index).all()
    assert got.to_numpy() == pytest.approx(expected.to_numpy(), rel=1e-9)


def test_day_buckets_follow_the_building_zone_across_dst(as_owner, building_with_data):
    building, _ = building_with_data
    body = as_owner.get(f"/meter/{building.pk}/readings?interval=day&start=2025-03-08&end=2025-03-11").json()
    assert [r["timestamp"] for r in body["readings"]] == [
        "2025-03-08T00:00:00-05:00",
        "2025-03-09T00:00:00-05:00",
        "2025-03-10T00:00:00-04:00",
    ]
    # The short day of the spring change has 23 hours of quarter-hours.
    day_rows = MeterReading.objects.filter(
        building=building, time__gte="2025-03-09T05:00Z", time__lt="2025-03-10T04:00Z"
    )
    assert day_rows.count() == 92


def test_raw_readings_page_with_a_cursor_and_honour_half_open_ranges(as_owner, building_with_data):
    building, frame = building_with_data
    start, end = "2025-02-01T00:00:00", "2025-02-02T00:00:00"
    readings, pages = _all_pages(as_owner, f"/meter/{building.pk}/readings?start={start}&end={end}&limit=10")
    assert len(readings) == 96 and pages == 10
    assert readings[0]["timestamp"] == "2025-02-01T00:00:00-05:00"
    assert readings[-1]["timestamp"] == "2025-02-01T23:45:00-05:00"
    expected = frame[
        (frame["ts"] >= pd.Timestamp(start, tz="America/New_York"))
        & (frame["ts"] < pd.Timestamp(end, tz="America/New_York"))
    ]["kwh"]
    assert [r["kwh"] for r in readings] == pytest.approx(list(expected))


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("interval=week", "interval"),
        ("start=tomorrow", "start"),
        ("limit=0", "limit"),
        ("limit=100001", "limit"),
        ("start=2025-02-02&end=2025-02-01", "end"),
    ],
)
def test_bad_query_values_are_422(as_owner, owner, query, field):
    building = make_building(owner)
    response = as_owner.get(f"/meter/{building.pk}/readings?{query}")
    assert response.status_code == 422
    assert field in response.json()["errors"]


def test_readings_of_another_users_building_are_404(as_outsider, owner):
    building = make_building(owner)
    assert as_outsider.get(f"/meter/{building.pk}/readings").status_code == 404


@pytest.mark.postgres
def test_readings_live_in_a_timescaledb_hypertable(building_with_data):
    with connection.cursor() as cursor:
        cursor.execute("SELECT hypertable_name FROM timescaledb_information.hypertables ORDER BY 1")
        assert [row[0] for row in cursor.fetchall()] == ["metering_meterreading", "metering_temperaturereading"]
        cursor.execute(
            "SELECT count(*) FROM timescaledb_information.chunks WHERE hypertable_name = 'metering_meterreading'"
        )
        assert cursor.fetchone()[0] >= 3  # 90 days in 30-day chunks
