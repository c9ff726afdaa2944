"""Issue 14, rows 11 and 12, on bills drawn as images and read by real Tesseract: grouped thousands are read right,
and a bill far off the meter is flagged with both figures before it can be confirmed."""

from datetime import date

import pandas as pd
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from buildings.models import Building
from carbonexia.audit.models import AuditEvent
from metering.bills import ocr
from metering.bills.models import UtilityBill
from metering.parsers.bill_text import parse_bill_text
from tests.metering import bill_images as bills
from tests.metering.helpers import make_building
from tests.mrv import builders

SPACE_GROUPED_BILL = [
    "GREEN GRID ENERGY",
    "Meter No: GG-20417",
    "Billing Period: 01-02-2025 to 28-02-2025",
    "Total consumption: 38 450 units",
    "Amount Payable: Rs. 3,07,600.00",
]
LAKH_BILL = [
    "MAHARASHTRA STATE ELECTRICITY",
    "Consumer No: 170019283746",
    "Billing Period: 01-01-2025 to 31-01-2025",
    "Units Consumed (kWh): 12,34,567.50",
    "Net Amount: Rs. 1,02,46,910.25",
]
# 42,300 kWh billed for March, where the building's meter holds 250,885 kWh.
OFF_THE_METER_BILL = [
    "CITY POWER DISTRIBUTION",
    "Meter No: KA-5520931",
    "Billing Period: 01-03-2025 to 31-03-2025",
    "Billing Days: 31",
    "Units Consumed (kWh): 42,300",
    "Amount Payable: Rs. 3,38,400.00",
]
METER_MARCH_KWH = 250_885.0


def read(lines: list[str], kind: str = "PNG"):
    return parse_bill_text(ocr.bill_text(bills.encoded(bills.draw_bill(lines), kind)).text)


def test_thousands_grouped_by_a_space_are_read_whole():
    parsed = read(SPACE_GROUPED_BILL)
    assert (parsed.kwh, parsed.confidence["kwh"]) == (38_450.0, 0.9)  # was 38.0 at 0.9
    assert (parsed.period_start, parsed.period_end) == (date(2025, 2, 1), date(2025, 2, 28))


def test_lakh_grouping_is_read():
    parsed = read(LAKH_BILL, "JPEG")
    assert (parsed.kwh, parsed.confidence["kwh"]) == (1_234_567.5, 0.9)


def test_narrow_no_break_spaces_in_a_pdfs_text_layer_group_thousands():
    html = bills.TEXT_PDF_BILL.replace("kWh Used: 9,875", "kWh Used: 19\u202f875")
    text = ocr.bill_text(bills.text_pdf(html)).text
    assert parse_bill_text(text).kwh == 19_875.0


@pytest.mark.django_db
def test_a_bill_far_off_the_meter_is_flagged_and_confirmed_only_when_acknowledged(
    as_owner, as_verifier, owner, tasks_in_process, django_capture_on_commit_callbacks
):
    building = make_building(owner)  # 50,000 sq ft
    stamps = pd.date_range("2025-03-01", "2025-04-01", freq="15min", inclusive="left", tz=building.timezone)
    builders.store_meter(building, pd.DataFrame({"ts": stamps, "kwh": METER_MARCH_KWH / len(stamps)}))
    png = bills.encoded(bills.draw_bill(OFF_THE_METER_BILL), "PNG")
    with django_capture_on_commit_callbacks(execute=True):
        upload_id = as_owner.post(
            "/meter/upload-bill",
            {"building_id": str(building.pk), "file": SimpleUploadedFile("march.png", png, content_type="image/png")},
            format="multipart",
        ).json()["upload_id"]

    mismatch = (
        "The bill's 42,300 kWh differs from the meter's 250,885 kWh over the same days by 83.1 %, "
        "more than the 10 % allowed."
    )
    for reader in (as_owner, as_verifier):  # flagged before confirmation, with both figures
        body = reader.get(f"/meter/bills/{upload_id}").json()
        assert body["status"] == "completed" and body["extracted"]["kwh"] == 42_300.0
        checks = body["checks"]
        assert (checks["flagged"], checks["bill_kwh"], checks["meter"]["meter_kwh"]) == (
            True,
            42_300.0,
            pytest.approx(METER_MARCH_KWH),
        )
        assert mismatch in checks["messages"]
        assert "Meter readings exist for 2025-03: savings use the meter there, not this bill." in checks["messages"]

    version = Building.objects.get(pk=building.pk).data_version
    figures = {"kwh": 42_300, "period_start": "2025-03-01", "period_end": "2025-03-31"}
    refused = as_owner.post(f"/meter/bills/{upload_id}/confirm", figures, format="json")
    assert (refused.status_code, refused.json()["code"]) == (422, "bill_flagged")
    assert refused.json()["errors"] == {"acknowledge_mismatch": [mismatch]}
    bill = UtilityBill.objects.get()
    assert (bill.confirmed, bill.checks_acknowledged) == (False, False)
    assert Building.objects.get(pk=building.pk).data_version == version
    assert not AuditEvent.objects.filter(action="bill.confirmed").exists()

    confirmed = as_owner.post(
        f"/meter/bills/{upload_id}/confirm", {**figures, "acknowledge_mismatch": True}, format="json"
    )
    assert confirmed.status_code == 200
    assert confirmed.json()["confirmed"] is True and confirmed.json()["checks"]["acknowledged"] is True
    trail = AuditEvent.objects.get(action="bill.confirmed")
    assert trail.actor_label == owner.email
    assert (trail.after["checks"]["checked_kwh"], trail.after["checks"]["meter_kwh"]) == (
        42_300.0,
        pytest.approx(METER_MARCH_KWH),
    )
    assert trail.after["checks"]["acknowledged"] is True
