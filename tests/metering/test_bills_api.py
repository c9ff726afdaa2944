"""The bill API end to end: upload → OCR → read → confirm → MRV, and every way it can be refused."""

from datetime import date, timedelta

import pytest
from celery.exceptions import Retry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from buildings.models import Building
from carbonexia.audit.models import AuditEvent
from carbonexia.events import domain_event
from metering.bills.models import UtilityBill
from metering.uploads.models import Upload, UploadStatus
from mrv.services import baseline_calculate
from tests.metering import bill_images, bill_rows
from tests.metering.helpers import csv_bytes, make_building, upload
from tests.mrv import builders
from tests.support.waiting import wait_for

pytestmark = pytest.mark.django_db


def post_bill(client, building_id, data: bytes, name="bill.png", content_type="image/png"):
    return client.post(
        "/meter/upload-bill",
        {"building_id": str(building_id), "file": SimpleUploadedFile(name, data, content_type=content_type)},
        format="multipart",
    )


@pytest.fixture
def events():
    """Domain events as the webhooks consumer receives them."""
    seen = []

    def receive(sender, event_type, payload, **kwargs):
        seen.append((event_type, payload))

    domain_event.connect(receive, weak=False)
    yield seen
    domain_event.disconnect(receive)


def test_upload_read_confirm_with_a_correction_and_mrv_uses_it(
    as_owner, as_verifier, owner, events, tasks_in_process, django_capture_on_commit_callbacks
):
    building = builders.building(owner)
    baseline_calculate(
        actor=owner, building=building, method="static", static_kwh=130_000, months=[{"period": "2025-01", "kwh": 1}]
    )
    png = bill_images.encoded(bill_images.draw_bill(bill_images.INDIAN_BILL), "PNG")
    with django_capture_on_commit_callbacks(execute=True):
        response = post_bill(as_owner, building.pk, png)
    assert response.status_code == 202
    upload_id = response.json()["upload_id"]
    assert response.json() == {"upload_id": upload_id, "status": "processing"}
    assert upload_id.startswith("upl_") and len(upload_id) == 36

    body = as_owner.get(f"/meter/bills/{upload_id}").json()
    assert body["status"] == "completed" and body["error"] is None and body["confirmed"] is False
    extracted = {
        "kwh": 124_000.0,
        "billing_days": 31,
        "meter_number": "DL-4471902",
        "period_start": "2025-03-01",
        "period_end": "2025-03-31",
    }
    assert body["extracted"] == extracted
    assert body["confidence"] == {name: pytest.approx(0.9, abs=0.051) for name in extracted}
    assert body["confirmation"] is None and body["building_id"] == str(building.pk)
    assert events == [
        (
            "ocr_completed",
            {
                "upload_id": upload_id,
                "building_id": str(building.pk),
                "extracted": {"kwh": 124_000.0, "billing_days": 31, "meter_number": "DL-4471902"},
            },
        )
    ]
    stored = Upload.objects.get()
    assert (stored.kind, stored.status, stored.uploaded_by) == ("bill", "completed", owner)
    assert stored.file.read() == png

    # The owner corrects the kWh; the bill keeps what it said beside what was confirmed.
    confirm = {"kwh": 124_500, "period_start": "2025-03-01", "period_end": "2025-03-31"}
    confirmed = as_owner.post(f"/meter/bills/{upload_id}/confirm", confirm, format="json")
    assert confirmed.status_code == 200, confirmed.json()
    assert confirmed.json()["confirmed"] is True
    assert confirmed.json()["extracted"]["kwh"] == 124_000.0
    assert {k: confirmed.json()["confirmation"][k] for k in ("kwh", "period_start", "period_end", "confirmed_by")} == {
        **confirm,
        "confirmed_by": owner.email,
    }
    assert as_verifier.get(f"/meter/bills/{upload_id}").json()["confirmation"]["kwh"] == 124_500
    trail = AuditEvent.objects.get(action="bill.confirmed")
    assert trail.before is None and trail.after["kwh"] == 124_500 and trail.after["extracted"]["kwh"] == 124_000

    # A month with no meter readings but a confirmed bill covering all of it: OK, at the confirmed kWh.
    month = as_owner.get(f"/mrv/{building.pk}/savings?start=2025-03&end=2025-03").json()["months"][0]
    assert (month["quality"], month["missing_pct"], month["actual_kwh"]) == ("OK", 0.0, 124_500)
    assert month["savings_kwh"] == pytest.approx(130_000 - 124_500)


def test_noise_fails_with_a_reason_and_publishes_nothing(
    as_owner, owner, events, tasks_in_process, django_capture_on_commit_callbacks
):
    building = make_building(owner)
    with django_capture_on_commit_callbacks(execute=True):
        upload_id = post_bill(as_owner, building.pk, bill_images.noise_png()).json()["upload_id"]
    body = as_owner.get(f"/meter/bills/{upload_id}").json()
    assert body["status"] == "failed"
    assert body["error"] == "No text was found in the file; send a sharper scan or photo of the bill."
    assert body["extracted"] == dict.fromkeys(["kwh", "billing_days", "meter_number", "period_start", "period_end"])
    assert events == []
    assert Upload.objects.get().status == "failed"
    conflict = as_owner.post(
        f"/meter/bills/{upload_id}/confirm",
        {"kwh": 10, "period_start": "2025-01-01", "period_end": "2025-01-31"},
        format="json",
    )
    assert (conflict.status_code, conflict.json()["code"]) == (409, "bill_failed")


def test_a_text_file_named_png_is_415_and_nothing_is_stored(as_owner, owner):
    building = make_building(owner)
    response = post_bill(as_owner, building.pk, b"Units Consumed: 100\n", name="bill.png")
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
    assert response.json()["errors"] == {"file": ["Only PNG, JPEG and PDF files are accepted."]}
    assert not Upload.objects.exists() and not UtilityBill.objects.exists()


def test_malformed_uploads_are_refused_and_nothing_is_stored(as_owner, owner, settings):
    building = make_building(owner)
    png = bill_rows.BLANK_PNG
    as_json = as_owner.post("/meter/upload-bill", {"building_id": str(building.pk)}, format="json")
    assert (as_json.status_code, as_json.json()["code"]) == (400, "malformed_request")
    no_file = as_owner.post("/meter/upload-bill", {"building_id": str(building.pk)}, format="multipart")
    assert (no_file.status_code, no_file.json()["errors"]) == (422, {"file": ["A file is required."]})
    no_building = as_owner.post(
        "/meter/upload-bill", {"file": SimpleUploadedFile("b.png", png, content_type="image/png")}, format="multipart"
    )
    assert no_building.status_code == 422 and "building_id" in no_building.json()["errors"]
    assert post_bill(as_owner, "not-a-uuid", png).status_code == 422
    settings.MAX_UPLOAD_BYTES = 32
    too_large = post_bill(as_owner, building.pk, png)
    assert (too_large.status_code, too_large.json()["code"]) == (413, "too_large")
    assert not Upload.objects.exists() and not UtilityBill.objects.exists()


def test_only_the_owner_uploads(as_outsider, as_verifier, anon, owner):
    building = make_building(owner)
    png = bill_rows.BLANK_PNG
    assert post_bill(as_outsider, building.pk, png).status_code == 404
    assert post_bill(as_verifier, building.pk, png).status_code == 403
    assert post_bill(anon, building.pk, png).status_code == 401
    assert not Upload.objects.exists()


def test_who_reads_a_bill(as_owner, as_outsider, as_verifier, owner):
    building = make_building(owner)
    bill = bill_rows.read_bill(building)
    url = f"/meter/bills/{bill.public_id}"
    assert as_owner.get(url).status_code == 200
    assert as_owner.get(f"/meter/bills/{bill.upload_id}/").status_code == 200  # bare UUID, trailing slash
    assert as_verifier.get(url).json()["status"] == "completed"
    assert as_outsider.get(url).status_code == 404
    assert as_owner.get("/meter/bills/upl_00000000000000000000000000000000").status_code == 404
    assert as_owner.get("/meter/bills/upl_nonsense").status_code == 404
    csv_id = upload(as_owner, building.pk, csv_bytes([("2025-01-01 00:00", 1)])).json()["upload_id"]
    assert as_owner.get(f"/meter/bills/{csv_id}").status_code == 404


def test_only_the_owner_confirms(as_outsider, as_verifier, owner):
    bill = bill_rows.read_bill(make_building(owner))
    body = {"kwh": 3100, "period_start": "2025-01-15", "period_end": "2025-02-14"}
    assert as_outsider.post(f"/meter/bills/{bill.public_id}/confirm", body, format="json").status_code == 404
    assert as_outsider.post(f"/meter/bills/{bill.public_id}/confirm", {}, format="json").status_code == 404
    assert as_verifier.post(f"/meter/bills/{bill.public_id}/confirm", body, format="json").status_code == 403
    bill.refresh_from_db()
    assert bill.confirmed is False


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kwh": -1, "period_start": "2025-01-15", "period_end": "2025-02-14"}, "kwh"),
        ({"kwh": "NaN", "period_start": "2025-01-15", "period_end": "2025-02-14"}, "kwh"),
        ({"kwh": "Infinity", "period_start": "2025-01-15", "period_end": "2025-02-14"}, "kwh"),
        ({"kwh": "lots", "period_start": "2025-01-15", "period_end": "2025-02-14"}, "kwh"),
        ({"period_start": "2025-01-15", "period_end": "2025-02-14"}, "kwh"),
        ({"kwh": 3100, "period_end": "2025-02-14"}, "period_start"),
        ({"kwh": 3100, "period_start": "15/01/2025", "period_end": "2025-02-14"}, "period_start"),
        ({"kwh": 3100, "period_start": "2025-02-15", "period_end": "2025-02-14"}, "period_end"),
        ({"kwh": 3100, "period_start": "2025-01-01", "period_end": "2025-04-11"}, "period_end"),  # 101 days
        ({"kwh": 3100, "period_start": "2999-01-01", "period_end": "2999-01-31"}, "period_end"),  # the future
    ],
)
def test_bad_confirmations_are_422_and_change_nothing(as_owner, owner, body, field):
    building = make_building(owner)
    bill = bill_rows.read_bill(building)
    version = building.data_version
    response = as_owner.post(f"/meter/bills/{bill.public_id}/confirm", body, format="json")
    assert response.status_code == 422, response.json()
    assert field in response.json()["errors"]
    bill.refresh_from_db()
    assert (bill.confirmed, bill.confirmed_kwh, bill.confirmed_by) == (False, None, None)
    assert Building.objects.get(pk=building.pk).data_version == version
    assert not AuditEvent.objects.filter(action="bill.confirmed").exists()


def test_exactly_100_days_and_zero_kwh_are_accepted(as_owner, owner):
    bill = bill_rows.read_bill(make_building(owner))
    body = {"kwh": 0, "period_start": "2025-01-01", "period_end": "2025-04-10"}
    assert as_owner.post(f"/meter/bills/{bill.public_id}/confirm", body, format="json").status_code == 200


def test_confirming_a_bill_still_being_read_is_409(as_owner, owner):
    bill = bill_rows.stored_bill(make_building(owner))
    body = {"kwh": 3100, "period_start": "2025-01-15", "period_end": "2025-02-14"}
    response = as_owner.post(f"/meter/bills/{bill.public_id}/confirm", body, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "bill_processing")


def test_overlapping_confirmed_bills_are_409_adjacent_ones_are_fine(as_owner, owner):
    building = make_building(owner)
    bill_rows.confirmed_bill(building, kwh=3100, period_start=date(2025, 1, 15), period_end=date(2025, 2, 14))
    second = bill_rows.read_bill(building)
    overlapping = {"kwh": 2800, "period_start": "2025-02-14", "period_end": "2025-03-14"}
    response = as_owner.post(f"/meter/bills/{second.public_id}/confirm", overlapping, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "bill_overlap")
    adjacent = {**overlapping, "period_start": "2025-02-15"}
    assert as_owner.post(f"/meter/bills/{second.public_id}/confirm", adjacent, format="json").status_code == 200


def test_a_confirmed_bill_can_be_corrected_and_the_trail_keeps_both(as_owner, owner):
    building = make_building(owner)
    bill = bill_rows.confirmed_bill(building, kwh=3100, period_start=date(2025, 1, 15), period_end=date(2025, 2, 14))
    version = Building.objects.get(pk=building.pk).data_version
    fix = {"kwh": 3150.5, "period_start": "2025-01-16", "period_end": "2025-02-14"}
    body = as_owner.post(f"/meter/bills/{bill.public_id}/confirm", fix, format="json").json()
    assert body["confirmation"]["kwh"] == 3150.5 and body["confirmation"]["period_start"] == "2025-01-16"
    latest = AuditEvent.objects.filter(action="bill.confirmed").order_by("-seq").first()
    assert latest.before == {"kwh": 3100.0, "period_start": "2025-01-15", "period_end": "2025-02-14"}
    assert latest.after["kwh"] == 3150.5
    assert Building.objects.get(pk=building.pk).data_version == version + 1  # MRV results recomputed


def test_the_task_is_idempotent_and_any_error_fails_the_bill(owner, monkeypatch):
    from metering.bills import services as bill_services
    from metering.bills.tasks import process_bill

    building = make_building(owner)
    done = bill_rows.read_bill(building)
    assert process_bill(str(done.pk)) == "completed"
    assert UtilityBill.objects.get(pk=done.pk).kwh == 3100.0

    def broken(data):
        raise ValueError("disk on fire")

    monkeypatch.setattr(bill_services.ocr, "bill_text", broken)
    pending = bill_rows.stored_bill(building)
    assert process_bill(str(pending.pk)) == "failed"
    pending.refresh_from_db()
    assert "error on our side" in pending.error and "ValueError" in pending.error
    assert pending.upload.status == "failed"
    assert process_bill(str(pending.pk)) == "failed"  # a redelivery changes nothing
    with pytest.raises(Retry):  # an unknown id may be a bill whose transaction has not committed yet
        process_bill("00000000-0000-0000-0000-000000000000")


def test_the_sweeper_fails_bills_stuck_in_processing(owner, settings):
    from metering.bills.services import PROCESSING_DEADLINE, STUCK_REASON
    from metering.bills.tasks import sweep_stuck_bills

    building = make_building(owner)
    stuck, fresh, done = bill_rows.stored_bill(building), bill_rows.stored_bill(building), bill_rows.read_bill(building)
    long_ago = stuck.created_at - PROCESSING_DEADLINE - timedelta(minutes=1)
    UtilityBill.objects.filter(pk__in=[stuck.pk, done.pk]).update(created_at=long_ago)
    assert sweep_stuck_bills() == 1
    statuses = dict(UtilityBill.objects.values_list("pk", "status"))
    assert statuses == {stuck.pk: "failed", fresh.pk: "processing", done.pk: "completed"}
    assert UtilityBill.objects.get(pk=stuck.pk).error == STUCK_REASON
    assert AuditEvent.objects.get(action="bill.failed").actor_label == "bills sweeper"
    assert settings.CELERY_BEAT_SCHEDULE["bills-sweep-stuck"]["task"] == "metering.sweep_stuck_bills"


def test_the_schema_describes_the_bill_endpoints(anon):
    paths = anon.get("/schema", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["paths"]
    assert set(paths["/meter/upload-bill"]["post"]["responses"]) >= {"202", "403", "404", "413", "415"}
    assert "multipart/form-data" in paths["/meter/upload-bill"]["post"]["requestBody"]["content"]
    assert set(paths["/meter/bills/{upload_id}"]["get"]["responses"]) >= {"200", "404"}
    assert set(paths["/meter/bills/{upload_id}/confirm"]["post"]["responses"]) >= {"200", "404", "409", "422"}


@pytest.mark.worker
def test_a_real_worker_reads_a_bill(live_worker, as_owner, owner):
    building = make_building(owner)
    jpeg = bill_images.encoded(bill_images.draw_bill(bill_images.US_BILL, font=bill_images.SERIF), "JPEG")
    response = post_bill(as_owner, building.pk, jpeg, name="bill.jpg", content_type="image/jpeg")
    assert response.status_code == 202
    upload_id = response.json()["upload_id"]
    body = wait_for(
        lambda: as_owner.get(f"/meter/bills/{upload_id}").json(), until=lambda b: b["status"] != "processing"
    )
    assert body["status"] == UploadStatus.COMPLETED, body
    assert body["extracted"] == {
        "kwh": 12_480.0,
        "billing_days": 30,
        "meter_number": "1009876543",
        "period_start": "2025-01-05",
        "period_end": "2025-02-03",
    }


def test_the_database_refuses_a_confirmation_without_its_figures(owner):
    bill = bill_rows.read_bill(make_building(owner))
    with pytest.raises(IntegrityError), transaction.atomic():
        UtilityBill.objects.filter(pk=bill.pk).update(confirmed=True)


@pytest.mark.postgres
def test_the_database_refuses_overlapping_confirmed_bills(owner):
    building = make_building(owner)
    bill_rows.confirmed_bill(building, kwh=3100, period_start=date(2025, 1, 15), period_end=date(2025, 2, 14))
    other = bill_rows.read_bill(building)
    with pytest.raises(IntegrityError), transaction.atomic():
        UtilityBill.objects.filter(pk=other.pk).update(
            confirmed=True,
            confirmed_kwh=10,
            confirmed_period_start=date(2025, 2, 14),
            confirmed_period_end=date(2025, 3, 1),
            confirmed_by=owner,
            confirmed_at=timezone.now(),
        )
