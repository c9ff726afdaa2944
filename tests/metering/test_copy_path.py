"""Readings into a span with no stored reading are COPYed straight in (PostgreSQL); the rest are upserted. Both
paths must store the same rows and count them alike, and a re-upload changes nothing."""

import threading

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from metering.readings.models import MeterReading, ReadingSource
from metering.readings.services import meter_readings_ingest
from tests.metering.helpers import csv_bytes, frame_csv, make_building, quarter_hours, upload

pytestmark = pytest.mark.django_db

DAY = quarter_hours("2025-03-01", 96, "Asia/Kolkata")


def _stored(building):
    return list(MeterReading.objects.filter(building=building).order_by("time").values_list("time", "value_kwh"))


def _counts(response):
    body = response.json()
    return body["inserted"], body["updated"]


def test_a_fresh_span_and_an_overlapping_one_store_the_same_rows(as_owner, owner):
    fresh, overlapped = make_building(owner, name="Fresh"), make_building(owner, name="Overlapped")
    data = frame_csv(DAY)
    # One stored reading inside the day, with another value: the whole file must take the upsert.
    assert upload(as_owner, overlapped.pk, csv_bytes([("2025-03-01 12:00", 30.5)])).status_code == 201
    assert _counts(upload(as_owner, fresh.pk, data)) == (96, 0)
    assert _counts(upload(as_owner, overlapped.pk, data)) == (95, 1)
    assert _stored(fresh) == _stored(overlapped) and len(_stored(fresh)) == 96
    # Every row carries its file's upload, on either path.
    for building in (fresh, overlapped):
        latest = building.uploads.order_by("-created_at").first()
        assert set(MeterReading.objects.filter(building=building).values_list("upload_id", flat=True)) == {latest.pk}
        assert set(MeterReading.objects.filter(building=building).values_list("source", flat=True)) == {"CSV"}


def test_reuploading_a_copied_file_changes_nothing(as_owner, owner):
    building = make_building(owner)
    data = frame_csv(DAY)
    assert _counts(upload(as_owner, building.pk, data)) == (96, 0)
    before = _stored(building)
    assert _counts(upload(as_owner, building.pk, data)) == (0, 96)
    assert _stored(building) == before


def test_readings_between_stored_ones_are_all_inserts(as_owner, owner):
    """A batch whose span encloses stored readings at other instants takes the upsert and replaces none."""
    building = make_building(owner)
    hours = DAY.iloc[::4]
    assert _counts(upload(as_owner, building.pk, frame_csv(hours))) == (24, 0)
    quarters = DAY.drop(index=hours.index)
    assert _counts(upload(as_owner, building.pk, frame_csv(quarters))) == (72, 0)
    assert len(_stored(building)) == 96
    # Another building's readings in the same span do not make this one's span overlap.
    other = make_building(owner, name="Other")
    assert _counts(upload(as_owner, other.pk, frame_csv(DAY))) == (96, 0)


def _upserts(queries) -> int:
    return sum(query["sql"].startswith("INSERT INTO metering_meterreading ") for query in queries)


@pytest.mark.postgres
def test_postgres_copies_a_fresh_span_and_upserts_only_an_overlap(as_owner, owner):
    building = make_building(owner)
    first, second = DAY.iloc[:48], DAY.iloc[48:]
    with CaptureQueriesContext(connection) as fresh:
        assert _counts(upload(as_owner, building.pk, frame_csv(first))) == (48, 0)
    with CaptureQueriesContext(connection) as continuing:
        assert _counts(upload(as_owner, building.pk, frame_csv(second))) == (48, 0)
    with CaptureQueriesContext(connection) as overlapping:
        assert _counts(upload(as_owner, building.pk, frame_csv(DAY))) == (0, 96)
    assert (_upserts(fresh), _upserts(continuing), _upserts(overlapping)) == (0, 0, 1)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_concurrent_writer_of_the_same_span_waits_then_upserts(owner):
    """Two transactions storing the same fresh span: the second waits for the first's lock, then sees its rows
    and replaces them instead of failing on the unique constraint."""
    building = make_building(owner)
    first_stored, release = threading.Event(), threading.Event()
    results: dict[str, object] = {}

    def first():
        try:
            with transaction.atomic():
                results["first"] = meter_readings_ingest(building=building, frame=DAY, source=ReadingSource.API)
                first_stored.set()
                release.wait(timeout=30)
        finally:
            first_stored.set()
            connection.close()

    def second():
        try:
            results["second"] = meter_readings_ingest(building=building, frame=DAY, source=ReadingSource.API)
        except Exception as error:  # a unique violation would be the failure this test guards against
            results["second"] = error
        finally:
            connection.close()

    writer = threading.Thread(target=first)
    writer.start()
    assert first_stored.wait(timeout=30)
    rival = threading.Thread(target=second)
    rival.start()
    rival.join(timeout=1)
    assert rival.is_alive()  # blocked on the series' lock while the first transaction is open
    release.set()
    writer.join(timeout=30)
    rival.join(timeout=30)
    assert (results["first"].inserted, results["first"].updated) == (96, 0)
    assert (results["second"].inserted, results["second"].updated) == (0, 96)
    assert MeterReading.objects.filter(building=building).count() == 96
