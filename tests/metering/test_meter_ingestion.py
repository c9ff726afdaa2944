import hashlib
from datetime import UTC, datetime

import pytest

from carbonexia.audit.models import AuditEvent
from metering.readings.models import MeterReading
from metering.uploads.models import Upload
from tests.metering.helpers import csv_bytes, make_building, upload
from tests.support.waiting import wait_for

pytestmark = pytest.mark.django_db


def _utc_times(building):
    return [
        t.astimezone(UTC)
        for t in MeterReading.objects.filter(building=building).order_by("time").values_list("time", flat=True)
    ]


def test_single_reading_then_batch_then_replacement(as_owner, owner):
    building = make_building(owner)
    single = as_owner.post(
        "/meter/readings",
        {"building_id": str(building.pk), "timestamp": "2025-01-01T00:00:00", "kwh": 12.5},
        format="json",
    )
    assert single.status_code == 202
    assert single.json() == {"status": "accepted", "accepted": 1, "inserted": 1, "updated": 0}
    # Naive input is read in the building's zone: midnight in Kolkata is 18:30 UTC the day before.
    assert _utc_times(building) == [datetime(2024, 12, 31, 18, 30, tzinfo=UTC)]
    batch = as_owner.post(
        "/meter/readings",
        {
            "building_id": str(building.pk),
            "readings": [
                {"timestamp": "2025-01-01T00:00:00+05:30", "kwh": 13},
                {"timestamp": "2025-01-01T00:15:00+05:30", "kwh": 14},
            ],
        },
        format="json",
    )
    assert batch.json() == {"status": "accepted", "accepted": 2, "inserted": 1, "updated": 1}
    values = list(MeterReading.objects.filter(building=building).order_by("time").values_list("value_kwh", "source"))
    assert values == [(13.0, "API"), (14.0, "API")]


@pytest.mark.parametrize(
    ("readings", "row", "column"),
    [
        ([{"timestamp": "2025-01-01T00:00:00", "kwh": -1}], 1, "kwh"),
        ([{"timestamp": "2025-01-01T00:00:00", "kwh": "NaN"}], 1, "kwh"),
        ([{"timestamp": "2025-01-01T00:00:00", "kwh": 1}, {"timestamp": "yesterday", "kwh": 1}], 2, "timestamp"),
        ([{"timestamp": "2025-01-01T00:00:00"}], 1, "kwh"),
        ([{"timestamp": "2025-01-01T00:00:00", "kwh": True}], 1, "kwh"),
    ],
)
def test_bad_json_readings_are_422_with_rows_and_nothing_is_stored(as_owner, owner, readings, row, column):
    building = make_building(owner)
    response = as_owner.post("/meter/readings", {"building_id": str(building.pk), "readings": readings}, format="json")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_rows"
    assert {"row": row, "column": column} == {k: body["errors"]["rows"][0][k] for k in ("row", "column")}
    assert not MeterReading.objects.exists()


def test_json_readings_need_a_visible_building(as_owner, as_outsider, owner):
    building = make_building(owner)
    body = {"building_id": str(building.pk), "timestamp": "2025-01-01T00:00:00", "kwh": 1}
    assert as_outsider.post("/meter/readings", body, format="json").status_code == 404
    missing = as_owner.post("/meter/readings", {"timestamp": "2025-01-01T00:00:00", "kwh": 1}, format="json")
    assert missing.status_code == 422 and "building_id" in missing.json()["errors"]
    assert as_owner.post("/meter/readings", [1, 2], format="json").status_code == 422
    assert not MeterReading.objects.exists()


def test_csv_upload_stores_rows_and_evidence(as_owner, owner):
    building = make_building(owner)
    data = csv_bytes([("2025-01-01 00:00", 10), ("2025-01-01 00:15", 11.5), ("2025-01-01 00:30", 9)])
    response = upload(as_owner, building.pk, data)
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "accepted" and body["rows"] == 3
    assert (body["inserted"], body["updated"]) == (3, 0)
    assert body["upload_id"].startswith("upl_") and len(body["upload_id"]) == 36
    assert body["period_start"].startswith("2024-12-31T18:30:00")
    stored = Upload.objects.get()
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.uploaded_by == owner and stored.filename == "meter.csv"
    assert stored.file.read() == data
    assert set(MeterReading.objects.values_list("upload_id", flat=True)) == {stored.pk}
    status = as_owner.get(f"/meter/uploads/{body['upload_id']}").json()
    assert status["status"] == "completed" and status["progress"] == 100 and status["sha256"] == stored.sha256
    assert AuditEvent.objects.filter(action="upload.completed", object_id=str(stored.pk)).exists()


def test_reuploading_the_same_file_is_idempotent(as_owner, owner):
    building = make_building(owner)
    data = csv_bytes([(f"2025-02-01 0{h}:00", h) for h in range(8)])
    assert upload(as_owner, building.pk, data).json()["inserted"] == 8
    again = upload(as_owner, building.pk, data).json()
    assert (again["inserted"], again["updated"]) == (0, 8)
    assert MeterReading.objects.count() == 8


def test_a_bad_row_rejects_the_whole_file_with_line_numbers(as_owner, owner):
    building = make_building(owner)
    data = csv_bytes([("2025-01-01 00:00", 1), ("2025-01-01 00:15", -3), ("not a time", 2), ("2025-01-01 00:00", 4)])
    response = upload(as_owner, building.pk, data)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_rows"
    rows = body["errors"]["rows"]
    assert [(r["row"], r["column"]) for r in rows] == [(3, "kwh"), (4, "timestamp"), (5, "timestamp")]
    assert "line 2" in rows[-1]["message"]  # the duplicate names the other line
    assert body["errors"]["total"] == 3
    assert not MeterReading.objects.exists() and not Upload.objects.exists()


def test_more_than_a_hundred_bad_rows_lists_a_hundred_and_counts_all(as_owner, owner):
    building = make_building(owner)
    data = csv_bytes(
        [(f"2025-01-01 00:{m:02d}", -1) for m in range(0, 60)] + [(f"2025-01-01 01:{m:02d}", -1) for m in range(0, 60)]
    )
    body = upload(as_owner, building.pk, data).json()
    assert len(body["errors"]["rows"]) == 100 and body["errors"]["total"] == 120


@pytest.mark.parametrize(
    "data",
    [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"", b"hello world\nthis is not, a meter file\n", b"timestamp,kwh\n"],
)
def test_garbage_files_are_422_and_nothing_is_stored(as_owner, owner, data):
    building = make_building(owner)
    response = upload(as_owner, building.pk, data)
    assert response.status_code == 422
    assert response.json()["code"] in {"invalid_file", "invalid_rows"}
    assert not Upload.objects.exists() and not MeterReading.objects.exists()


def test_upload_needs_multipart_a_file_and_a_visible_building(as_owner, as_outsider, owner):
    building = make_building(owner)
    data = csv_bytes([("2025-01-01 00:00", 1)])
    as_json = as_owner.post("/meter/upload-csv", {"building_id": str(building.pk)}, format="json")
    assert as_json.status_code == 400
    no_file = as_owner.post("/meter/upload-csv", {"building_id": str(building.pk)}, format="multipart")
    assert no_file.status_code == 422 and "file" in no_file.json()["errors"]
    assert upload(as_outsider, building.pk, data).status_code == 404
    assert not Upload.objects.exists()


def test_oversized_upload_is_413(as_owner, owner, settings):
    building = make_building(owner)
    settings.MAX_UPLOAD_MB = 1
    settings.MAX_UPLOAD_BYTES = 2048
    data = csv_bytes([(f"2025-01-{d:02d} {h:02d}:00", 1) for d in range(1, 20) for h in range(24)])
    response = upload(as_owner, building.pk, data)
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert not Upload.objects.exists()


def test_naive_timestamps_across_both_dst_changes(as_owner, owner):
    building = make_building(owner, timezone="America/New_York")
    spring = [("2025-03-09 01:30", 1), ("2025-03-09 01:45", 1), ("2025-03-09 03:00", 1)]
    autumn = [("2025-11-02 01:00", 2), ("2025-11-02 01:30", 2), ("2025-11-02 01:00", 3), ("2025-11-02 01:30", 3)]
    assert upload(as_owner, building.pk, csv_bytes(spring + autumn)).status_code == 201
    assert _utc_times(building) == [
        datetime(2025, 3, 9, 6, 30, tzinfo=UTC),
        datetime(2025, 3, 9, 6, 45, tzinfo=UTC),
        datetime(2025, 3, 9, 7, 0, tzinfo=UTC),  # 03:00 EDT directly follows 01:45 EST
        datetime(2025, 11, 2, 5, 0, tzinfo=UTC),
        datetime(2025, 11, 2, 5, 30, tzinfo=UTC),  # first 01:xx is EDT
        datetime(2025, 11, 2, 6, 0, tzinfo=UTC),
        datetime(2025, 11, 2, 6, 30, tzinfo=UTC),  # second is EST
    ]
    gap = upload(as_owner, building.pk, csv_bytes([("2025-03-09 02:30", 1)]))
    assert gap.status_code == 422
    assert "does not exist" in gap.json()["errors"]["rows"][0]["message"]


def test_upload_status_is_private(as_owner, as_outsider, owner):
    building = make_building(owner)
    upload_id = upload(as_owner, building.pk, csv_bytes([("2025-01-01 00:00", 1)])).json()["upload_id"]
    assert as_outsider.get(f"/meter/uploads/{upload_id}").status_code == 404
    assert as_owner.get("/meter/uploads/upl_nonsense").status_code == 404
    assert as_owner.get(f"/meter/uploads/{upload_id.removeprefix('upl_')}").status_code == 200


def test_large_files_go_to_the_worker_path_in_process(
    as_owner, owner, settings, django_capture_on_commit_callbacks, tasks_in_process
):
    settings.METER_CSV_ASYNC_ROWS = 3
    building = make_building(owner)
    data = csv_bytes([(f"2025-01-01 0{h}:00", h) for h in range(6)])
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(as_owner, building.pk, data)
    assert response.status_code == 202
    assert response.json()["status"] == "processing"
    status = as_owner.get(f"/meter/uploads/{response.json()['upload_id']}").json()
    assert status["status"] == "completed" and status["rows"] == 6 and status["inserted"] == 6
    assert MeterReading.objects.count() == 6


def test_a_large_bad_file_fails_with_its_rows_in_the_status(
    as_owner, owner, settings, django_capture_on_commit_callbacks, tasks_in_process
):
    settings.METER_CSV_ASYNC_ROWS = 3
    building = make_building(owner)
    data = csv_bytes([(f"2025-01-01 0{h}:00", h) for h in range(5)] + [("2025-01-01 06:00", "oops")])
    with django_capture_on_commit_callbacks(execute=True):
        upload_id = upload(as_owner, building.pk, data).json()["upload_id"]
    status = as_owner.get(f"/meter/uploads/{upload_id}").json()
    assert status["status"] == "failed"
    assert status["errors"]["rows"][0]["row"] == 7
    assert not MeterReading.objects.exists()


@pytest.mark.worker
def test_large_upload_is_stored_by_a_real_worker(live_worker, as_owner, owner, settings):
    settings.METER_CSV_ASYNC_ROWS = 50
    building = make_building(owner)
    data = csv_bytes([(f"2025-01-{d:02d} {h:02d}:00", d + h / 10) for d in range(1, 11) for h in range(24)])
    response = upload(as_owner, building.pk, data)
    assert response.status_code == 202
    upload_id = response.json()["upload_id"]
    status = wait_for(
        lambda: as_owner.get(f"/meter/uploads/{upload_id}").json(), until=lambda body: body["status"] != "processing"
    )
    assert status["status"] == "completed", status
    assert (status["rows"], status["inserted"], status["progress"]) == (240, 240, 100)
    assert MeterReading.objects.filter(building=building).count() == 240
