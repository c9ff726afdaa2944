"""Green Button billing-period data: each ended period becomes a confirmed bill through the bill rules (bounds, no
overlap, checks), idempotent when the same file comes again."""

from datetime import date

import pandas as pd
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from carbonexia.audit.models import AuditEvent
from metering.bills.models import BillSource, UtilityBill
from metering.bills.selectors import confirmed_bill_months
from metering.readings.models import MeterReading
from metering.uploads.models import Upload
from tests.metering.helpers import make_building
from tests.support.greenbutton import Channel, Point, feed

pytestmark = pytest.mark.django_db

NEW_YORK = "America/New_York"
JAN_1 = 1735707600  # 2025-01-01 00:00 in New York
DAY = 86_400


def post(client, building_id, data: bytes, **fields):
    file = SimpleUploadedFile("billing.xml", data, content_type="application/xml")
    return client.post(
        "/meter/upload-greenbutton", {"building_id": str(building_id), "file": file, **fields}, format="multipart"
    )


def monthly(*periods: tuple[int, int, int]) -> bytes:
    """A channel of billing periods: (start epoch s, days, Wh)."""
    readings = [(start, days * DAY, wh) for start, days, wh in periods]
    return feed(Point("Main meter", [Channel([readings], title="Billing", interval=readings[0][1])]))


JANUARY = (JAN_1, 31, 90_000_000)  # 90,000 kWh
FEBRUARY = (JAN_1 + 31 * DAY, 28, 81_000_000)  # 81,000 kWh


def test_billing_periods_become_confirmed_bills_and_the_response_counts_them(as_owner, owner):
    building = make_building(owner, timezone=NEW_YORK)
    response = post(as_owner, building.pk, monthly(JANUARY, FEBRUARY))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["content"], body["bills_created"], body["bills_unchanged"]) == ("billing_periods", 2, 0)
    assert body["rows"] == 2
    upload = Upload.objects.get()
    assert body["bills"] == [f"upl_{upload.pk.hex}-1", f"upl_{upload.pk.hex}-2"]
    assert (body["period_start"], body["period_end"]) == ("2025-01-01T05:00:00Z", "2025-03-01T05:00:00Z")
    assert not MeterReading.objects.exists()
    bill = as_owner.get(f"/meter/bills/{body['bills'][1]}").json()
    assert bill["status"] == "completed" and bill["confirmed"] is True and bill["origin"] == "greenbutton"
    assert bill["confirmation"]["kwh"] == 81_000.0
    assert (bill["confirmation"]["period_start"], bill["confirmation"]["period_end"]) == ("2025-02-01", "2025-02-28")
    assert bill["extracted"]["billing_days"] == 28
    stored = UtilityBill.objects.get(period_index=2)
    assert stored.source == BillSource.GREENBUTTON and stored.confirmed_by == owner
    assert AuditEvent.objects.filter(action="bill.imported").count() == 2
    # The bills are billing data: MRV's month totals prorate them by day (90,000 kWh over January's 31 days).
    months = confirmed_bill_months(building=building, months=[pd.Period("2025-01"), pd.Period("2025-02")])
    assert months[pd.Period("2025-01")].kwh == pytest.approx(90_000) and months[pd.Period("2025-02")].covered_days == 28


def test_the_same_file_again_creates_no_bill(as_owner, owner):
    building = make_building(owner, timezone=NEW_YORK)
    data = monthly(JANUARY, FEBRUARY)
    assert post(as_owner, building.pk, data).json()["bills_created"] == 2
    again = post(as_owner, building.pk, data)
    assert again.status_code == 201
    body = again.json()
    assert (body["bills_created"], body["bills_unchanged"], body["bills"]) == (0, 2, [])
    assert UtilityBill.objects.count() == 2 and Upload.objects.count() == 2
    # A later file with one more month adds only that month.
    march = (JAN_1 + 59 * DAY, 31, 85_000_000)
    more = post(as_owner, building.pk, monthly(JANUARY, FEBRUARY, march)).json()
    assert (more["bills_created"], more["bills_unchanged"]) == (1, 2)
    assert UtilityBill.objects.get(confirmed_period_start=date(2025, 3, 1)).confirmed_kwh == 85_000


def test_a_period_overlapping_a_confirmed_bill_with_other_figures_is_refused_whole(as_owner, owner):
    building = make_building(owner, timezone=NEW_YORK)
    assert post(as_owner, building.pk, monthly(JANUARY)).status_code == 201
    corrected = (JAN_1, 31, 95_000_000)
    response = post(as_owner, building.pk, monthly(corrected, FEBRUARY))
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "bill_overlap" and "line" in body["detail"] and "2025-01-01 to 2025-01-31" in body["detail"]
    assert UtilityBill.objects.count() == 1 and Upload.objects.count() == 1  # nothing of the refused file is kept


def test_usage_summaries_alone_are_bills_too(as_owner, owner):
    building = make_building(owner, timezone=NEW_YORK)
    response = post(as_owner, building.pk, feed(Point("Main meter", [], summaries=2)))
    assert response.status_code == 201, response.json()
    assert response.json()["bills_created"] == 2
    # Hand-checked: 768,032 Wh is 768.032 kWh; the summaries start 2024-01-01 00:00 local, 30 days each.
    periods = list(UtilityBill.objects.order_by("period_index").values_list("confirmed_period_start", "confirmed_kwh"))
    assert periods == [(date(2024, 1, 1), 768.032), (date(2024, 1, 31), 768.032)]


def test_a_flagged_period_needs_the_acknowledgement(as_owner, owner):
    building = make_building(owner, timezone=NEW_YORK)
    tiny = (JAN_1, 31, 100)  # 0.1 kWh for 50,000 sq ft in a month: digits lost, the floor-area check says
    refused = post(as_owner, building.pk, monthly(tiny))
    assert refused.status_code == 422
    body = refused.json()
    assert body["code"] == "bill_flagged" and "floor area" in body["errors"]["acknowledge_mismatch"][0]
    assert not UtilityBill.objects.exists() and not Upload.objects.exists()
    accepted = post(as_owner, building.pk, monthly(tiny), acknowledge_mismatch="true")
    assert accepted.status_code == 201 and accepted.json()["bills_created"] == 1
    assert UtilityBill.objects.get().checks_acknowledged is True


def test_a_period_the_bill_rules_refuse_is_named_by_its_line(as_owner, owner):
    building = make_building(owner, timezone=NEW_YORK)
    response = post(as_owner, building.pk, monthly((JAN_1, 120, 90_000_000)))
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_rows"
    assert body["errors"]["rows"][0]["row"] > 1 and "at most 100 days" in body["errors"]["rows"][0]["message"]
    assert not UtilityBill.objects.exists() and not Upload.objects.exists()


def test_no_ended_period_is_a_clear_refusal(as_owner, owner):
    building = make_building(owner, timezone=NEW_YORK)
    now = int(pd.Timestamp.now(tz="UTC").timestamp())
    response = post(as_owner, building.pk, monthly((now - 10 * DAY, 30, 1_000_000)))
    assert response.status_code == 422 and "has ended yet" in response.json()["detail"]
    assert not Upload.objects.exists()


def test_green_button_bills_are_private(as_owner, as_outsider, owner):
    building = make_building(owner, timezone=NEW_YORK)
    bill_id = post(as_owner, building.pk, monthly(JANUARY)).json()["bills"][0]
    assert as_owner.get(f"/meter/bills/{bill_id}").status_code == 200
    assert as_outsider.get(f"/meter/bills/{bill_id}").status_code == 404
    assert as_outsider.post(f"/meter/bills/{bill_id}/confirm", {}, format="json").status_code == 404
    assert post(as_outsider, building.pk, monthly(FEBRUARY)).status_code == 404
    assert as_owner.get(f"/meter/bills/{bill_id[:-2]}-9").status_code == 404
    assert as_owner.get(f"/meter/bills/{bill_id[:-2]}-x").status_code == 404


def test_the_portal_upload_says_the_billing_periods_became_bills(owner, client):
    building = make_building(owner, timezone=NEW_YORK)
    client.force_login(owner)
    file = SimpleUploadedFile("billing.xml", monthly(JANUARY, FEBRUARY), content_type="application/xml")
    response = client.post(
        f"/portal/buildings/{building.pk}/data/upload/", {"file": file}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "2 billing periods, stored as bills (2 new, 0 already confirmed with the same figures)" in html
    assert "from 2025-01-01 until 2025-03-01" in html and f"/portal/buildings/{building.pk}/bills/" in html
    bills = client.get(f"/portal/buildings/{building.pk}/bills/").content.decode()
    bill_id = UtilityBill.objects.get(period_index=2).public_id
    assert f"/portal/buildings/{building.pk}/bills/{bill_id}/" in bills
    page = client.get(f"/portal/buildings/{building.pk}/bills/{bill_id}/")
    assert page.status_code == 200 and "81,000" in page.content.decode()


def test_a_billing_file_stored_by_the_worker_makes_the_same_bills_and_a_refusal_fails_the_upload(
    as_owner, owner, settings, django_capture_on_commit_callbacks, tasks_in_process
):
    settings.METER_CSV_ASYNC_ROWS = 1  # two IntervalReadings: the worker stores it
    building = make_building(owner, timezone=NEW_YORK)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(as_owner, building.pk, monthly(JANUARY, FEBRUARY))
    assert response.status_code == 202
    status = as_owner.get(f"/meter/uploads/{response.json()['upload_id']}").json()
    assert (status["status"], status["rows"], status["inserted"]) == ("completed", 2, 2)
    assert UtilityBill.objects.filter(confirmed=True).count() == 2
    corrected = (JAN_1, 31, 95_000_000)
    with django_capture_on_commit_callbacks(execute=True):
        upload_id = post(as_owner, building.pk, monthly(corrected, FEBRUARY)).json()["upload_id"]
    failed = as_owner.get(f"/meter/uploads/{upload_id}").json()
    assert failed["status"] == "failed" and "overlaps bill" in failed["error"]
    assert UtilityBill.objects.count() == 2
