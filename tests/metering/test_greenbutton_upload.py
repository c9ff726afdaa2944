"""POST /meter/upload-greenbutton: the same Upload record, validation and idempotent upsert as a meter CSV."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from metering.readings.models import MeterReading, ReadingSource
from metering.uploads.models import Upload, UploadKind
from tests.metering.helpers import make_building
from tests.support.greenbutton import GAS, Channel, Point, blocks_of, feed
from tests.support.waiting import wait_for

pytestmark = pytest.mark.django_db

NEW_YORK = "America/New_York"
JAN_1 = "2025-01-01T05:00"  # local midnight in New York


def post(client, building_id, data: bytes, **fields):
    file = SimpleUploadedFile("usage.xml", data, content_type="application/xml")
    body = {"building_id": str(building_id), "file": file, **fields}
    return client.post("/meter/upload-greenbutton", body, format="multipart")


def day_of_quarter_hours(values=None) -> bytes:
    values = values if values is not None else [1_000 + i for i in range(96)]
    return feed(Point("Main meter", [Channel(blocks_of(JAN_1, values))]))


def two_points() -> bytes:
    return feed(
        Point("Main meter", [Channel(blocks_of(JAN_1, [1_000] * 4))]),
        Point("Car park", [Channel(blocks_of(JAN_1, [7] * 2))], atom_id="urn:uuid:car-park"),
    )


def test_a_green_button_day_is_stored_like_a_csv_upload(as_owner, owner):
    building = make_building(owner, timezone=NEW_YORK)
    data = day_of_quarter_hours()
    response = post(as_owner, building.pk, data)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "accepted" and body["rows"] == 96
    assert (body["inserted"], body["updated"]) == (96, 0)
    assert body["period_start"].startswith("2025-01-01T05:00:00")
    stored = Upload.objects.get()
    assert stored.kind == UploadKind.GREENBUTTON and stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.file.read() == data
    readings = MeterReading.objects.filter(building=building)
    assert set(readings.values_list("source", "upload_id")) == {(ReadingSource.GREENBUTTON, stored.pk)}
    # Hand-checked: sum(1000..1095) Wh = 100,560 Wh = 100.56 kWh.
    assert sum(readings.values_list("value_kwh", flat=True)) == pytest.approx(100.56)
    status = as_owner.get(f"/meter/uploads/{body['upload_id']}").json()
    assert status["kind"] == "greenbutton" and status["status"] == "completed"


def test_uploading_the_same_file_again_replaces_and_never_doubles(as_owner, owner):
    building = make_building(owner, timezone=NEW_YORK)
    data = day_of_quarter_hours()
    assert post(as_owner, building.pk, data).json()["inserted"] == 96
    again = post(as_owner, building.pk, data).json()
    assert (again["rows"], again["inserted"], again["updated"]) == (96, 0, 96)
    assert MeterReading.objects.count() == 96
    assert sum(MeterReading.objects.values_list("value_kwh", flat=True)) == pytest.approx(100.56)


def test_several_usage_points_are_listed_then_the_named_one_is_stored(as_owner, owner):
    building = make_building(owner, timezone=NEW_YORK)
    unnamed = post(as_owner, building.pk, two_points())
    assert unnamed.status_code == 422
    body = unnamed.json()
    assert body["code"] == "invalid_file"
    assert [p["title"] for p in body["errors"]["usage_points"]] == ["Main meter", "Car park"]
    assert "2 usage points" in body["errors"]["usage_point"][0]
    assert not Upload.objects.exists() and not MeterReading.objects.exists()
    named = post(as_owner, building.pk, two_points(), usage_point="car-park")
    assert named.status_code == 201 and named.json()["rows"] == 2
    assert Upload.objects.get().usage_point == "car-park"


@pytest.mark.parametrize(
    ("data", "code", "words"),
    [
        (feed(Point("Boiler", [Channel(blocks_of(JAN_1, [100]))], kind=GAS)), "invalid_file", "measures gas"),
        (b"<feed xmlns='http://www.w3.org/2005/Atom'><entry>", "invalid_file", "not well-formed XML"),
        (b"timestamp,kwh\n2025-01-01 00:00,1\n", "invalid_file", "not well-formed XML"),
        (day_of_quarter_hours([100, -5, 100]), "invalid_rows", "negative"),
    ],
)
def test_bad_files_are_422_with_reasons_and_nothing_is_stored(as_owner, owner, data, code, words):
    building = make_building(owner, timezone=NEW_YORK)
    response = post(as_owner, building.pk, data)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == code and words in str(body)
    assert not Upload.objects.exists() and not MeterReading.objects.exists()


def test_an_entity_bomb_is_refused_without_expanding_it(as_owner, owner):
    building = make_building(owner, timezone=NEW_YORK)
    lol = "".join(f"<!ENTITY l{i} '{f'&l{i - 1};' * 10}'>" for i in range(1, 10))
    head = f"<!DOCTYPE feed [<!ENTITY l0 'lol'>{lol}]>\n"
    response = post(as_owner, building.pk, feed(Point("&l9;"), head=head))
    assert response.status_code == 422 and "declares a DTD" in response.json()["detail"]
    assert not Upload.objects.exists()


def test_the_upload_needs_a_visible_building_and_a_file(as_owner, as_outsider, owner):
    building = make_building(owner, timezone=NEW_YORK)
    assert post(as_outsider, building.pk, day_of_quarter_hours()).status_code == 404
    no_file = as_owner.post("/meter/upload-greenbutton", {"building_id": str(building.pk)}, format="multipart")
    assert no_file.status_code == 422 and "file" in no_file.json()["errors"]
    too_long = post(as_owner, building.pk, day_of_quarter_hours(), usage_point="x" * 300)
    assert too_long.status_code == 422 and "usage_point" in too_long.json()["errors"]
    assert not Upload.objects.exists() and not MeterReading.objects.exists()


def test_a_green_button_upload_status_is_private(as_owner, as_outsider, owner):
    building = make_building(owner, timezone=NEW_YORK)
    upload_id = post(as_owner, building.pk, day_of_quarter_hours()).json()["upload_id"]
    assert as_outsider.get(f"/meter/uploads/{upload_id}").status_code == 404


def test_large_files_go_to_the_worker_with_the_chosen_usage_point(
    as_owner, owner, settings, django_capture_on_commit_callbacks, tasks_in_process
):
    settings.METER_CSV_ASYNC_ROWS = 3
    building = make_building(owner, timezone=NEW_YORK)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(as_owner, building.pk, two_points(), usage_point="Main meter")
    assert response.status_code == 202
    status = as_owner.get(f"/meter/uploads/{response.json()['upload_id']}").json()
    assert status["status"] == "completed" and status["rows"] == 4
    assert MeterReading.objects.count() == 4


def test_a_large_file_without_its_usage_point_fails_with_the_list(
    as_owner, owner, settings, django_capture_on_commit_callbacks, tasks_in_process
):
    settings.METER_CSV_ASYNC_ROWS = 3
    building = make_building(owner, timezone=NEW_YORK)
    with django_capture_on_commit_callbacks(execute=True):
        upload_id = post(as_owner, building.pk, two_points()).json()["upload_id"]
    status = as_owner.get(f"/meter/uploads/{upload_id}").json()
    assert status["status"] == "failed" and len(status["errors"]["usage_points"]) == 2
    assert not MeterReading.objects.exists()


@pytest.mark.worker
def test_a_large_green_button_file_is_stored_by_a_real_worker(live_worker, as_owner, owner, settings):
    settings.METER_CSV_ASYNC_ROWS = 50
    building = make_building(owner, timezone=NEW_YORK)
    response = post(as_owner, building.pk, day_of_quarter_hours())
    assert response.status_code == 202
    upload_id = response.json()["upload_id"]
    status = wait_for(
        lambda: as_owner.get(f"/meter/uploads/{upload_id}").json(), until=lambda body: body["status"] != "processing"
    )
    assert status["status"] == "completed", status
    assert (status["rows"], status["inserted"], status["progress"]) == (96, 96, 100)
    assert MeterReading.objects.filter(building=building, source=ReadingSource.GREENBUTTON).count() == 96
